"""Lead counts over every stored lead: per status, and per (keyword, status), each lead once.

The learn job's posteriors need these over all leads, not a window; summing the daily rows
of 1 M leads on every run would grow with the store, so the totals are kept by deltas instead:
``lead_funnel.refresh_days`` subtracts the sums of the days' old rows before it replaces them
and adds the new rows' sums after, in the writer's transaction. ``rebuild`` adds every day's
rows, so the backfill and the upkeep are the same code. Keys whose count reaches 0 are dropped,
so the kept tables equal a rebuild exactly.
"""
from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from core.store import Store

# (table, key columns, daily table and the column summed into ``leads``)
_SOURCES = (
    ("lead_status_totals", "status", "lead_funnel_daily", "leads"),
    ("lead_keyword_totals", "keyword, status", "lead_keyword_daily", "distinct_leads"),
)


def add_days(con: duckdb.DuckDBPyConnection, first: date, last: date, sign: int) -> None:
    """Add (``sign`` 1) or subtract (-1) the daily rows of days [first, last] to the totals."""
    for table, key, daily, col in _SOURCES:
        con.execute(
            f"INSERT INTO {table} ({key}, leads) SELECT {key}, {int(sign)} * sum({col}) FROM {daily} "
            f"WHERE day BETWEEN ? AND ? GROUP BY ALL "
            f"ON CONFLICT ({key}) DO UPDATE SET leads = leads + excluded.leads", [first, last])


def drop_empty(con: duckdb.DuckDBPyConnection) -> None:
    for table, *_ in _SOURCES:
        con.execute(f"DELETE FROM {table} WHERE leads = 0")


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """The totals from the daily rows (which must be current)."""
    for table, *_ in _SOURCES:
        con.execute(f"DELETE FROM {table}")
    add_days(con, date.min, date.max, 1)
    drop_empty(con)


def totals(store: Store) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(status, leads) and (keyword, status, leads) over every stored lead."""
    with store.read() as con:
        by_status = con.sql("SELECT status, leads FROM lead_status_totals ORDER BY status").pl()
        by_keyword = con.sql("SELECT keyword, status, leads FROM lead_keyword_totals ORDER BY ALL").pl()
    return by_status, by_keyword
