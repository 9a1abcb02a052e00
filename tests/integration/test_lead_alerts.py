"""Instant lead alerts from the leads job itself: requests above the threshold only, escaped,
at most N per hour, exactly once per lead — also across a crash between sending and recording."""
from __future__ import annotations

import json
from datetime import timedelta

import polars as pl
import pytest
from pydantic import SecretStr

from core.feed_polling import ingest_leads
from core.leads.sample import reddit_listing
from core.models import utcnow
from core.publish import post_history
from core.publish.ledger import LEAD_ALERT_KIND, idempotency_key, target_label
from core.store import posts as ledger_sql
from core.store.keywords import upsert_keywords
from tests.fakes.discord_api import FakeDiscord, payload_problems
from tests.fakes.http_server import FakeHttpServer

pytestmark = pytest.mark.timeout(60)


def _row(pid, title, body="", minutes=0):
    return {"id": pid, "title": title, "selftext": body, "permalink": f"/r/forhire/comments/{pid}/x/",
            "created_utc": str(1_700_000_000 + minutes * 60), "link_flair_text": ""}


@pytest.fixture
def world(store, settings):
    upsert_keywords(store, pl.DataFrame({"term": ["python", "scraper"], "weight": [2.0, 2.0],
                                         "negative": [False, False], "whole_word": [False, False],
                                         "enabled": [True, True]}))
    with FakeDiscord() as discord, FakeHttpServer() as server:
        live = settings.model_copy(update={
            "offline": False, "lead_alert_threshold": 0.01, "lead_alert_max_per_hour": 3,
            "lead_alert_webhook_url": SecretStr(discord.webhook_url)})
        yield store, live, discord, server


def _poll(store, settings, server, rows):
    url = server.put("/r/forhire/new.json", reddit_listing(rows, "forhire"), content_type="application/json")
    return ingest_leads(store, settings, feeds=[{"url": server.url(url) if not url.startswith("http") else url,
                                                  "name": "r/forhire", "platform": "reddit"}])


def test_requests_are_alerted_once_offers_never(world):
    store, settings, discord, server = world
    rows = [_row("a1", "[Hiring] python scraper @everyone <@123>", "will pay **$300**"),
            _row("a2", "[For Hire] python developer", "my portfolio"),
            _row("a3", "Need someone to write a python script", "budget is $50", minutes=1)]
    counts = _poll(store, settings, server, rows)
    assert counts.new == 3
    calls = discord.calls("execute")
    assert len(calls) == 1  # packed into one message
    body = calls[0].body
    assert payload_problems(body) == [] and body["allowed_mentions"] == {"parse": []}
    titles = [e["title"] for e in body["embeds"]]
    assert len(titles) == 2 and not any("For Hire" in t for t in titles)
    assert all("@everyone" not in json.dumps(e) and "<@123>" not in json.dumps(e) for e in body["embeds"])
    assert any("Intent" == f["name"] for f in body["embeds"][0]["fields"])
    # the next poll brings one new request: only that one is alerted
    _poll(store, settings, server, rows + [_row("a4", "[Hiring] scraper for prices", "", minutes=2)])
    assert len(discord.calls("execute")) == 2 and len(discord.calls("execute")[1].body["embeds"]) == 1
    hist = post_history(store)
    assert sorted(hist.filter(pl.col("kind") == LEAD_ALERT_KIND)["status"].to_list()) == ["sent"] * 3


def test_at_most_n_per_hour(world):
    store, settings, discord, server = world
    rows = [_row(f"b{i}", f"[Hiring] python scraper {i}", minutes=i) for i in range(5)]
    counts = _poll(store, settings, server, rows)
    assert counts.new == 5
    assert sum(len(c.body["embeds"]) for c in discord.calls("execute")) == 3
    assert any("over the limit of 3/hour" in r for r in counts.reasons)


def test_crash_between_send_and_record_is_never_resent(world):
    store, settings, discord, server = world
    # a previous run claimed the alert and sent it, then died before recording "sent"
    from core.leads.alerts import alert_new_leads, alert_settings

    target = target_label(alert_settings(settings))
    key = idempotency_key(LEAD_ALERT_KIND, _lead_id(store, settings, server), target)
    lead_id = _lead_id(store, settings, server)
    key = idempotency_key(LEAD_ALERT_KIND, lead_id, target)
    ledger_sql.claim_new(store, [{"idempotency_key": key, "target": target, "kind": LEAD_ALERT_KIND,
                                  "item_id": lead_id, "payload": "{}"}], now=utcnow() - timedelta(hours=2))
    # the lead is alerted again (a re-run of the same rows): the ledger refuses to send twice
    reasons = alert_new_leads(store, settings, [lead_id])
    assert discord.calls("execute") == []  # pending -> unknown ("check the channel"), not re-sent
    assert "1 skipped" in reasons[0]
    status = post_history(store).filter(pl.col("idempotency_key") == key)["status"].to_list()
    assert status == ["unknown"]
    # and a fresh poll of the same feed stores nothing new, so alerts nothing
    server.put("/r/forhire/new.json", reddit_listing([_row("c1", "[Hiring] python scraper")], "forhire") + b" ",
               content_type="application/json")
    assert _poll(store, settings, server, [_row("c1", "[Hiring] python scraper")]).new == 0
    assert discord.calls("execute") == []


def _lead_id(store, settings, server) -> str:
    """The id the pipeline gives the post (stored once without alerts, read back)."""
    quiet = settings.model_copy(update={"lead_alert_threshold": None})
    _poll(store, quiet, server, [_row("c1", "[Hiring] python scraper")])
    with store.read() as con:
        return con.execute("SELECT id FROM leads").fetchall()[0][0]
