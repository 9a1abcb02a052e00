"""The Overview's "Needs attention": every problem named with its reason, "All clear" only when
nothing is wrong (no stale, failed or partial job; no failing or paused source; no bad post; no
price disagreement between providers this week)."""
from __future__ import annotations

import streamlit as st

from dashboard import components


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value is not None else "never"


def problems(alerts: dict) -> int:
    keys = ("stale_jobs", "unhealthy_jobs", "failing_sources", "paused_sources", "bad_posts", "price_alerts")
    return sum(alerts[k].height for k in keys if k in alerts)


def render(alerts: dict) -> None:
    if not problems(alerts):
        st.success("All clear: jobs are fresh and their last runs were ok, no source is failing or "
                   "paused, every post was delivered.", icon=":material/check_circle:")
        return
    for job in alerts["stale_jobs"].iter_rows(named=True):
        components.stale_job_warning(job)
    for job in alerts["unhealthy_jobs"].iter_rows(named=True):
        say = st.error if job["status"] == "failed" else st.warning
        say(f"Job **{job['job']}**: last run {job['status']} at {_when(job['finished_at'])} — "
            f"{job['reason'] or 'no reason recorded'}. Last clean run: {_when(job['last_ok'])}.",
            icon=":material/error:" if job["status"] == "failed" else ":material/warning:")
    for src in alerts["failing_sources"].iter_rows(named=True):
        st.warning(f"Source {src['source']} failed {src['consecutive_failures']} time(s) in a row "
                   f"(last success: {_when(src['last_success_at'])}): {src['last_error'] or 'no reason recorded'}",
                   icon=":material/cloud_off:")
    for src in alerts["paused_sources"].iter_rows(named=True):
        st.warning(f"Source {src['source']} is paused until {src['paused_until']:%H:%M} UTC "
                   f"after {src['consecutive_failures']} failures.", icon=":material/pause_circle:")
        st.text(f"Last error: {src['last_error'] or '–'}")
    for post in alerts["bad_posts"].iter_rows(named=True):
        advice = ("check the channel: they may have been sent" if post["status"] == "unknown"
                  else "see the Discord page to retry")
        st.error(f"{post['n']} Discord post(s) are **{post['status']}** — {advice}.", icon=":material/error:")
    price_alerts(alerts.get("price_alerts"))


def price_alerts(frame, limit: int = 5) -> None:
    """Providers disagreeing on a close, with both values (the Jobs page lists them all)."""
    if frame is None or frame.is_empty():
        return
    for a in frame.head(limit).iter_rows(named=True):
        st.warning(f"Price check: {a['symbol']} {a['interval']} {a['ts']:%Y-%m-%d %H:%M}: "
                   f"{a['provider_a']} closed at {a['close_a']:.4f}, {a['provider_b']} at {a['close_b']:.4f} "
                   f"({a['diff_pct']:.2f} % apart).", icon=":material/rule:")
    if frame.height > limit:
        st.caption(f"{frame.height - limit} more price disagreements: see the Jobs page.")
