"""Data-provider panels (issue #16), called from the Jobs, Overview and Settings pages with a
line each: vendor usage against limits, the next NYSE session, cross-provider price alerts,
and which providers are configured (keys masked)."""
from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import components, data


@st.cache_data(ttl=data.TTL_FAST, show_spinner=False)
def _usage(key: str, minute) -> list[dict]:
    from core.vendors.usage import usage_rows

    return usage_rows(data.store(), data.current_settings(), now=minute)


@st.cache_data(ttl=data.TTL_FAST, show_spinner=False)
def _alerts(key: str, minute) -> pl.DataFrame:
    from core.store.price_alerts import recent_alerts

    return recent_alerts(data.store())


@st.cache_data(ttl=3600, show_spinner=False)
def _session(minute) -> dict | None:
    from jobs.market_calendar import next_session

    return next_session(minute)


def usage_panel() -> None:
    st.subheader("Data providers: calls against limits")
    rows = _usage(data._key(), data.now_minute())
    if not rows:
        components.empty_state("Only Yahoo is in use: set SIGNALDESK_PRICE_PROVIDERS / "
                               "SIGNALDESK_NEWS_PROVIDERS and the vendors' keys to add others.")
        return
    st.dataframe(rows, hide_index=True, column_config={
        "resets (UTC)": st.column_config.DatetimeColumn("Resets (UTC)", format="YYYY-MM-DD HH:mm"),
        "why blocked": st.column_config.TextColumn("Why blocked", width="large"),
    })
    st.caption("Daily counts restart at 00:00 UTC; a limit a vendor reported (429, Alpha Vantage's "
               "limit note) blocks it until the time shown.")


def next_session_line() -> None:
    s = _session(data.now_minute())
    if s is None:
        st.caption("NYSE calendar unavailable: market-hours jobs are not scheduled.")
        return
    when = "open now, closes" if s["open_now"] else f"next session {s['session']:%a %Y-%m-%d}: opens {s['open']:%H:%M} UTC, closes"
    early = " (early close)" if s["early_close"] else ""
    st.info(f"NYSE {when} {s['close']:%H:%M} UTC{early}. Intraday price runs only happen inside "
            "sessions; holidays are skipped.", icon=":material/calendar_month:")


def alerts_table() -> None:
    st.subheader("Price data quality (providers disagreeing)")
    components.table(_alerts(data._key(), data.now_minute()),
                     "No disagreements: every bar two providers both delivered closed within tolerance.",
                     {"diff_pct": st.column_config.NumberColumn("Diff (%)", format="%.2f")}, all_clear=True)


def settings_table() -> None:
    from core.vendors.catalog import provider_table

    st.subheader("Data providers")
    st.dataframe(provider_table(data.current_settings()), hide_index=True)
    st.caption("Keys are shown only as set / not set. Chains: SIGNALDESK_PRICE_PROVIDERS, "
               "SIGNALDESK_NEWS_PROVIDERS; limits: SIGNALDESK_<PROVIDER>_CALLS_PER_MINUTE / _PER_DAY.")
