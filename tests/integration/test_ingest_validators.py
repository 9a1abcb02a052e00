"""A feed's ETag is remembered only once its entries are stored.

If the validators were saved before the rows and storing then failed (the store busy past its
wait, a crash, a refused insert), the next conditional GET would get "304 not modified" and the
entries of that document would never be stored.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from core.feed_polling import ingest_news
from tests.fakes.http_server import FakeHttpServer

pytestmark = pytest.mark.timeout(30)
SEC = (Path(__file__).resolve().parents[1] / "fixtures" / "feeds" / "edgarkit__pressreleases.rss").read_bytes()


def _news_rows(store) -> int:
    with store.read() as con:
        return con.execute("SELECT count(*) FROM news").fetchall()[0][0]


def test_failed_store_does_not_turn_the_next_poll_into_304(fake_http: FakeHttpServer, store, settings):
    online = settings.model_copy(update={"offline": False, "http_timeout_s": 1.0, "http_deadline_s": 3.0})
    url = fake_http.put("/sec.rss", SEC)
    feeds = [{"url": url, "name": "sec"}]
    # The pipeline fails after the fetch, before the rows are stored (here: the watchlist it
    # reads for ticker matching is missing; a store busy past its wait or a crash is the same).
    with store.write() as con:
        con.execute("ALTER TABLE watchlist RENAME TO watchlist_kept")
    with pytest.raises(duckdb.Error):
        ingest_news(store, online, feeds=feeds)
    with store.write() as con:
        con.execute("ALTER TABLE watchlist_kept RENAME TO watchlist")
    assert _news_rows(store) == 0

    again = ingest_news(store, online, feeds=feeds)
    assert fake_http.requests_for("/sec.rss")[-1].headers.get("if-none-match") is None
    assert again.new == 25 and _news_rows(store) == 25
    third = ingest_news(store, online, feeds=feeds)  # now stored: the validator is used
    assert third.reasons == ["sec: not modified (304)"]
