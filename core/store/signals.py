"""Signal tables and their inputs: daily bars, news sentiment per symbol and day, signals, weights.

Writers replace whole results in one transaction (the hourly job recomputes full history, so a
reader never sees half of one run and half of the previous).
"""
from __future__ import annotations

from datetime import date, datetime

import polars as pl

from core.store import Store, insert_frame

SIGNAL_COLUMNS = ["symbol", "day", "trend", "reversion", "sentiment", "volume", "composite", "computed_at"]
WEIGHT_COLUMNS = ["component", "weight", "hit_rate", "mean_return", "sharpe", "evidence", "reason",
                  "computed_at"]


def price_bars(store: Store, symbols: list[str] | None = None, interval: str = "1d",
               since: datetime | date | None = None) -> pl.DataFrame:
    """Bars (symbol, ts, open, high, low, close, volume) in (symbol, ts) order; None = all symbols.

    Bars without a close are left out: indicators cannot use them.
    """
    where = ["interval = ?", "close IS NOT NULL"]
    params: list = [interval]
    if symbols is not None:  # an IN list, not list_contains: DuckDB skips other symbols' row groups
        symbols = list(symbols) or [None]
        where.append(f"symbol IN ({', '.join('?' * len(symbols))})")
        params.extend(symbols)
    if since is not None:
        where.append("ts >= ?")
        params.append(since)
    with store.read() as con:
        return con.sql(
            "SELECT symbol, ts, open, high, low, close, volume FROM prices "
            f"WHERE {' AND '.join(where)} ORDER BY symbol, ts", params=params,
        ).pl()


def price_bars_from(store: Store, starts: pl.DataFrame, interval: str = "1d") -> pl.DataFrame:
    """Like ``price_bars``, each symbol of ``starts`` (symbol, since: Date) from its own day on
    (the learn job's tails); the earliest since also bounds the scan (row groups skipped)."""
    if starts.is_empty():
        return price_bars(store, [], interval)
    symbols = starts["symbol"].to_list()
    with store.read() as con:
        con.register("_starts", starts.select("symbol", "since").to_arrow())
        try:
            return con.sql(
                "SELECT p.symbol, p.ts, p.open, p.high, p.low, p.close, p.volume FROM prices p "
                "JOIN _starts s ON s.symbol = p.symbol AND p.ts >= s.since "
                f"WHERE p.interval = ? AND p.close IS NOT NULL AND p.ts >= ? AND p.symbol IN "
                f"({', '.join('?' * len(symbols))}) ORDER BY p.symbol, p.ts",
                params=[interval, starts["since"].min(), *symbols]).pl()
        finally:
            con.unregister("_starts")


def daily_sentiment(store: Store, symbols: list[str] | None = None,
                    since: date | None = None) -> pl.DataFrame:
    """(symbol, day, sentiment, news) : mean news sentiment per ticker and UTC day of publication.

    Read from the daily per-ticker pre-aggregate (``core.store.ticker_sentiment``), so the learn
    job's cost follows the days and tickers, not the stories: a story counts for every ticker in
    its ``tickers`` list with its per-ticker score (``news_ticker_sentiment``) or its overall
    score where it has none; stories without a score are skipped. ``since``: days from it on.
    """
    params: list = []
    where = "WHERE scored > 0"
    if symbols is not None:
        where += " AND list_contains(?, ticker)"
        params.append([s.upper() for s in symbols])
    if since is not None:
        where += " AND day >= ?"
        params.append(since)
    with store.read() as con:
        return con.sql(
            "SELECT ticker AS symbol, day, sentiment_sum / scored AS sentiment, scored AS news "
            f"FROM news_ticker_daily {where} ORDER BY symbol, day", params=params,
        ).pl()


def replace_signals(store: Store, signals: pl.DataFrame, weights: pl.DataFrame) -> tuple[int, int]:
    """Replace the signal rows of the symbols in ``signals`` and the whole weight table."""
    symbols = signals["symbol"].unique().to_list()
    with store.write() as con:
        con.execute("DELETE FROM signals WHERE list_contains(?, symbol)", [symbols])
        n_signals = insert_frame(con, "signals", signals, SIGNAL_COLUMNS)
        con.execute("DELETE FROM signals_latest WHERE list_contains(?, symbol)", [symbols])
        con.execute(
            "INSERT INTO signals_latest SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER "
            "(PARTITION BY symbol ORDER BY day DESC) AS rn FROM signals WHERE list_contains(?, symbol)) "
            "WHERE rn = 1", [symbols])
        con.execute("DELETE FROM signal_weights")
        n_weights = insert_frame(con, "signal_weights", weights, WEIGHT_COLUMNS)
    return n_signals, n_weights


def latest_signals(store: Store, limit: int = 50) -> pl.DataFrame:
    """Each symbol's most recent signal row, strongest composite first (``signals_latest``,
    kept by ``replace_signals``, so this reads one row per symbol, not the whole history)."""
    with store.read() as con:
        return con.sql(
            "SELECT * FROM signals_latest ORDER BY abs(composite) DESC NULLS LAST, symbol LIMIT ?",
            params=[limit],
        ).pl()


def signal_history(store: Store, symbol: str, since: date | None = None) -> pl.DataFrame:
    """All signal rows of one symbol in day order."""
    params: list = [symbol.upper()]
    extra = ""
    if since is not None:
        extra = " AND day >= ?"
        params.append(since)
    with store.read() as con:
        return con.sql(f"SELECT * FROM signals WHERE symbol = ?{extra} ORDER BY day", params=params).pl()


def signal_weights(store: Store) -> pl.DataFrame:
    """The current component weights with their track record and reason, heaviest first."""
    with store.read() as con:
        return con.sql("SELECT * FROM signal_weights ORDER BY weight DESC, component").pl()


def signal_markers(store: Store, symbol: str, since: date, threshold: float = 0.5) -> pl.DataFrame:
    """Days where the composite crossed +/- ``threshold``: where to draw buy/sell markers."""
    with store.read() as con:
        return con.sql(
            """
            SELECT s.day, p.close AS price, s.composite,
                   CASE WHEN s.composite > 0 THEN 'triangle-up' ELSE 'triangle-down' END AS symbol_shape,
                   CASE WHEN s.composite > 0 THEN 'green' ELSE 'red' END AS color,
                   printf('composite %+.2f', s.composite) AS label
            FROM signals s JOIN prices p
              ON p.symbol = s.symbol AND p.interval = '1d' AND CAST(p.ts AS DATE) = s.day
            WHERE s.symbol = ? AND s.day >= ? AND abs(s.composite) >= ?
              AND p.symbol = ? AND p.ts >= ?  -- lets DuckDB skip other symbols' and older bars
            ORDER BY s.day
            """, params=[symbol.upper(), since, threshold, symbol.upper(), since]).pl()
