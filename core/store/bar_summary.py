"""Per symbol and interval: first and newest stored bar and how many bars (``price_bar_summary``).

Kept by the price writers (``core.store.prices``) inside their own transaction, so a reader
sees bars and summary from the same commit. An upsert only adds or overwrites bars, so the
summary merges with the batch alone (``add``: O(batch), not O(table)); a history swap or
delete drops the symbol's row first (``forget``). ``rebuild`` computes it from scratch (the
migration's backfill, bulk-built benchmark stores, and the tests' reference).

``changed_from`` (migration 160): the earliest bar written since the learn job last consumed the
mark, least() of the batches' first bars; NULL = nothing since. A new row (a new symbol, a
history swap after ``forget``) starts at its first bar and ``rebuild`` sets ``first_ts``: both
mean "from the beginning", which the learn job recomputes in full.
"""
from __future__ import annotations

from datetime import datetime

import duckdb

from core.store import Store, scalar

_FROM_SCRATCH = ("SELECT symbol, interval, min(ts) AS min_ts, max(ts), count(*) FROM prices "
                 "GROUP BY symbol, interval")


def add(con: duckdb.DuckDBPyConnection, batch: str) -> int:
    """Merge the bars of the registered relation ``batch`` (symbol, interval, ts; unique keys),
    before they are upserted into ``prices``. Returns how many of them are already stored."""
    merged = con.sql(
        f"SELECT b.symbol, b.interval, min(b.ts) AS first_ts, max(b.ts) AS last_ts, "
        f"count(*) FILTER (WHERE p.ts IS NULL) AS new_bars, count(p.ts) AS stored "
        f"FROM {batch} b LEFT JOIN prices p USING (symbol, interval, ts) "
        "GROUP BY b.symbol, b.interval").pl()
    if merged.is_empty():
        return 0
    revision = scalar(con, "SELECT nextval('price_revision_seq')")  # every write moves it
    con.register("_summary_batch", merged.to_arrow())  # one set-based upsert, not a row loop
    try:
        con.execute(
            "INSERT INTO price_bar_summary SELECT symbol, interval, first_ts, last_ts, new_bars, ?, first_ts "
            "FROM _summary_batch ON CONFLICT (symbol, interval) DO UPDATE SET "
            "first_ts = least(price_bar_summary.first_ts, excluded.first_ts), "
            "last_ts = greatest(price_bar_summary.last_ts, excluded.last_ts), "
            "bars = price_bar_summary.bars + excluded.bars, revision = excluded.revision, "
            "changed_from = least(price_bar_summary.changed_from, excluded.changed_from)", [revision])
    finally:
        con.unregister("_summary_batch")
    return int(merged["stored"].sum())


def forget(con: duckdb.DuckDBPyConnection, symbol: str, interval: str) -> None:
    """The symbol's bars of ``interval`` are being removed (a history swap adds them back)."""
    con.execute("DELETE FROM price_bar_summary WHERE symbol = ? AND interval = ?", [symbol, interval])


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """From scratch; every symbol changed "from the beginning" (its first bar)."""
    con.execute("DELETE FROM price_bar_summary")
    revision = scalar(con, "SELECT nextval('price_revision_seq')")
    con.execute(f"INSERT INTO price_bar_summary SELECT *, ?, min_ts FROM ({_FROM_SCRATCH})", [revision])


def mark_unsynced(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 160's backfill: rows whose revision moved since the learn job computed the
    symbol (or that it never computed) changed "from the beginning"; the others stay NULL."""
    con.execute("UPDATE price_bar_summary p SET changed_from = first_ts WHERE NOT EXISTS ("
                "SELECT 1 FROM signal_symbol_state s WHERE s.symbol = p.symbol AND s.bars_rev = p.revision)")


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    return not con.execute("SELECT 1 FROM price_bar_summary LIMIT 1").fetchall()


def marks(con: duckdb.DuckDBPyConnection, interval: str = "1d") -> dict[str, tuple[datetime, datetime | None]]:
    """symbol -> (first bar, changed_from) at ``interval``."""
    return {r[0]: (r[1], r[2]) for r in con.execute(
        "SELECT symbol, first_ts, changed_from FROM price_bar_summary WHERE interval = ?", [interval]).fetchall()}


def consume(con: duckdb.DuckDBPyConnection, state: str, interval: str = "1d") -> None:
    """Clear the marks of the symbols in the registered relation ``state`` (symbol, bars_rev)
    whose revision is still the one computed from (a write since keeps its mark)."""
    con.execute(f"UPDATE price_bar_summary p SET changed_from = NULL FROM {state} s "
                "WHERE p.symbol = s.symbol AND p.interval = ? AND p.revision = s.bars_rev", [interval])


def summary(store: Store, symbol: str, interval: str) -> tuple[datetime | None, int]:
    """(newest stored bar, number of bars) of ``symbol`` (upper-cased) at ``interval``; (None, 0)
    without bars."""
    with store.read() as con:
        rows = con.execute("SELECT last_ts, bars FROM price_bar_summary WHERE symbol = ? AND interval = ?",
                           [symbol.upper(), interval]).fetchall()  # fetchall: no result left open
    return (rows[0][0], int(rows[0][1])) if rows else (None, 0)


def newest(store: Store, symbol: str, interval: str) -> datetime | None:
    """The newest stored bar of ``symbol`` (upper-cased) at ``interval``; None without bars."""
    return summary(store, symbol, interval)[0]


def count(store: Store, symbol: str | None, interval: str) -> int:
    """Stored bars of ``symbol`` (None: of every symbol) at ``interval``."""
    where, params = "interval = ?", [interval]
    if symbol is not None:
        where += " AND symbol = ?"
        params.append(symbol.upper())
    with store.read() as con:
        return int(scalar(con, f"SELECT coalesce(sum(bars), 0) FROM price_bar_summary WHERE {where}", params))


def from_scratch(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(symbol, interval, first, newest, bars) computed from ``prices``, sorted (tests' reference)."""
    return sorted(con.execute(_FROM_SCRATCH).fetchall())


def stored(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return sorted(con.execute("SELECT * EXCLUDE (revision, changed_from) FROM price_bar_summary").fetchall())


def revisions(con: duckdb.DuckDBPyConnection, interval: str = "1d") -> dict[str, int]:
    """symbol -> revision of its last write (a new one on every upsert, swap or rebuild)."""
    return dict(con.execute("SELECT symbol, revision FROM price_bar_summary WHERE interval = ?",
                            [interval]).fetchall())
