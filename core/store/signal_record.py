"""The learn job's per-symbol signal bookkeeping (migration 141): settled bets, their sums per
settlement day, the record's calendar and what each symbol's signals were computed from.

Read and written by ``core.signals.incremental``. A changed symbol's rows are replaced from a
day on (``replaced``: symbol, since; the first day possible for a full recompute): ``write``
replaces those signals and bets, clears the writers' change marks it consumed, the sums, the calendar, the other symbols' composites that moved, the latest
signals and the weights in one transaction, so a reader never sees half a run.
"""
from __future__ import annotations

from datetime import date, datetime

import polars as pl

from core.signals.components import COMPONENTS
from core.store import Store, bar_summary, insert_frame, ticker_sentiment
from core.store.signals import SIGNAL_COLUMNS, WEIGHT_COLUMNS


def inputs(store: Store) -> tuple[dict[str, tuple[int, str]], dict[str, tuple[datetime, datetime | None, date | None]]]:
    """(symbol -> (bar revision, sentiment fingerprint) for every symbol with daily bars: one row
    per symbol from each summary the writers keep, however long the history; symbol -> (first
    daily bar, earliest bar changed, earliest news day changed) since the learn job consumed the
    marks, None: nothing recorded). The marks are read after the revisions: a write in between
    only moves a mark earlier, never hides one behind a revision already read."""
    with store.read() as con:
        revs = bar_summary.revisions(con, "1d")
        sent = ticker_sentiment.ticker_fingerprints(con)
        bars = bar_summary.marks(con, "1d")
        news = ticker_sentiment.changed_from(con)
    return ({s: (r, sent.get(s.upper(), "")) for s, r in revs.items()},
            {s: (first, bars_from, news.get(s.upper())) for s, (first, bars_from) in bars.items()})


def state(store: Store) -> dict[str, tuple[int, str, str]]:
    """symbol -> (bar revision, sentiment fingerprint, settings) its signals were computed from."""
    with store.read() as con:
        rows = con.execute("SELECT symbol, bars_rev, sentiment, params FROM signal_symbol_state").fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _registered(con, name: str, frame: pl.DataFrame):
    con.register(name, frame.to_arrow())
    return name


def old_bets(store: Store, replaced: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The stored bets of the ``replaced`` (symbol, since) rows with their component values, and
    those rows' days per calendar day."""
    symbols = replaced["symbol"].to_list()
    with store.read() as con:
        _registered(con, "_replaced", replaced.select("symbol", "since"))
        try:
            bet_rows = con.sql(
                f"SELECT b.symbol, b.day, b.settled_on, b.fwd, {', '.join('s.' + c for c in COMPONENTS)} "
                "FROM signal_bets b JOIN _replaced r ON r.symbol = b.symbol AND b.day >= r.since "
                "JOIN signals s ON s.symbol = b.symbol AND s.day = b.day "
                "WHERE list_contains(?, b.symbol) AND list_contains(?, s.symbol)",
                params=[symbols, symbols]).pl()
            days = con.sql("SELECT s.day, count(*) AS symbols FROM signals s JOIN _replaced r "
                           "ON r.symbol = s.symbol AND s.day >= r.since WHERE list_contains(?, s.symbol) "
                           "GROUP BY s.day", params=[symbols]).pl()
        finally:
            con.unregister("_replaced")
    return bet_rows, days


def totals(store: Store) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(settled sums in long form: settled_on, component, n, hits, s1, s2; calendar: day, symbols)."""
    with store.read() as con:
        settled = con.sql("SELECT * FROM signal_settled").pl()
        calendar = con.sql("SELECT * FROM signal_calendar").pl()
    return settled, calendar


def components_since(store: Store, since: date, replaced: pl.DataFrame) -> pl.DataFrame:
    """Stored signal rows from ``since`` on that ``replaced`` (symbol, since) does not replace."""
    with store.read() as con:
        _registered(con, "_replaced", replaced.select("symbol", "since"))
        try:
            return con.sql("SELECT s.* FROM signals s LEFT JOIN _replaced r ON r.symbol = s.symbol "
                           "WHERE s.day >= ? AND (r.since IS NULL OR s.day < r.since)", params=[since]).pl()
        finally:
            con.unregister("_replaced")


def write(store: Store, *, replaced: pl.DataFrame, signals: pl.DataFrame, bet_rows: pl.DataFrame,
          composites: pl.DataFrame, settled: pl.DataFrame, calendar: pl.DataFrame,
          weights: pl.DataFrame, symbol_state: pl.DataFrame, reset: bool) -> tuple[int, int]:
    """One transaction: the ``replaced`` (symbol, since) rows of signals and bets swapped for
    ``signals`` / ``bet_rows``; other rows' ``composites`` (symbol, day, composite) updated; the
    sums, calendar, latest rows, weights and per-symbol state replaced, and the writers' change
    marks of ``symbol_state`` consumed. ``reset``: drop every symbol's signals first (a full
    recompute). Returns (signal rows written, weight rows)."""
    symbols = replaced["symbol"].to_list()
    with store.write() as con:
        if reset:
            for table in ("signals", "signal_bets", "signal_symbol_state", "signals_latest"):
                con.execute(f"DELETE FROM {table}")
        else:
            _registered(con, "_replaced", replaced.select("symbol", "since"))
            try:
                for table in ("signals", "signal_bets"):  # the IN-list and day bound prune before the join
                    con.execute(f"DELETE FROM {table} USING _replaced r WHERE {table}.symbol = r.symbol "
                                f"AND {table}.day >= r.since AND list_contains(?, {table}.symbol) "
                                f"AND {table}.day >= ?", [symbols, replaced["since"].min()])
            finally:
                con.unregister("_replaced")
            for table in ("signal_symbol_state", "signals_latest"):
                con.execute(f"DELETE FROM {table} WHERE list_contains(?, symbol)", [symbols])
        n = insert_frame(con, "signals", signals, SIGNAL_COLUMNS)
        insert_frame(con, "signal_bets", bet_rows, ["symbol", "day", "settled_on", "fwd"])
        touched = list(symbols)
        if not composites.is_empty():
            con.register("_composites", composites.select("symbol", "day", "composite", "computed_at").to_arrow())
            try:
                con.execute("UPDATE signals SET composite = c.composite, computed_at = c.computed_at "
                            "FROM _composites c WHERE signals.symbol = c.symbol AND signals.day = c.day")
            finally:
                con.unregister("_composites")
            touched += composites["symbol"].unique().to_list()
        con.execute("DELETE FROM signals_latest WHERE list_contains(?, symbol)", [touched])
        con.execute(
            "INSERT INTO signals_latest SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER "
            "(PARTITION BY symbol ORDER BY day DESC) AS rn FROM signals WHERE list_contains(?, symbol)) "
            "WHERE rn = 1", [touched])
        con.execute("DELETE FROM signal_settled")
        insert_frame(con, "signal_settled", settled, ["settled_on", "component", "n", "hits", "s1", "s2"])
        con.execute("DELETE FROM signal_calendar")
        insert_frame(con, "signal_calendar", calendar, ["day", "symbols"])
        insert_frame(con, "signal_symbol_state", symbol_state, ["symbol", "bars_rev", "sentiment", "params"])
        _registered(con, "_state", symbol_state)
        try:
            bar_summary.consume(con, "_state", "1d")
            ticker_sentiment.consume(con, "_state")
        finally:
            con.unregister("_state")
        con.execute("DELETE FROM signal_weights")
        n_weights = insert_frame(con, "signal_weights", weights, WEIGHT_COLUMNS)
    return n, n_weights
