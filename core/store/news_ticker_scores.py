"""SQL for per-story, per-ticker news sentiment (``news_ticker_sentiment``, migration 100).

One row per (news id, ticker): the score of the part of the story about that ticker
(``core.sentiment.targets``). Written at ingest for new rows and by ``jobs rescore``; read by
the signals' daily sentiment (``core.store.signals.daily_sentiment``).
"""
from __future__ import annotations

import polars as pl

from core.store import Store, ticker_sentiment

SCHEMA = {"news_id": pl.String, "ticker": pl.String, "sentiment": pl.Float64,
          "sentiment_label": pl.String}


def news_tickers(store: Store, ids: list[str]) -> dict[str, list[str]]:
    """The stored ``tickers`` of the news rows ``ids`` (rows without tickers left out)."""
    if not ids:
        return {}
    with store.read() as con:
        rows = con.execute("SELECT id, tickers FROM news WHERE list_contains(?, id) "
                           "AND tickers IS NOT NULL AND len(tickers) > 0", [ids]).fetchall()
    return {r[0]: list(r[1]) for r in rows}


def company_names(store: Store) -> dict[str, str]:
    """Watchlist symbol -> company name (to find a ticker's name in a headline)."""
    with store.read() as con:
        rows = con.execute("SELECT symbol, name FROM watchlist WHERE name IS NOT NULL").fetchall()
    return {r[0].upper(): r[1] for r in rows}


def write_ticker_sentiment(store: Store, ids: list[str], rows: list[tuple[str, str, float, str]]) -> int:
    """Make the per-ticker rows of news ``ids`` exactly ``rows`` (news_id, ticker, compound,
    label) in one short transaction; returns the size of the difference (rows only in the
    old set plus rows only in the new one; 0 when nothing changed, and then nothing is written)."""
    if not ids:
        return 0
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    with store.write() as con:
        con.register("_nts", frame.to_arrow())
        try:
            changed = con.execute(
                "SELECT count(*) FROM (SELECT news_id, ticker, sentiment, sentiment_label "
                "FROM news_ticker_sentiment WHERE list_contains(?, news_id) "
                "EXCEPT SELECT * FROM _nts) UNION ALL SELECT count(*) FROM (SELECT * FROM _nts "
                "EXCEPT SELECT news_id, ticker, sentiment, sentiment_label "
                "FROM news_ticker_sentiment WHERE list_contains(?, news_id))", [ids, ids]
            ).fetchall()
            n = sum(r[0] for r in changed)
            if n:
                con.execute("DELETE FROM news_ticker_sentiment WHERE list_contains(?, news_id)", [ids])
                con.execute("INSERT INTO news_ticker_sentiment SELECT news_id, ticker, sentiment, "
                            "sentiment_label FROM _nts")
                # the daily per-ticker aggregate sums these scores: keep it whole in this transaction
                ticker_sentiment.refresh_days(con, ticker_sentiment.days_of_ids(con, ids))
        finally:
            con.unregister("_nts")
    return n
