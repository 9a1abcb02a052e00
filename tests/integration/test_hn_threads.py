"""HN's monthly hiring threads: found by themselves (Algolia), one post per top-level comment,
SEEKING FREELANCER -> request, SEEKING WORK -> offer; through the live leads job on a loopback server."""
from __future__ import annotations

from pathlib import Path

import pytest

from core.feed_polling import ingest_leads
from core.leads import classify
from core.sources.hn_threads import find_threads, is_thread, parse_thread
from core.store.feeds import add_feeds
from core.store.keywords import upsert_keywords
from tests.fakes.http_server import FakeHttpServer

pytestmark = pytest.mark.timeout(60)
HN = Path(__file__).resolve().parents[1] / "fixtures" / "hn"


def test_discovery_picks_the_newest_threads_of_each_kind():
    body = (HN / "algolia_whoishiring_constructed.json").read_bytes()
    assert find_threads(body) == [("freelancer", 40563280, "Ask HN: Freelancer? Seeking freelancer? (June 2024)"),
                                  ("hiring", 40563283, "Ask HN: Who is hiring? (June 2024)")]
    assert [t[1] for t in find_threads(body, months=2)] == [40563280, 40224213, 40563283, 40224212]


def test_top_level_comments_become_posts_with_intent():
    body = (HN / "algolia_thread_freelancer_constructed.json").read_bytes()
    assert is_thread(body)
    res = parse_thread(body, source="HN freelancer")
    assert [p.url for p in res.items] == [f"https://news.ycombinator.com/item?id={i}" for i in (40563301, 40563302, 40563303)]
    assert res.rejected == ["deleted or empty comment"]  # the reply is not a post; the deleted one is named
    intents = [classify(p.title, p.body, p.flair) for p in res.items]
    assert [i.intent for i in intents] == ["request", "offer", "request"]
    assert intents[0].reason == "HN line SEEKING FREELANCER"
    hiring = parse_thread((HN / "algolia_thread_hiring_constructed.json").read_bytes())
    assert {classify(p.title, p.body, p.flair).intent for p in hiring.items} == {"request"}


def test_the_leads_job_reads_the_threads(store, settings):
    with FakeHttpServer() as server:
        search = server.put("/api/v1/search_by_date", (HN / "algolia_whoishiring_constructed.json").read_bytes(),
                            content_type="application/json")
        for name, story in (("freelancer", 40563280), ("hiring", 40563283)):
            server.put(f"/api/v1/items/{story}", (HN / f"algolia_thread_{name}_constructed.json").read_bytes(),
                       content_type="application/json")
        url = server.url("/api/v1/search_by_date?tags=story%2Cauthor_whoishiring&hitsPerPage=20")
        add_feeds(store, [{"url": url, "kind": "leads", "name": "HN hiring threads", "platform": "hn"}])
        import polars as pl
        upsert_keywords(store, pl.DataFrame({"term": ["python", "dashboard", "bot"], "weight": [1.0, 1.0, 1.0],
                                             "negative": [False] * 3, "whole_word": [False] * 3, "enabled": [True] * 3}))
        live = settings.model_copy(update={"offline": False})
        counts = ingest_leads(store, live, feeds=[{"url": url, "name": "HN hiring threads", "platform": "hn"}])
        assert search
    assert counts.new == 5, counts.reasons
    with store.read() as con:
        rows = dict(con.execute("SELECT url, intent FROM leads").fetchall())
    assert rows["https://news.ycombinator.com/item?id=40563302"] == "offer"
    assert rows["https://news.ycombinator.com/item?id=40563301"] == "request"
    assert rows["https://news.ycombinator.com/item?id=40563402"] == "request"
