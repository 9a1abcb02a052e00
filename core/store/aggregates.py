"""Which pre-aggregate follows which table: the one place writers of news and leads call.

``news`` feeds ``news_ticker_daily`` (``ticker_sentiment``); ``leads`` and ``lead_events`` feed
``lead_funnel_daily``, ``lead_keyword_daily`` and the all-time ``lead_totals`` (``lead_funnel``).
Writers call these inside their own transaction, so a reader sees rows and aggregates from the
same commit.
"""
from __future__ import annotations

import duckdb
import polars as pl

from core.store import lead_funnel, ticker_sentiment

_DAY = {"news": pl.col("published_at"), "leads": pl.coalesce("posted_at", "fetched_at")}


def after_insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, new_ids: list[str]) -> None:
    """Refresh the days of the rows of ``frame`` that were new (``new_ids``)."""
    if table not in _DAY or not new_ids or frame.is_empty():
        return
    days = frame.filter(pl.col("id").is_in(new_ids)).select(_DAY[table].dt.date()).to_series().unique()
    refresh(con, table, days.to_list())


def refresh(con: duckdb.DuckDBPyConnection, table: str, days: list) -> None:
    if table == "news":
        ticker_sentiment.refresh_days(con, days)
    elif table in ("leads", "lead_events"):
        lead_funnel.refresh_days(con, days)


def after_change(con: duckdb.DuckDBPyConnection, table: str, ids: list[str]) -> None:
    """Refresh the days of stored rows whose aggregated columns (score, status) changed."""
    if table == "news":
        ticker_sentiment.refresh_days(con, ticker_sentiment.days_of_ids(con, ids))
    elif table == "leads":
        lead_funnel.refresh_days(con, lead_funnel.days_of_ids(con, ids))


def after_import(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """A bulk import touched any day: rebuild what follows ``table`` (imports are rare)."""
    if table == "news":
        ticker_sentiment.rebuild(con)
    elif table in ("leads", "lead_events"):
        lead_funnel.rebuild(con)


def rebuild_all(con: duckdb.DuckDBPyConnection) -> None:
    """Every pre-aggregate from scratch (bulk-filled stores such as the benchmark's)."""
    ticker_sentiment.rebuild(con)
    lead_funnel.rebuild(con)
