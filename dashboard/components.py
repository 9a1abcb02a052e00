"""Shared UI pieces: the password gate, the sidebar footer, tables with empty states, embed previews.

Everything that shows outside text (news titles, lead bodies) renders it as text:
``st.text`` / ``st.dataframe`` cells / ``st.markdown`` only for our own labels. The one
exception is the Discord preview: embeds are shown with ``st.markdown`` because Discord renders
markdown, and their scraped parts were already escaped by ``core.publish.escape`` (raw HTML is
never rendered: ``unsafe_allow_html`` stays off).
"""
from __future__ import annotations

import hmac
import json
import re
import time

import streamlit as st

MAX_FREE_TRIES = 3
BASE_LOCK_S = 5.0


def _configured_password() -> str | None:
    try:
        value = st.secrets.get("dashboard_password")
    except Exception:  # noqa: BLE001 - no secrets.toml at all
        return None
    return str(value) if value else None


def password_configured() -> bool:
    return _configured_password() is not None


def lockout_seconds(failures: int) -> float:
    """Refusal window after ``failures`` wrong passwords: 0 for the first few, then doubling."""
    if failures < MAX_FREE_TRIES:
        return 0.0
    return BASE_LOCK_S * 2 ** (failures - MAX_FREE_TRIES)


def password_gate() -> bool:
    """True when no password is configured or the operator gave it in this session.

    Wrong tries are counted in session_state; after a few, further tries are refused for a
    growing number of seconds (no sleeping: the refusal is a message).
    """
    expected = _configured_password()
    if expected is None or st.session_state.get("authenticated"):
        return True
    st.title("signaldesk")
    ss = st.session_state
    ss.setdefault("pw_failures", 0)
    ss.setdefault("pw_locked_until", 0.0)
    with st.form("login"):
        given = st.text_input("Dashboard password", type="password")
        submitted = st.form_submit_button("Unlock")
    if submitted:
        wait = ss["pw_locked_until"] - time.time()
        if wait > 0:
            st.error(f"Too many wrong passwords. Try again in {wait:.0f} s.")
        elif hmac.compare_digest(given.encode(), expected.encode()):
            ss["authenticated"] = True
            ss["pw_failures"] = 0
            st.rerun()
        else:
            ss["pw_failures"] += 1
            lock = lockout_seconds(ss["pw_failures"])
            ss["pw_locked_until"] = time.time() + lock
            st.error("Wrong password." + (f" Further tries are refused for {lock:.0f} s." if lock else ""))
    return False


def sidebar_footer(settings) -> None:
    st.divider()
    st.caption(f"Store: `{settings.store_path}`")
    if settings.dry_run:
        st.caption("Discord: dry run (no webhook or bot configured)")
    if st.button("Refresh data", icon=":material/refresh:", help="Drop cached reads and reload"):
        st.cache_data.clear()
        st.rerun()


def empty_state(message: str, icon: str = ":material/info:") -> None:
    st.info(message, icon=icon)


def anchored_note(what: str, days: int, win) -> None:
    """Say that a "last N days" window was empty and was moved back to the newest row."""
    if win is not None and win.anchored:
        st.info(f"No {what} in the last {days} days — showing the {days} days up to the newest one "
                f"({win.newest:%Y-%m-%d %H:%M} UTC).", icon=":material/history:")


FLASH_KEY = "flash_message"
FLASH_S = 5.0  # a confirmation stays for the reruns of this many seconds (at least one run)


def flash(message: str, now: float | None = None) -> None:
    """Remember a confirmation for the next run: a toast followed by ``st.rerun()`` is lost
    (Streamlit 1.67), so the message waits in session_state and ``show_flash`` shows it.
    A plain dict, so it survives a module reload."""
    until = (time.monotonic() if now is None else now) + FLASH_S
    st.session_state[FLASH_KEY] = {"message": message, "until": until, "shown": False}


def flash_due(item: dict | None, now: float) -> bool:
    """Whether a run at ``now`` shows ``item``: always the first time, then until it expires.

    Why not exactly once: the run after ``st.rerun()`` can itself be cut short by a rerun the
    browser asks for, and a message popped by a run that never reached the browser would be
    lost again. Showing it for a few seconds of runs avoids that.
    """
    return bool(item) and (not item["shown"] or now < item["until"])


def show_flash(now: float | None = None) -> None:
    """Show the confirmation the last action left before its rerun; forget it once expired."""
    item = st.session_state.get(FLASH_KEY)
    if not isinstance(item, dict):
        return
    if flash_due(item, time.monotonic() if now is None else now):
        item["shown"] = True
        st.success(item["message"], icon=":material/check_circle:")
    else:
        del st.session_state[FLASH_KEY]


def table(frame, empty: str, column_config: dict | None = None, *, all_clear: bool = False) -> bool:
    """``frame`` as a table, or ``empty`` when it has no rows — as good news with ``all_clear``
    ("no failures"), else as an empty state. Every page shows its tables this one way."""
    if frame.is_empty():
        if all_clear:
            st.success(empty)
        else:
            empty_state(empty)
        return False
    st.dataframe(frame, hide_index=True, column_config=column_config)
    return True


def unavailable(section: str, module: str) -> None:
    """Placeholder while another part of signaldesk is not installed yet."""
    st.warning(f"{section} is not available yet: `{module}` is not part of this build.",
               icon=":material/construction:")


def stale_job_warning(job: dict) -> None:
    """One stale job, in the words of ``jobs.status.StaleJob.reason``."""
    st.warning(f"Job **{job['job']}** is stale — {job['reason'].split(': ', 1)[-1]}. "
               "See the Jobs page (or run it now).", icon=":material/schedule:")


def fmt_pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def fmt_num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


# Streamlit-only markdown that Discord shows literally: $…$ (LaTeX) and :color[…] directives.
_ST_ONLY = re.compile(r"(?<!\\)(\$)|(:[a-z-]+)\[")


def discord_markdown(text: object) -> str:
    """Markdown as Discord would render it, made safe for ``st.markdown``: the Streamlit-only
    syntax (math, colour directives) is escaped so it shows as the literal text Discord shows."""
    return _ST_ONLY.sub(lambda m: "\\$" if m.group(1) else m.group(2) + "\\[", str(text))


def render_embed(embed: dict) -> None:
    """One Discord embed as Discord shows it: linked title, description, fields, footer."""
    with st.container(border=True):
        title = embed.get("title")
        if title:
            title = discord_markdown(title)
            st.markdown(f"**[{title}](<{embed['url']}>)**" if embed.get("url") else f"**{title}**")
        if embed.get("description"):
            st.markdown(discord_markdown(embed["description"]))
        fields = embed.get("fields") or []
        n = 0
        while n < len(fields):  # Discord puts up to 3 consecutive inline fields side by side
            run = 1
            while (fields[n].get("inline") and run < 3 and n + run < len(fields)
                   and fields[n + run].get("inline")):
                run += 1
            for column, field in zip(st.columns(3) if run > 1 else [st.container()], fields[n:n + run]):
                column.markdown(f"**{discord_markdown(field.get('name', ''))}**  \n"
                                f"{discord_markdown(field.get('value', ''))}")
            n += run
        footer = embed.get("footer")
        if isinstance(footer, dict) and footer.get("text"):
            st.caption(discord_markdown(footer["text"]))


def post_report(report) -> None:
    """What a post did: sent / failed / skipped / preview per item, with the reasons."""
    summary = report.summary() if hasattr(report, "summary") else str(report)
    if getattr(report, "dry_run", False):
        st.info(f"Dry run — nothing was sent. {summary}", icon=":material/visibility:")
    elif getattr(report, "ok", True):
        st.success(summary, icon=":material/send:")
    else:
        st.error(summary, icon=":material/error:")
    outcomes = getattr(report, "outcomes", None) or []
    if outcomes:
        st.dataframe([{"item": o.item_id, "kind": o.kind, "status": o.status, "reason": o.reason}
                      for o in outcomes], hide_index=True)


def render_payloads(payloads: list[dict]) -> None:
    """Each message as Discord would show it (content, then embeds, markdown rendered), with
    the exact JSON that would be sent in an expander."""
    for n, payload in enumerate(payloads, 1):
        st.caption(f"Message {n} of {len(payloads)}")
        if payload.get("content"):
            st.markdown(discord_markdown(payload["content"]))
        for embed in payload.get("embeds") or []:
            render_embed(embed)
        with st.expander("Raw JSON"):
            st.code(json.dumps(payload, indent=2, ensure_ascii=False, default=str), language="json")
