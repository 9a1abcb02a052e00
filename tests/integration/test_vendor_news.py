"""Company news from the five news vendors (loopback fake), into the same rows as RSS."""
from __future__ import annotations

import pytest

from core.ingest import Document, ingest_documents
from core.store import Store
from core.vendors.news_chain import ingest_vendor_news
from tests.fakes.vendor_api import FakeVendors
from tests.integration.test_vendor_prices import vendor_settings

NEWS_VENDORS = ["newsapi", "finnhub", "polygon", "alpha_vantage", "alpaca"]
STORY = ("https://www.example.com/markets/apple-beats-estimates?utm_source=feed",
         "Apple beats estimates as iPhone sales jump", "2026-11-30T14:00:00Z",
         "Apple reported quarterly results above expectations.")
OTHER = ("https://news.example.org/a/2", "Chip stocks slide on export curbs", "2026-11-30T15:30:00Z", "")

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Apple beats estimates as iPhone sales jump - Reuters</title>
<link>https://www.example.com/markets/apple-beats-estimates</link>
<pubDate>Mon, 30 Nov 2026 14:01:00 GMT</pubDate></item></channel></rss>"""


@pytest.fixture
def fake():
    with FakeVendors(news=[STORY, OTHER]) as f:
        yield f


def news_rows(store):
    with store.read() as con:
        return con.execute("SELECT id, source, url, title, cluster_id FROM news ORDER BY title").fetchall()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", NEWS_VENDORS)
def test_each_news_vendor_stores_rows_like_rss(name, settings, fake, tmp_path):
    s = vendor_settings(settings, fake, data_dir=tmp_path / name, news_providers=[name])
    store = Store.from_settings(s)
    ingest_documents(store, s, "news", [Document("wire", RSS, {"content-type": "application/rss+xml"})])
    counts = ingest_vendor_news(store, s, symbols=["AAPL"])
    assert counts.served_by == {"AAPL": name}, counts.attempts
    rows = news_rows(store)
    # the RSS story and the vendor's copy (same canonical URL) are one row; the other is new
    assert counts.new == 1 and counts.duplicate == 1, counts
    assert [r[3] for r in rows] == ["Apple beats estimates as iPhone sales jump - Reuters",
                                    "Chip stocks slide on export curbs"]


@pytest.mark.timeout(60)
def test_same_story_other_url_is_one_cluster(settings, fake, tmp_path):
    fake.news = [("https://other.example.net/apple-q4", *STORY[1:])]
    s = vendor_settings(settings, fake, news_providers=["newsapi"])
    store = Store.from_settings(s)
    ingest_documents(store, s, "news", [Document("wire", RSS, {})])
    ingest_vendor_news(store, s, symbols=["AAPL"])
    rows = news_rows(store)
    assert len(rows) == 2 and rows[0][4] == rows[1][4]  # two rows, one cluster


@pytest.mark.timeout(60)
def test_news_failover_on_limits_and_bad_keys(settings, fake, store):
    from pydantic import SecretStr

    fake.mode["newsapi"] = "limit"      # NewsAPI's 429 rateLimited
    fake.mode["alpha_vantage"] = "limit"  # Alpha Vantage's limit inside HTTP 200
    s = vendor_settings(settings, fake, news_providers=["newsapi", "alpha_vantage", "finnhub", "polygon"],
                        finnhub_api_key=SecretStr("wrong"))
    counts = ingest_vendor_news(store, s, symbols=["AAPL", "MSFT"])
    assert counts.served_by == {"AAPL": "polygon", "MSFT": "polygon"}
    outcomes = [(a["provider"], a["outcome"]) for a in counts.attempts if a["symbol"] == "MSFT"]
    # all three remembered from the first symbol: not asked again
    assert outcomes == [("newsapi", "skipped"), ("alpha_vantage", "skipped"), ("finnhub", "skipped"),
                        ("polygon", "served")]
    assert fake.calls("newsapi") == 2  # the 429 retried once by the HTTP layer, then remembered
    assert fake.calls("alpha_vantage") == 1
