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
from core.store import Store
from core.store import views

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
@st.cache_data(ttl=TTL_FAST, show_spinner=False)
def _overview(path: str, now: datetime) -> dict:
    return views.overview_kpis(store(), now)


def overview() -> dict:
    return _overview(_key(), now_minute())


@st.cache_data(ttl=TTL_FAST, show_spinner=False)
def _alerts(path: str, now: datetime, stale_after_s: float) -> dict:
    return views.alerts(store(), now, stale_after_s)


def alerts() -> dict:
    return _alerts(_key(), now_minute(), current_settings().stale_after_s)


# ---------------------------------------------------------------- news
@st.cache_data(ttl=TTL_FAST, show_spinner=False)
def _search_news(path: str, text: str, ticker: str, since: datetime, limit: int) -> pl.DataFrame:
    return views.search_news(store(), text, ticker, since, limit)


def search_news(text: str, ticker: str, days: int, limit: int = 200) -> pl.DataFrame:
    return _search_news(_key(), text, ticker, now_minute() - timedelta(days=days), limit)


@st.cache_data(ttl=TTL_SLOW, show_spinner=False)
def _news_tickers(path: str, since: datetime) -> list[str]:
    return views.news_tickers(store(), since)


def news_tickers(days: int) -> list[str]:
    return _news_tickers(_key(), now_minute() - timedelta(days=days))


@st.cache_data(ttl=TTL_SLOW, show_spinner=False)
def _sentiment_by_ticker(path: str, tickers: tuple[str, ...], since: datetime) -> pl.DataFrame:
    return views.sentiment_by_ticker(store(), list(tickers), since)


def sentiment_by_ticker(tickers: list[str], days: int) -> pl.DataFrame:
    return _sentiment_by_ticker(_key(), tuple(tickers), now_minute() - timedelta(days=days))


@st.cache_data(ttl=TTL_SLOW, show_spinner=False)
def _news_clusters(path: str, since: datetime, limit: int) -> pl.DataFrame:
    return views.news_clusters(store(), since, limit)


def news_clusters(days: int, limit: int = 30) -> pl.DataFrame:
    return _news_clusters(_key(), now_minute() - timedelta(days=days), limit)


@st.cache_data(ttl=TTL_SLOW, show_spinner=False)
def _cluster_items(path: str, cluster_id: str) -> pl.DataFrame:
    return views.cluster_items(store(), cluster_id)


def cluster_items(cluster_id: str) -> pl.DataFrame:
    return _cluster_items(_key(), cluster_id)


# ---------------------------------------------------------------- leads
@st.cache_data(ttl=TTL_FAST, show_spinner=False)
def _lead_inbox(path: str, status: str | None, platform: str | None, text: str, limit: int) -> pl.DataFrame:
    return views.lead_inbox(store(), status, platform, None, text, limit)


def lead_inbox(status: str | None, platform: str | None, text: str = "", limit: int = 200) -> pl.DataFrame:
    return _lead_inbox(_key(), status, platform, text, limit)


@st.cache_data(ttl=TTL_SLOW, show_spinner=False)
def _lead_platforms(path: str) -> list[str]:
    return views.lead_platforms(store())


def lead_platforms() -> list[str]:
    return _lead_platforms(_key())


def lead_events(lead_id: str) -> pl.DataFrame:
    return views.lead_events(store(), lead_id)


# ---------------------------------------------------------------- keywords
@st.cache_data(ttl=TTL_FAST, show_spinner=False)
def _keyword_table(path: str) -> pl.DataFrame:
    from core.store import views_keywords

    return views_keywords.keyword_table(store())


def keyword_table() -> pl.DataFrame:
    return _keyword_table(_key())


def preview_ranking(keywords: pl.DataFrame, hours: int = 24) -> pl.DataFrame:
    from core.store import views_keywords

    now = utcnow()
    return views_keywords.preview_ranking(store(), keywords, now, now - timedelta(hours=hours))
