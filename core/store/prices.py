"""Price bars: upsert (Yahoo revises recent bars), incremental bookkeeping, split re-basing.

Prices are the one table where a known key may carry new values (the last bar of the day is
revised until the close; a split or dividend re-bases history), so writes are
``INSERT ... ON CONFLICT (symbol, interval, ts) DO UPDATE``, not insert-if-new.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from core.models import PRICE_SCHEMA
from core.store import Store, bar_summary

_COLS = list(PRICE_SCHEMA)
_KEY = ["symbol", "interval", "ts"]


def _prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """Schema-exact, one row per key (the last one wins), so the upsert never sees a key twice."""
    frame = frame.select(_COLS).cast(PRICE_SCHEMA)
    return frame.unique(subset=_KEY, keep="last", maintain_order=True)


def _upsert(con, frame: pl.DataFrame) -> tuple[int, int]:
    con.register("_bars", frame.to_arrow())
    try:
        existing = bar_summary.add(con, "_bars")  # the per-symbol summary, in this transaction
        cols = ", ".join(f'"{c}"' for c in _COLS)
        # adj_close NULL = the provider sends no dividend-adjusted close: keep the stored one
        sets = ", ".join(f'"{c}" = coalesce(excluded."{c}", prices."{c}")' if c == "adj_close" else
                         f'"{c}" = excluded."{c}"' for c in _COLS if c not in _KEY)
        con.execute(f"INSERT INTO prices ({cols}) SELECT {cols} FROM _bars "
                    f"ON CONFLICT (symbol, interval, ts) DO UPDATE SET {sets}")
    finally:
        con.unregister("_bars")
    return len(frame) - existing, existing


def upsert_prices(store: Store, frame: pl.DataFrame) -> tuple[int, int]:
    """Insert new bars and overwrite known ones. Returns (inserted, updated)."""
    if frame.is_empty():
        return 0, 0
    frame = _prepare(frame)
    with store.write() as con:
        return _upsert(con, frame)


def replace_symbol_history(store: Store, symbol: str, interval: str,
                           frame: pl.DataFrame) -> tuple[int, int, int]:
    """Swap a symbol's whole history for ``frame`` in one transaction (split re-basing).

    Returns (new bars, bars rewritten, bars removed that the new history no longer has).
    """
    frame = _prepare(frame) if not frame.is_empty() else pl.DataFrame(schema=PRICE_SCHEMA)
    with store.write() as con:
        before = con.execute("SELECT count(*) FROM prices WHERE symbol = ? AND interval = ?",
                             [symbol, interval]).fetchall()[0][0]
        con.register("_keys", frame.select(_KEY).to_arrow())
        try:
            kept = con.execute("SELECT count(*) FROM _keys k JOIN prices p "
                               "USING (symbol, interval, ts)").fetchall()[0][0]
        finally:
            con.unregister("_keys")
        con.execute("DELETE FROM prices WHERE symbol = ? AND interval = ?", [symbol, interval])
        bar_summary.forget(con, symbol, interval)
        if not frame.is_empty():
            _upsert(con, frame)
    return frame.height - kept, kept, before - kept


def delete_symbol_history(store: Store, symbol: str, interval: str) -> int:
    """Remove every bar of one symbol/interval. Returns how many were removed."""
    with store.write() as con:
        bar_summary.forget(con, symbol, interval)
        return len(con.execute("DELETE FROM prices WHERE symbol = ? AND interval = ? RETURNING ts",
                               [symbol, interval]).fetchall())


def last_bar_ts(store: Store, symbols: list[str], interval: str) -> dict[str, datetime]:
    """Newest stored bar per symbol (symbols without bars are absent)."""
    return {s: span.last for s, span in bar_spans(store, symbols, interval, 1).items()}


@dataclass(frozen=True, slots=True)
class BarSpan:
    first: datetime
    last: datetime
    overlap_start: datetime  # ts of the N-th newest bar: where an incremental fetch begins
    count: int


def bar_spans(store: Store, symbols: list[str], interval: str,
              overlap_bars: int = 3) -> dict[str, BarSpan]:
    """First/last stored bar and the incremental fetch start, per symbol, in one query."""
    if not symbols:
        return {}
    with store.read() as con:
        rows = con.sql(
            """
            SELECT symbol, min(ts), max(ts),
                   min(ts) FILTER (WHERE rn <= ?), count(*)
            FROM (SELECT symbol, ts, row_number() OVER (PARTITION BY symbol ORDER BY ts DESC) AS rn
                  FROM prices WHERE interval = ? AND list_contains(?, symbol))
            GROUP BY symbol
            """,
            params=[max(overlap_bars, 1), interval, list(symbols)],
        ).fetchall()
    return {r[0]: BarSpan(r[1], r[2], r[3], r[4]) for r in rows}


def price_history(store: Store, symbol: str, interval: str,
                  since: datetime | None = None) -> pl.DataFrame:
    """Bars of one symbol/interval in time order (PRICE_SCHEMA columns)."""
    where, params = "symbol = ? AND interval = ?", [symbol, interval]
    if since is not None:
        where += " AND ts >= ?"
        params.append(since)
    cols = ", ".join(f'"{c}"' for c in _COLS)
    with store.read() as con:
        frame = con.sql(f"SELECT {cols} FROM prices WHERE {where} ORDER BY ts", params=params).pl()
    return frame.cast(PRICE_SCHEMA) if not frame.is_empty() else pl.DataFrame(schema=PRICE_SCHEMA)


def count_prices(store: Store, symbol: str | None = None, interval: str | None = None) -> int:
    clauses, params = [], []
    if symbol:
        clauses.append("symbol = ?")
        params.append(symbol)
    if interval:
        clauses.append("interval = ?")
        params.append(interval)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with store.read() as con:
        return con.execute(f"SELECT count(*) FROM prices {where}", params).fetchall()[0][0]
