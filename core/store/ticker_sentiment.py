"""Daily news sentiment per ticker, kept current by the code that writes news rows.

``news_ticker_daily`` (ticker, day, stories, scored, sentiment_sum) has one row per ticker and
UTC day of publication; a story counts for every ticker in its list. The Signals and News pages
read a window of it instead of unnesting every news row in the window, so their cost follows
the days shown, not the stories stored (10 M stories are about 40 k rows here).

Maintenance recomputes whole days: inserting or re-scoring news calls ``refresh_days`` in the
same transaction, so the aggregate never disagrees with the rows it sums. The same call keeps
``news_ticker_totals`` (one row per ticker: the learn job's fingerprint of its sentiment input)
and its ``changed_from`` (migration 160): the earliest refreshed day with a scored row of the
ticker before or after, since the learn job last consumed it (NULL = nothing since; 0001-01-01 =
from the beginning, after a rebuild).

The score summed is the story's score for that ticker (``news_ticker_sentiment``, written by
``core.store.news_ticker_scores``), else its overall ``news.sentiment``; writing per-ticker
rows refreshes the days they fall on in the same transaction.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import duckdb
import polars as pl

from core.store import Store, day_ranges
from core.store.day_ranges import bounds, ranges, split

# Per (ticker, day): the stories published in [?, ?) (+ {extra}). Written in day order, so a
# window of days reads only its row groups (min-max indexes), however long the history.
_ROWS = """
SELECT ticker, CAST(published_at AS DATE) AS day, count(*) AS stories, count(sentiment) AS scored,
       coalesce(sum(sentiment), 0) AS sentiment_sum
FROM (SELECT u.published_at, coalesce(s.sentiment, u.sentiment) AS sentiment, u.ticker
      FROM (SELECT id, published_at, sentiment, upper(unnest(tickers)) AS ticker FROM news
            WHERE published_at >= ? AND published_at < ? {extra}) AS u
      LEFT JOIN news_ticker_sentiment AS s ON s.news_id = u.id AND s.ticker = u.ticker)
WHERE ticker IS NOT NULL
GROUP BY ALL ORDER BY day, ticker
"""
_SCHEMA = {"day": pl.Date, "ticker": pl.String, "sentiment": pl.Float64, "stories": pl.Int64}


# The days' contribution to the per-ticker totals (``news_ticker_totals``), signed: subtracted
# before the days are rewritten, added after. Each day's sum is rounded to 6 decimals first, so
# the totals are exact sums that a rebuild reproduces bit for bit.
_TOTALS = """
INSERT INTO news_ticker_totals (ticker, days, stories, scored, sentiment_sum)
SELECT ticker, {sign}count(*), {sign}sum(stories), {sign}sum(scored), {sign}sum(sentiment_sum::DECIMAL(18, 6))
FROM news_ticker_daily WHERE scored > 0 AND day BETWEEN ? AND ? GROUP BY ticker
ON CONFLICT (ticker) DO UPDATE SET days = days + excluded.days, stories = stories + excluded.stories,
    scored = scored + excluded.scored, sentiment_sum = sentiment_sum + excluded.sentiment_sum
"""

# Mark the tickers with scored rows in [?, ?] as changed from the range's first day (run before
# the rows are replaced and after: a ticker may be in the old rows only, or the new ones only).
_MARK = """
UPDATE news_ticker_totals SET changed_from = least(changed_from, ?::DATE)
WHERE ticker IN (SELECT ticker FROM news_ticker_daily WHERE scored > 0 AND day BETWEEN ? AND ?)
"""
_FINGERPRINT = "days || ':' || stories || ':' || scored || ':' || sentiment_sum"
FROM_THE_BEGINNING = date(1, 1, 1)


def refresh_days(con: duckdb.DuckDBPyConnection, days: Iterable[date | None]) -> int:
    """Recompute the aggregate rows of these days from ``news``, and move the per-ticker totals
    by the difference (inside the caller's transaction)."""
    runs = ranges(d for d in days if d is not None)
    for first, last in runs:
        start, end = bounds(first, last)
        con.execute(_MARK, [first, first, last])
        con.execute(_TOTALS.format(sign="-"), [first, last])
        con.execute("DELETE FROM news_ticker_daily WHERE day BETWEEN ? AND ?", [first, last])
        con.execute(f"INSERT INTO news_ticker_daily {_ROWS.format(extra='')}", [start, end])
        con.execute(_TOTALS.format(sign=""), [first, last])
        con.execute(_MARK, [first, first, last])
    if runs:
        con.execute("DELETE FROM news_ticker_totals WHERE days = 0")  # as a rebuild leaves it
    return len(runs)


def days_of_ids(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[date]:
    """The days of these rows (to refresh after their aggregated columns changed)."""
    return day_ranges.days_of_ids(con, "news", "published_at", ids)


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """The whole aggregate and its per-ticker totals from scratch (imports): every ticker changed
    from the beginning."""
    rebuild_daily(con)
    rebuild_totals(con)
    con.execute("UPDATE news_ticker_totals SET changed_from = ?", [FROM_THE_BEGINNING])


def rebuild_daily(con: duckdb.DuckDBPyConnection) -> None:
    """The daily rows alone from scratch (migration 130's backfill: the totals came later)."""
    con.execute("DELETE FROM news_ticker_daily")
    con.execute(f"INSERT INTO news_ticker_daily {_ROWS.format(extra='')}", [datetime.min, datetime.max])


def rebuild_totals(con: duckdb.DuckDBPyConnection) -> None:
    """The per-ticker totals from the daily rows (migration 150's backfill)."""
    con.execute("DELETE FROM news_ticker_totals")
    con.execute(_TOTALS.format(sign=""), [date.min, date.max])


def ticker_fingerprints(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """ticker -> 'days:stories:scored:sentiment_sum' of its scored days: changes whenever a
    story of the ticker is added, removed or re-scored (one row per ticker)."""
    return dict(con.execute(f"SELECT ticker, {_FINGERPRINT} FROM news_ticker_totals").fetchall())


def changed_from(con: duckdb.DuckDBPyConnection) -> dict[str, date]:
    """ticker -> the earliest day its sentiment changed since the learn job consumed the mark."""
    return dict(con.execute(
        "SELECT ticker, changed_from FROM news_ticker_totals WHERE changed_from IS NOT NULL").fetchall())


def consume(con: duckdb.DuckDBPyConnection, state: str) -> None:
    """Clear the marks of the tickers in the registered relation ``state`` (symbol, sentiment)
    whose fingerprint is still the one computed from (a refresh since keeps its mark)."""
    con.execute(f"UPDATE news_ticker_totals t SET changed_from = NULL FROM {state} s "
                f"WHERE t.ticker = upper(s.symbol) AND {_FINGERPRINT} = s.sentiment")


def mark_unsynced(con: duckdb.DuckDBPyConnection) -> None:
    """Migration 160's backfill: tickers whose fingerprint differs from the one the learn job
    computed their symbol from changed from the beginning; the others stay NULL."""
    con.execute(f"UPDATE news_ticker_totals t SET changed_from = ? WHERE NOT EXISTS (SELECT 1 FROM "
                f"signal_symbol_state s WHERE upper(s.symbol) = t.ticker AND s.sentiment = {_FINGERPRINT})",
                [FROM_THE_BEGINNING])


def _window(con, tickers: list[str] | None, since: datetime) -> pl.DataFrame:
    """(ticker, day, stories, scored, sentiment_sum) of the window: whole days from the
    aggregate, the partial first day (when ``since`` is not a midnight) from the stories."""
    first_day, part_start, part_end = split(since)
    marks = ", ".join("?" * len(tickers or []))
    pick = "" if tickers is None else f"AND ticker IN ({marks})"  # an IN list: a pushed-down filter
    params: list = [first_day] + ([] if tickers is None else list(tickers))
    sql = f"SELECT ticker, day, stories, scored, sentiment_sum FROM news_ticker_daily WHERE day >= ? {pick}"
    if part_start is not None:
        extra = "" if tickers is None else "AND len(list_intersect(tickers, ?)) > 0"
        sql += f" UNION ALL SELECT * FROM ({_ROWS.format(extra=extra)}) p WHERE true {pick}"
        params += [part_start, part_end] + ([] if tickers is None else [tickers, *tickers])
    return con.sql(sql, params=params).pl()


def sentiment_by_ticker(store: Store, tickers: list[str], since: datetime) -> pl.DataFrame:
    """Daily average news sentiment and story count per ticker since ``since`` (long format)."""
    if not tickers:
        return pl.DataFrame(schema=_SCHEMA)
    with store.read() as con:
        frame = _window(con, list(tickers), since)
    return frame.select(
        "day", "ticker",
        pl.when(pl.col("scored") > 0).then(pl.col("sentiment_sum") / pl.col("scored")).alias("sentiment"),
        pl.col("stories").cast(pl.Int64),
    ).cast(_SCHEMA).sort("day", "ticker")


def news_tickers(store: Store, since: datetime, limit: int = 50) -> list[str]:
    """Tickers mentioned in news since a time, most mentioned first."""
    with store.read() as con:
        frame = _window(con, None, since)
    if frame.is_empty():
        return []
    top = frame.group_by("ticker").agg(pl.col("stories").sum().alias("n")) \
        .sort(["n", "ticker"], descending=[True, False]).head(int(limit))
    return top["ticker"].to_list()
