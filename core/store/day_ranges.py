"""Days as contiguous ranges, and a time window split into whole days plus a partial first day.

The daily pre-aggregates (``ticker_sentiment``, ``lead_funnel``) are refreshed and read by day.
Refreshing a set of days as a few contiguous ranges lets each DELETE/INSERT filter on a time
range, which DuckDB's min-max indexes turn into reading only those rows' row groups.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import duckdb


def ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Sorted, merged (first, last) runs of consecutive days."""
    out: list[list[date]] = []
    for d in sorted(set(days)):
        if out and d - out[-1][1] <= timedelta(days=1):
            out[-1][1] = d
        else:
            out.append([d, d])
    return [(a, b) for a, b in out]


def bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[midnight of first, midnight after last): the time range of whole days."""
    start = datetime.combine(first, datetime.min.time())
    return start, datetime.combine(last, datetime.min.time()) + timedelta(days=1)


def split(since: datetime) -> tuple[date, datetime | None, datetime | None]:
    """(first whole day, partial start, partial end) for the window ``[since, ...)``.

    When ``since`` is a midnight the window is whole days from ``since.date()`` on (no partial
    part); otherwise the hours from ``since`` to the next midnight are read from the raw rows.
    """
    midnight = datetime.combine(since.date(), datetime.min.time())
    if since == midnight:
        return since.date(), None, None
    nxt = midnight + timedelta(days=1)
    return nxt.date(), since, nxt


def days_of_ids(con: duckdb.DuckDBPyConnection, table: str, day_expr: str, ids: list[str]) -> list[date]:
    """The distinct days (``day_expr`` of ``table``, both from code) of the rows with these ids."""
    if not ids:
        return []
    rows = con.execute(
        f"SELECT DISTINCT CAST({day_expr} AS DATE) FROM {table} SEMI JOIN "
        "(SELECT unnest(?::VARCHAR[]) AS id) q USING (id)", [ids]).fetchall()
    return [r[0] for r in rows if r[0] is not None]
