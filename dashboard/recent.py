"""Windows anchored to the data for the pages: "last N days", or the N days up to the newest row.

Why: a fresh offline demo replays recordings that are years old, and a real store can go quiet
for a week (a holiday, a broken network). A page filtering "last 7 days" would then look empty
although the store holds data. Each function here returns a ``Window``
(``core.store.time_windows``): the plain window when it holds the newest row, else the same
number of days ending at the newest row, marked ``anchored`` so the page says so
(``components.anchored_note``). Cached like every read in ``dashboard/data.py``.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import streamlit as st

from core.store import bar_summary, time_windows
from core.store.time_windows import Window
from dashboard import data

# The trend component needs MACD(12, 26, 9), which TA-Lib (and core.signals.indicators) report
# from a symbol's 34th daily bar on; before that only sentiment and volume can speak.
WARMUP_BARS = 34

__all__ = ["Window", "newest", "news_window", "news_daily", "at_least", "leads_window",
           "signals_window", "export_range", "daily_bars"]


@st.cache_data(ttl=data.TTL_FAST, show_spinner=False, max_entries=64)
def _newest(path: str, table: str, columns: tuple[str, ...], symbol: str | None,
            interval: str | None) -> datetime | None:
    return time_windows.newest(data.store(), table, columns, symbol=symbol, interval=interval)


def newest(table: str, *columns: str, symbol: str | None = None,
           interval: str | None = None) -> datetime | None:
    """The newest value of ``table``'s time column (``coalesce`` of several), None when empty."""
    return _newest(data._key(), table, tuple(columns), symbol, interval)


def news_window(days: int) -> Window:
    """News published in the last ``days``, or in the ``days`` up to the newest story."""
    return time_windows.window(data.now_minute(), newest("news", "published_at"), days)


def at_least(win: Window, days: int) -> datetime:
    """The start of ``win`` widened to at least ``days`` before its end (e.g. for a line chart)."""
    return min(win.since, win.end - timedelta(days=days))


@st.cache_data(ttl=data.TTL_SLOW, show_spinner=False, max_entries=64)
def _news_daily(path: str, since: datetime) -> pl.DataFrame:
    from core.store import news_search

    return news_search.news_daily(data.store(), since).rename({"stories": "news"})


def news_daily(win: Window) -> pl.DataFrame:
    """(day, news, sentiment) per day of the window: the Overview chart's series."""
    return _news_daily(data._key(), win.since)


def leads_window(days: int) -> Window:
    """Leads posted (else fetched) in the last ``days``, or the ``days`` up to the newest one."""
    today = data.now_minute().replace(hour=0, minute=0)
    return time_windows.window(today, newest("leads", "posted_at", "fetched_at"), days)


def signals_window(days: int, newest_day: datetime | None) -> Window:
    """Signal days of the last ``days``, or the ``days`` up to the newest signal day
    (``data.newest_signal_day()``, read with the ranking)."""
    today = data.now_minute().replace(hour=0, minute=0)
    return time_windows.window(today, newest_day, days)


def export_range(dataset: str, days: int = 30) -> tuple[date, date, Window | None]:
    """Default (since, until) dates of an export: the last ``days`` days, or the ``days`` up to
    the dataset's newest row, so the default range never misses every existing row."""
    now = data.now_minute()
    ds = getattr(data.optional("core.store.exports"), "DATASETS", {}).get(dataset)
    if ds is None or not ds.time_column:
        return (now - timedelta(days=days)).date(), now.date(), None
    win = time_windows.window(now, newest(ds.table, ds.time_column), days)
    return win.since.date(), min(win.end.date(), now.date()), win


@st.cache_data(ttl=data.TTL_SLOW, show_spinner=False, max_entries=64)
def _daily_bars(path: str, symbol: str | None) -> int:
    return bar_summary.count(data.store(), symbol, "1d")


def daily_bars(symbol: str | None = None) -> int:
    """How many daily bars the store holds (of one symbol, or of all)."""
    return _daily_bars(data._key(), symbol)
