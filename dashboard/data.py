"""Cached reads for the pages: every core read function the dashboard calls, wrapped once.

Why here: pages stay declarative, caching policy (``st.cache_data(ttl=...)``) lives in one
place, and the call sites of other modules are adapted in one file. No connection is ever
cached: each call opens the store briefly (``Store`` is a handle without a connection).
Cache keys include the store path, so two stores (e.g. tests) never share results; ``now`` is
rounded to the minute so repeated reruns within a minute hit the cache.

Settings seam: ``current_settings()`` returns ``st.session_state["settings"]`` when set (tests
do this through AppTest), else ``get_settings()``.
"""
from __future__ import annotations

import importlib
from datetime import datetime, timedelta
from functools import lru_cache

import polars as pl
import streamlit as st

from core.config import Settings, get_settings
from core.models import utcnow
from core.store import Store, news_search, ticker_sentiment
from core.store import lead_inbox as inbox_q
from core.store import overview as overview_q

TTL_FAST = 30  # seconds: job status, inbox
TTL_SLOW = 300  # seconds: history, charts


def current_settings() -> Settings:
    s = st.session_state.get("settings")
    return s if isinstance(s, Settings) else get_settings()


@lru_cache(maxsize=8)
def _store(path: str, lock_wait_s: float) -> Store:
    return Store(path, lock_wait_s=lock_wait_s)


def store() -> Store:
    s = current_settings()
    return _store(str(s.store_path), s.store_lock_wait_s)


def _key() -> str:
    return str(current_settings().store_path)


def now_minute() -> datetime:
    return utcnow().replace(second=0, microsecond=0)


def optional(module: str):
    """Import another engineer's module if it exists yet; None otherwise (pages show a note)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def invalidate() -> None:
    """After an operator action wrote to the store: drop cached reads so pages show it."""
    st.cache_data.clear()


# ---------------------------------------------------------------- overview
@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _overview(path: str, now: datetime) -> dict:
    return overview_q.overview_kpis(store(), now)


def overview() -> dict:
    return _overview(_key(), now_minute())


@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _alerts(path: str, now: datetime) -> dict:
    from core.store import health_alerts  # failing jobs and sources: "All clear" only when true
    from core.store.price_alerts import recent_alerts  # providers disagreeing on a close (a week)

    with store().read():  # one connection for all of them
        out = overview_q.alerts(store(), now)
        out["unhealthy_jobs"] = health_alerts.unhealthy_jobs(store())
        out["failing_sources"] = health_alerts.failing_sources(store(), now)
        out["price_alerts"] = recent_alerts(store(), since=now - timedelta(days=7))
        status = optional("jobs.status")
        stale = status.stale_jobs(store(), current_settings(), now) if status else []
    out["stale_jobs"] = pl.DataFrame(
        [{"job": j.job, "last_success": j.last_success_at, "age_s": j.age_s,
          "threshold_s": j.threshold_s, "reason": j.reason} for j in stale],
        schema={"job": pl.String, "last_success": pl.Datetime("us"), "age_s": pl.Float64,
                "threshold_s": pl.Float64, "reason": pl.String})
    return out


def alerts() -> dict:
    """Stale jobs (the runner's own rule), failed/partial jobs, failing and paused sources,
    failed or unknown posts."""
    return _alerts(_key(), now_minute())


# ---------------------------------------------------------------- news
@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _search_news(path: str, text: str, ticker: str, since: datetime, limit: int) -> pl.DataFrame:
    return news_search.search_news(store(), text, ticker, since, limit)


def search_news(text: str, ticker: str, since: datetime, limit: int = 200) -> pl.DataFrame:
    """``since``: the start of the page's window (``recent.news_window(days).since``)."""
    return _search_news(_key(), text, ticker, since, limit)


@st.cache_data(ttl=TTL_SLOW, show_spinner=False, max_entries=64)
def _news_tickers(path: str, since: datetime) -> list[str]:
    return ticker_sentiment.news_tickers(store(), since)


def news_tickers(since: datetime) -> list[str]:
    return _news_tickers(_key(), since)


@st.cache_data(ttl=TTL_SLOW, show_spinner=False, max_entries=64)
def _sentiment_by_ticker(path: str, tickers: tuple[str, ...], since: datetime) -> pl.DataFrame:
    return ticker_sentiment.sentiment_by_ticker(store(), list(tickers), since)


def sentiment_by_ticker(tickers: list[str], since: datetime) -> pl.DataFrame:
    return _sentiment_by_ticker(_key(), tuple(tickers), since)


@st.cache_data(ttl=TTL_SLOW, show_spinner=False, max_entries=64)
def _news_clusters(path: str, since: datetime, limit: int) -> pl.DataFrame:
    return news_search.news_clusters(store(), since, limit)


def news_clusters(since: datetime, limit: int = 30) -> pl.DataFrame:
    return _news_clusters(_key(), since, limit)


@st.cache_data(ttl=TTL_SLOW, show_spinner=False, max_entries=64)
def _cluster_items(path: str, cluster_id: str) -> pl.DataFrame:
    return news_search.cluster_items(store(), cluster_id)


def cluster_items(cluster_id: str) -> pl.DataFrame:
    return _cluster_items(_key(), cluster_id)


# ---------------------------------------------------------------- leads
@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _lead_inbox(path: str, status: str | None, platform: str | None, text: str, limit: int,
                intent: str | None = "request") -> pl.DataFrame:
    return inbox_q.lead_inbox(store(), status, platform, None, text, limit, intent)


def lead_inbox(status: str | None, platform: str | None, text: str = "", limit: int = 200,
               intent: str | None = "request") -> pl.DataFrame:
    return _lead_inbox(_key(), status, platform, text, limit, intent)


@st.cache_data(ttl=TTL_SLOW, show_spinner=False, max_entries=64)
def _lead_platforms(path: str) -> list[str]:
    return inbox_q.lead_platforms(store())


def lead_platforms() -> list[str]:
    return _lead_platforms(_key())


@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _lead_events(path: str, lead_id: str) -> pl.DataFrame:
    return inbox_q.lead_events(store(), lead_id)


def lead_events(lead_id: str) -> pl.DataFrame:
    """One lead's status history (cached like the inbox; a status change clears the cache)."""
    return _lead_events(_key(), lead_id)


# ---------------------------------------------------------------- keywords
@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _keyword_table(path: str) -> pl.DataFrame:
    from core.store import keywords

    return keywords.keyword_table(store())


def keyword_table() -> pl.DataFrame:
    return _keyword_table(_key())


def preview_ranking(keywords: pl.DataFrame, hours: int = 24) -> pl.DataFrame:
    from core.store import keyword_preview

    now = utcnow()
    return keyword_preview.preview_ranking(store(), keywords, now, now - timedelta(hours=hours))


# ---------------------------------------------------------------- signals
@st.cache_data(ttl=TTL_SLOW, show_spinner=False, max_entries=64)
def _signal_board(path: str, limit: int) -> dict:
    """The Signals page's symbol-independent reads in one connection (opening the file costs
    more than these reads): the ranking, the newest signal day and the component weights."""
    from core.store import signals, time_windows

    with store().read():
        return {"ranking": signals.latest_signals(store(), limit),
                "newest": time_windows.newest(store(), "signals_latest", "day"),
                "weights": signals.signal_weights(store())}


def latest_signals(limit: int = 50) -> pl.DataFrame:
    return _signal_board(_key(), limit)["ranking"]


def newest_signal_day(limit: int = 50):
    """The newest signal day (each symbol's latest row, ``signals_latest``); None without signals."""
    return _signal_board(_key(), limit)["newest"]


def signal_weights(limit: int = 50) -> pl.DataFrame:
    return _signal_board(_key(), limit)["weights"]


@st.cache_data(ttl=TTL_SLOW, show_spinner=False, max_entries=64)
def _symbol_view(path: str, symbol: str, days: int, today: datetime) -> dict:
    """Everything the per-symbol chart needs, in one connection: the window (the last ``days``,
    or the ``days`` up to the symbol's newest daily bar), the symbol's bar count (both one row of
    ``price_bar_summary``), and the window's bars (indicators over a warm-up margin), signal
    history, news sentiment and markers."""
    from core.signals import equity_curve, indicators
    from core.store import bar_summary, signals, time_windows

    with store().read():  # one connection for every read
        newest, n_bars = bar_summary.summary(store(), symbol, "1d")
        window = time_windows.window(today, newest, days)
        since = window.since
        bars = signals.price_bars(store(), [symbol], since=since - timedelta(days=60))
        history = signals.signal_history(store(), symbol, since.date())
        sentiment = ticker_sentiment.sentiment_by_ticker(store(), [symbol], since)
        markers = signals.signal_markers(store(), symbol, since.date())
    ind = indicators(bars).filter(pl.col("ts") >= since) if bars.height else bars
    curve = (equity_curve(history, ind.select("symbol", "ts", "close"))
             if history.height and ind.height else pl.DataFrame())
    return {"window": window, "n_bars": n_bars, "bars": ind, "sentiment": sentiment, "markers": markers,
            "equity": curve}


def symbol_view(symbol: str, days: int) -> dict:
    """The chart of ``symbol`` over its last ``days`` of daily bars (``window``: a
    ``time_windows.Window``, anchored to the newest bar when the plain one holds none)."""
    return _symbol_view(_key(), symbol, days, now_minute().replace(hour=0, minute=0))


# ---------------------------------------------------------------- conversions
@st.cache_data(ttl=TTL_SLOW, show_spinner=False, max_entries=64)
def _conversions(path: str, since: datetime) -> dict:
    from core.store import lead_funnel

    return lead_funnel.conversions(store(), since)  # sums of the daily funnel pre-aggregates


def conversions(since: datetime) -> dict:
    """``since``: the start of the window (``recent.leads_window(days).since``)."""
    return _conversions(_key(), since)


# ---------------------------------------------------------------- jobs
@st.cache_data(ttl=10, show_spinner=False, max_entries=64)
def _jobs(path: str, now: datetime) -> dict:
    from core.store import job_runs, source_health

    with store().read():  # one connection for the five reads
        return {
            "status": job_runs.job_status(store()),
            "errors": job_runs.error_groups(store(), now - timedelta(days=7)),
            "durations": job_runs.job_durations(store(), now - timedelta(days=7)),
            "paused": source_health.paused_sources(store(), now),
            "pending": job_runs.pending_requests(store()),
        }


def jobs() -> dict:
    # `now` to the 10 s of the cache's ttl: a rerun within them is answered from the cache (a
    # key to the second missed it on nearly every rerun) and nothing is older than the ttl allows
    now = utcnow().replace(microsecond=0)
    return _jobs(_key(), now.replace(second=now.second - now.second % 10))


def job_schedule() -> list[dict]:
    """Every registered job with its schedule text and next fire time (None when off)."""
    registry = optional("jobs.registry")
    schedule = optional("jobs.schedule")
    if registry is None:
        return []
    s = current_settings()
    now = utcnow()
    out = []
    for name, spec in registry.default_registry(s).items():
        text = spec.schedule_text(s)
        nxt = None
        if schedule is not None:
            try:
                nxt = schedule.next_fire(spec.trigger(s), now)
            except Exception as exc:  # noqa: BLE001 - a bad schedule is shown, not fatal
                text = f"{text} (invalid: {exc})"
        out.append({"job": name, "description": spec.description, "schedule": text, "next_run": nxt,
                    "stale_after_h": spec.stale_threshold_s(s) / 3600})
    return out


# ---------------------------------------------------------------- discord
@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _post_history(path: str, limit: int, status: str | None) -> pl.DataFrame:
    from core.store import posts

    return posts.post_history(store(), limit, status)


def post_history(limit: int = 200, status: str | None = None) -> pl.DataFrame:
    return _post_history(_key(), limit, status)


@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _post_counts(path: str) -> pl.DataFrame:
    from core.store import posts

    return posts.post_counts(store())


def post_counts() -> pl.DataFrame:
    return _post_counts(_key())


@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _digest_preview(path: str, now: datetime) -> list[dict]:
    from core import publish

    return publish.preview_digest(store(), now)


# ---------------------------------------------------------------- settings
@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _inputs(path: str) -> dict:
    from core.redact import mask_url
    from core.store import feeds

    listed = feeds.list_feeds(store())
    shown = listed.with_columns(pl.col(c).map_elements(mask_url, return_dtype=pl.String)
                                for c in ("url", "name"))
    return {"watchlist": feeds.list_watchlist(store(), enabled_only=False),
            "feeds": listed, "feeds_shown": shown}


def inputs() -> dict:
    return _inputs(_key())


def leads_by_ids(ids: list[str]) -> pl.DataFrame:
    return inbox_q.leads_by_ids(store(), ids)


@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _post_candidates(path: str, kind: str, limit: int) -> pl.DataFrame:
    """Rows the Discord page offers to post, newest/strongest first."""
    if kind == "lead":
        from core.store import digest

        return pl.DataFrame(digest.top_new_leads(store(), limit))
    if kind == "signal":
        from core.store import signals

        return signals.latest_signals(store(), limit)
    return news_search.latest_news(store(), limit)


def post_candidates(kind: str, limit: int = 25) -> pl.DataFrame:
    return _post_candidates(_key(), kind, limit)


def preview(kind: str, items: pl.DataFrame | None) -> list[dict]:
    """The payloads a post would send (digest when kind == 'digest'); nothing is sent."""
    publish = optional("core.publish")
    if publish is None:
        return []
    if kind == "digest":
        return _digest_preview(_key(), now_minute())
    return publish.preview_items(kind, items)


# ---------------------------------------------------------------- exports
def export_datasets() -> dict:
    """Dataset name -> its filter names (empty when core.exports is not in this build)."""
    q = optional("core.store.exports")
    return {name: list(ds.filters) for name, ds in q.DATASETS.items()} if q else {}


@st.cache_data(ttl=TTL_FAST, show_spinner=False, max_entries=64)
def _export_count(path: str, name: str, since, until, filters: tuple) -> int:
    from core.store import exports

    return exports.count_rows(store(), name, since, until, dict(filters))


def export_count(name: str, since, until, filters: dict[str, str]) -> int:
    return _export_count(_key(), name, since, until, tuple(sorted(filters.items())))


def export_bytes(name: str, fmt: str, since, until, filters: dict[str, str]) -> bytes:
    from core import exports

    return exports.export_bytes(store(), name, fmt, since=since, until=until, filters=filters or None)
