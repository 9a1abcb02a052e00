"""Per-ticker news sentiment (issue 15): stored at ingest, refreshed by rescore, read by signals.

A real DuckDB store in a temp dir; the feed is RSS bytes through the real pipeline.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from core.ingest import ingest_documents
from core.store import ticker_sentiment
from core.store.feeds import set_watchlist
from core.store.signals import daily_sentiment
from core.store.ticker_sentiment import sentiment_by_ticker
from jobs.commands.rescore import rescore_table

pytestmark = pytest.mark.timeout(60)

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>n</title>
<item><title>Walmart beats estimates, Target misses estimates</title><link>https://n.test/1</link>
<pubDate>Mon, 06 Jan 2025 10:00:00 +0000</pubDate></item>
<item><title>Markets slump on rate fears</title><link>https://n.test/2</link>
<pubDate>Mon, 06 Jan 2025 11:00:00 +0000</pubDate></item>
</channel></rss>"""


def _per_ticker(store) -> dict[str, tuple[float, str]]:
    with store.read() as con:
        rows = con.execute("SELECT ticker, sentiment, sentiment_label FROM news_ticker_sentiment "
                           "ORDER BY ticker").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


def test_ingest_stores_a_score_per_ticker_and_signals_use_it(store, settings):
    set_watchlist(store, {"WMT": "Walmart Inc.", "TGT": "Target Corporation"})
    ingest_documents(store, settings, "news", [("n", FEED, {})])
    with store.read() as con:
        overall = con.execute("SELECT tickers, sentiment FROM news WHERE url = 'https://n.test/1'"
                              ).fetchone()
    assert sorted(overall[0]) == ["TGT", "WMT"]
    per = _per_ticker(store)
    assert set(per) == {"TGT", "WMT"}  # the story without tickers has no per-ticker rows
    assert per["WMT"][1] == "positive" and per["WMT"][0] > 0
    assert per["TGT"][1] == "negative" and per["TGT"][0] < 0
    daily = {r["symbol"]: r["sentiment"] for r in daily_sentiment(store).to_dicts()}
    assert daily == {"TGT": per["TGT"][0], "WMT": per["WMT"][0]}  # not the overall score twice
    # the Signals/News charts' daily series per ticker read the same per-ticker scores
    series = sentiment_by_ticker(store, ["WMT", "TGT"], datetime(2025, 1, 1))
    assert {r["ticker"]: r["sentiment"] for r in series.to_dicts()} == daily


def test_rescore_refreshes_per_ticker_rows_and_a_second_run_changes_nothing(store, settings):
    set_watchlist(store, {"WMT": "Walmart Inc.", "TGT": "Target Corporation"})
    ingest_documents(store, settings, "news", [("n", FEED, {})])
    fresh = _per_ticker(store)
    with store.write() as con:  # stale per-ticker rows, as an older scorer would have left
        con.execute("UPDATE news_ticker_sentiment SET sentiment = 0.9, sentiment_label = 'positive'")
    scored, changed, _ = rescore_table(store, "news", batch_size=1)
    assert scored == 2 and changed > 0
    assert _per_ticker(store) == fresh
    assert rescore_table(store, "news", batch_size=1)[1] == 0


def test_overall_score_is_used_where_a_row_has_no_per_ticker_score(store, settings):
    set_watchlist(store, {"WMT": "Walmart Inc."})
    ingest_documents(store, settings, "news", [("n", FEED, {})])
    with store.write() as con:
        con.execute("DELETE FROM news_ticker_sentiment")
        ticker_sentiment.rebuild(con)  # the daily aggregate follows the rows (its writers keep it so)
        overall = con.execute("SELECT sentiment FROM news WHERE url = 'https://n.test/1'").fetchone()[0]
    assert {r["symbol"]: r["sentiment"] for r in daily_sentiment(store).to_dicts()} == {"WMT": overall}
