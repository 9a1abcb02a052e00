"""Live ingestion against a real HTTP server on 127.0.0.1, and the pipeline's dedup rules."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from core.feed_polling import ingest_leads, ingest_news
from core.ingest import Document, ingest_documents
from core.models import NEWS_SCHEMA, utcnow
from core.store.feeds import add_feeds, set_watchlist
from core.store.keywords import seed_keywords
from core.store.news import insert_news, known_ids
from tests.fakes.http_server import FakeHttpServer, Hang

pytestmark = pytest.mark.timeout(30)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEC = (FIXTURES / "feeds" / "edgarkit__pressreleases.rss").read_bytes()
HN_JSON = (FIXTURES / "hn" / "algolia_search_by_date_constructed.json").read_bytes()


@pytest.fixture
def online(settings):
    """Network allowed (the fake server is on 127.0.0.1); short timeouts so the hang ends fast."""
    return settings.model_copy(update={"offline": False, "http_timeout_s": 0.3, "http_deadline_s": 1.0})


def _count(store, table: str) -> int:
    with store.read() as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_good_404_and_hung_feed(fake_http: FakeHttpServer, store, online):
    good = fake_http.put("/sec.rss", SEC)
    missing = fake_http.url("/gone.rss")
    hung = fake_http.fault("/hang.rss", Hang())
    page = fake_http.put("/wall.rss", b"<!DOCTYPE html><html><body>Sign in</body></html>", "text/html")
    add_feeds(store, [{"url": good, "kind": "news", "name": "sec"},
                      {"url": missing, "kind": "news", "name": "gone"},
                      {"url": hung, "kind": "news", "name": "hung"},
                      {"url": page, "kind": "news", "name": "wall"}])
    set_watchlist(store, {"AAPL": "Apple Inc."})

    counts = ingest_news(store, online)

    assert (counts.fetched, counts.new, counts.duplicate, counts.rejected) == (25, 25, 0, 0)
    reasons = " | ".join(counts.reasons)
    assert "gone: HTTP 404" in reasons
    assert "hung: timed out" in reasons
    assert "wall: an HTML page, not a feed (content-type text/html)" in reasons
    assert _count(store, "news") == 25

    from core.source_health import source_health
    assert source_health(store, missing).consecutive_failures == 1
    assert "404" in source_health(store, missing).last_error
    assert source_health(store, good).last_new_at is not None
    assert source_health(store, page).consecutive_failures == 1  # a 200 that is no feed is a failure

    scheduled = ingest_news(store, online)  # adaptive polling: nothing is due again yet
    assert scheduled.fetched == 0 and len(scheduled.reasons) == 4
    assert all("not due" in r for r in scheduled.reasons)

    again = ingest_news(store, online, feeds=[{"url": good, "name": "sec"}])  # "fetch now"
    assert again.new == 0 and again.fetched == 0
    assert again.reasons == ["sec: not modified (304)"]  # conditional GET
    assert fake_http.requests_for("/sec.rss")[-1].headers.get("if-none-match")
    assert _count(store, "news") == 25


def test_offline_fetches_nothing(fake_http: FakeHttpServer, store, settings):
    url = fake_http.put("/sec.rss", SEC)
    counts = ingest_news(store, settings, feeds=[url])
    assert counts.reasons == ["offline"] and counts.fetched == 0
    assert fake_http.requests_for("/sec.rss") == []


def test_leads_from_rss_and_hn_search_json(fake_http: FakeHttpServer, store, online):
    seed_keywords(store, {"trading bot": 2.5, "golang": 1.0})
    hn_rss = fake_http.put("/hn.rss", (FIXTURES / "feeds" / "morning-post__hn.xml").read_bytes())
    hn_api = fake_http.put("/api/v1/search_by_date", HN_JSON, content_type="application/json")
    counts = ingest_leads(store, online, feeds=[{"url": hn_rss, "name": "hnrss", "platform": "hn"},
                                                {"url": hn_api, "name": "hn search", "platform": "hn"}])
    assert counts.new == 22  # 20 golang posts + 2 trading-bot stories
    assert counts.rejected == 1 and any("hit without a title" in r for r in counts.reasons)
    with store.read() as con:
        rows = dict(con.execute("SELECT url, matched_keywords FROM leads").fetchall())
    assert rows["https://news.ycombinator.com/item?id=41230001"] == ["trading bot"]


def _reddit_rss(sub: str, post_id: str, title: str) -> bytes:
    link = f"https://www.reddit.com/r/{sub}/comments/{post_id}/x/"
    return f"""<?xml version="1.0"?><rss version="2.0"><channel><title>r/{sub}</title>
<link>https://www.reddit.com/r/{sub}/</link><item><title>{title}</title><link>{link}?utm_source=rss</link>
<description>Need a trading bot for my portfolio</description><author>/u/someone</author>
<pubDate>Mon, 06 Jan 2025 10:00:00 +0000</pubDate></item></channel></rss>""".encode()


def test_cross_post_shares_cluster_and_reposts_dedup(store, settings):
    seed_keywords(store, {"trading bot": 2.0})
    docs = [Document("r/forhire", _reddit_rss("forhire", "aaa1", "[Hiring] Python dev for a trading bot")),
            Document("r/slavelabour", _reddit_rss("slavelabour", "bbb2", "[x-post] [HIRING] python dev for trading bot!")),
            # same post again, spelled through old.reddit and without tracking: a duplicate
            Document("old", _reddit_rss("forhire", "aaa1", "[Hiring] Python dev for a trading bot")
                     .replace(b"www.reddit.com/r/forhire/comments", b"old.reddit.com/r/forhire/comments"))]
    report = ingest_documents(store, settings, "leads", docs)
    assert [o.counts.new for o in report.documents] == [1, 1, 0]
    assert report.documents[2].counts.duplicate == 1
    with store.read() as con:
        rows = con.execute("SELECT source, platform, cluster_id, id FROM leads ORDER BY source").fetchall()
    assert [r[0] for r in rows] == ["r/forhire", "r/slavelabour"] and {r[1] for r in rows} == {"reddit"}
    assert rows[0][2] == rows[1][2] and rows[0][3] != rows[1][3]


def test_second_pass_skips_scoring_and_counts_duplicates(store, settings):
    set_watchlist(store, {"AAPL": "Apple Inc."})
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>n</title>
<item><title>Apple (NASDAQ: AAPL) beats estimates</title><link>https://n.test/1</link></item>
<item><title>Markets slump on rate fears</title><link>https://n.test/2</link></item>
<item><title>Markets slump on rate fears</title><link>https://n.test/2?utm_medium=x</link></item>
</channel></rss>"""
    first = ingest_documents(store, settings, "news", [("n", body, {})])
    assert (first.counts.fetched, first.counts.new, first.counts.duplicate) == (3, 2, 1)
    second = ingest_documents(store, settings, "news", [("n", body, {})])
    assert (second.counts.new, second.counts.duplicate) == (0, 3)
    with store.read() as con:
        tickers = con.execute("SELECT tickers FROM news WHERE url = 'https://n.test/1'").fetchone()[0]
    assert tickers == ["AAPL"]


def test_insert_is_idempotent_at_the_database(store):
    now = utcnow()
    frame = pl.DataFrame({"id": ["a", "b"], "source": ["s", "s"], "url": ["u1", "u2"], "title": ["t", "t"],
                          "summary": ["", ""], "published_at": [now, now], "fetched_at": [now, now],
                          "tickers": [[], []], "sentiment": [0.0, 0.0], "sentiment_label": ["neutral"] * 2,
                          "cluster_id": ["c", "c"]}, schema=NEWS_SCHEMA)
    assert sorted(insert_news(store, frame)) == ["a", "b"]
    assert insert_news(store, frame) == []  # a racing writer that lost: nothing, no error
    assert known_ids(store, "news", ["a", "z"]) == {"a"}
    with pytest.raises(ValueError):
        known_ids(store, "prices; drop table news", ["a"])


def test_a_document_with_one_new_entry_is_parsed_in_full(store, settings):
    def feed(n: int) -> bytes:
        items = "".join(f"<item><title>Story number {i} about rates</title><link>https://n.test/s{i}</link></item>"
                        for i in range(n))
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>n</title>{items}</channel></rss>'.encode()

    assert ingest_documents(store, settings, "news", [("n", feed(3), {})]).counts.new == 3
    unchanged = ingest_documents(store, settings, "news", [("n", feed(3), {})]).documents[0]
    assert (unchanged.status, unchanged.counts.fetched, unchanged.counts.duplicate) == ("ok", 3, 3)
    grown = ingest_documents(store, settings, "news", [("n", feed(4), {})]).counts
    assert (grown.fetched, grown.new, grown.duplicate) == (4, 1, 3)
    assert _count(store, "news") == 4


def test_seed_fills_an_empty_store_once(store, settings):
    from core.seed import seed_if_empty

    first = seed_if_empty(store, settings)
    assert first["keywords_added"] > 0
    assert first["sample_new"]["news"] == 125 and first["sample_new"]["leads"] > 0
    assert all(r["status"] != "error" or r["kind"] == "prices" for r in first["sample"])
    with store.read() as con:
        platforms = {r[0] for r in con.execute("SELECT DISTINCT platform FROM leads").fetchall()}
        feeds = con.execute("SELECT count(*) FROM feeds").fetchone()[0]
    assert {"hn", "reddit"} <= platforms and feeds > 0  # the demo inbox shows both platforms
    second = seed_if_empty(store, settings)
    assert second["keywords_added"] == 0 and second["sample"].startswith("skipped")
    assert _count(store, "news") == 125


@pytest.mark.timeout(60)
def test_concurrent_writers_never_duplicate_and_all_finish(store, settings):
    """Two polls of the same feed at once (schedule + 'fetch now'): one stores, none fails."""
    import threading

    docs = [("sec", SEC, {})]
    barrier, reports, errors = threading.Barrier(3), [], []

    def poll():
        barrier.wait()
        try:
            reports.append(ingest_documents(store, settings, "news", docs).counts)
        except Exception as exc:  # noqa: BLE001  # pragma: no cover - the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=poll) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(50)
    assert errors == [] and len(reports) == 3
    assert sum(c.new for c in reports) == 25
    assert all(c.new + c.duplicate == 25 for c in reports)
    assert _count(store, "news") == 25


def test_keyword_misses_are_counted_but_are_not_a_problem(store, settings):
    """A leads poll where most posts ask for nothing is a normal poll, not a partial run."""
    from jobs.errors import status_for

    seed_keywords(store, {"golang": 1.0})
    reddit = (FIXTURES / "feeds" / "rss-parser__reddit-atom.rss").read_bytes()
    report = ingest_documents(store, settings, "leads", [("front", reddit, {})])
    outcome = report.documents[0]
    assert outcome.status == "ok" and outcome.unmatched == 24 and outcome.counts.rejected == 0
    assert outcome.counts.reasons == ["front: skipped 24 posts that matched no keyword (not stored)"]
    assert status_for(report.counts.as_dict()).value == "ok"
    assert _count(store, "leads") == 0
