"""The Overview's "Needs attention": every problem named with its reason, "All clear" only when
nothing is wrong (no stale, failed or partial job; no failing or paused source; no bad post)."""
from __future__ import annotations

import streamlit as st

from dashboard import components


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value is not None else "never"


def problems(alerts: dict) -> int:
    keys = ("stale_jobs", "unhealthy_jobs", "failing_sources", "paused_sources", "bad_posts")
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
