"""Rows of the leads / news / signals tables become valid, harmless Discord payloads."""
from __future__ import annotations

import asyncio
import json
import re
from datetime import date, datetime

import polars as pl
import pytest

from core.publish import messages as m
from core.publish.deliver import DeliveryError, Pacer, parse_webhook_url
from core.publish.ledger import idempotency_key
from tests.fakes.discord_api import payload_problems

pytestmark = pytest.mark.timeout(30)

HOSTILE = [
    "@everyone BUY NOW", "@here", "<@123> <@!42> <@&456> <#1>", "**bold** __u__ [x](http://evil) `c`",
    "rtl \u202eevil\u202c text", "zero\u200bwidth\u2060\ufeff", "", "   ", "\u200b",
]
LIVE_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>")


def lead(i: int, title: str = "Need a Python dev", body: str = "Looking for help", **kw) -> dict:
    row = {"id": f"lead-{i}", "platform": "reddit", "source": "r/forhire", "url": f"https://reddit.com/{i}",
           "author": "someone", "title": title, "body": body, "posted_at": datetime(2026, 11, 26, 12, 0),
           "fetched_at": datetime(2026, 11, 26, 12, 5), "matched_keywords": ["python", "discord bot"],
           "score": 3.5, "sentiment": 0.4, "sentiment_label": "positive", "cluster_id": None,
           "status": "new"}
    row.update(kw)
    return row


def test_lead_embed_shape_and_timestamp_is_utc():
    e = m.lead_embed(lead(1))
    assert e["title"] == "Need a Python dev" and e["url"] == "https://reddit.com/1"
    assert {f["name"] for f in e["fields"]} == {"Score", "Sentiment", "Keywords"}
    assert e["timestamp"] == "2026-11-26T12:00:00+00:00"
    assert e["footer"]["text"] == "reddit · r\\/forhire"  # "/" escaped, shown as "/"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_lead_text_gives_valid_harmless_payload(text):
    rows = [lead(1, title=text, body=text * 50, author=text, matched_keywords=[text]),
            lead(2, title=text, body=text + "x" * 10_000)]
    payloads = m.preview_items("lead", rows)
    for p in payloads:
        assert payload_problems(p) == []
        assert p["allowed_mentions"] == {"parse": []}
        dumped = json.dumps(p, ensure_ascii=False)
        assert not LIVE_MENTION.search(dumped)
        assert "\u202e" not in dumped
        for e in p["embeds"]:
            assert e["title"].strip()  # empty titles get a placeholder


def test_empty_title_placeholder_per_kind():
    assert m.lead_embed(lead(1, title=""))["title"] == "(untitled lead)"
    assert m.news_embed({"id": "n", "title": None, "source": "feed"})["title"] == "(untitled story)"


def test_ten_thousand_char_body_cut_with_ellipsis():
    e = m.lead_embed(lead(1, body="word " * 2000))
    assert e["description"].endswith("…") and len(e["description"]) <= m.LEAD_BODY_MAX


def test_polars_rows_accepted_and_order_kept():
    frame = pl.DataFrame([lead(i) for i in range(25)])
    payloads = m.preview_items("lead", frame)
    titles = [e["url"] for p in payloads for e in p["embeds"]]
    assert titles == [f"https://reddit.com/{i}" for i in range(25)]
    assert [len(p["embeds"]) for p in payloads] == [10, 10, 5]
    assert payloads[0]["content"] == "**New leads** (1–10 of 25)"


def test_news_and_signal_embeds():
    n = m.news_embed({"id": "n1", "source": "cnbc", "url": "https://cnbc.com/a", "title": "Apple beats",
                      "summary": "Shares up", "published_at": datetime(2026, 1, 2), "tickers": ["AAPL"],
                      "sentiment": 0.6, "sentiment_label": "positive"})
    assert n["color"] == m.GREEN and n["fields"][0] == {"name": "Tickers", "value": "AAPL", "inline": True}
    s = m.signal_embed({"symbol": "TSLA", "day": date(2026, 11, 25), "trend": -0.5, "reversion": 0.1,
                        "sentiment": -0.3, "volume": 0.2, "composite": -0.42})
    assert s["title"].startswith("TSLA · composite -0.42") and s["color"] == m.RED
    assert m.item_id("signal", {"symbol": "TSLA", "day": date(2026, 11, 25)}) == "TSLA:2026-11-25"


def test_duplicate_urls_in_one_message_are_unlinked():
    payload = m.preview_items("lead", [lead(1, url="https://same"), lead(2, url="https://same")])[0]
    assert [e.get("url") for e in payload["embeds"]] == ["https://same", None]


def test_digest_always_fits_one_message():
    sig = [{"symbol": f"S{i}" * 20, "composite": 0.5, "sentiment": 0.1} for i in range(30)]
    leads = [lead(i, title="@everyone " + "t" * 400) for i in range(30)]
    health = [{"job": f"job{i}" * 30, "last_status": "failed", "failures_24h": 3,
               "last_error": "boom " * 500, "last_success_at": datetime(2026, 11, 25)} for i in range(30)]
    embeds = m.digest_embeds(sig, leads, health, date(2026, 11, 26))
    payload = m.digest_message(embeds, date(2026, 11, 26))
    assert len(payload["embeds"]) == 3 and payload_problems(payload) == []
    assert not LIVE_MENTION.search(json.dumps(payload, ensure_ascii=False))


def test_digest_empty_store_still_says_something():
    embeds = m.digest_embeds([], [], [], date(2026, 11, 26))
    assert [e["description"] for e in embeds] == ["No signals computed yet.", "No new leads.",
                                                  "No job runs recorded."]


def test_digest_names_the_day_of_its_signals():
    old = [{"symbol": "AAPL", "composite": 0.4, "day": date(2020, 11, 6)}]
    today = [{"symbol": "AAPL", "composite": 0.4, "day": date(2026, 11, 26)}]
    assert m.digest_embeds(old, [], [], date(2026, 11, 26))[0]["title"] == \
        "Top signals · 2020-11-06 (latest available)"
    assert m.digest_embeds(today, [], [], date(2026, 11, 26))[0]["title"] == "Top signals · 2026-11-26"


def test_idempotency_key_depends_on_kind_item_and_target_only():
    k = idempotency_key("lead", "a", "webhook:1")
    assert k == idempotency_key("lead", "a", "webhook:1")
    assert len({k, idempotency_key("news", "a", "webhook:1"), idempotency_key("lead", "b", "webhook:1"),
                idempotency_key("lead", "a", "webhook:2")}) == 4


def test_webhook_url_parsing_keeps_token_out_of_target():
    ref = parse_webhook_url("https://discord.com/api/webhooks/123456789012345678/sEcReT-tok_en")
    assert ref.target == "webhook:123456789012345678" and "sEcReT" not in ref.target
    assert ref.base == "https://discord.com/api/v10"
    local = parse_webhook_url("http://127.0.0.1:9/api/v10/webhooks/5/tok")
    assert local.base == "http://127.0.0.1:9/api/v10"
    with pytest.raises(DeliveryError):
        parse_webhook_url("https://example.com/not-a-webhook")


def test_pacer_waits_only_when_bucket_is_empty():
    now = [100.0]
    slept: list[float] = []

    async def fake_sleep(d: float) -> None:
        slept.append(d)
        now[0] += d

    p = Pacer(clock=lambda: now[0], sleep=fake_sleep)
    p.observe({"X-RateLimit-Remaining": "3", "X-RateLimit-Reset-After": "2"})
    asyncio.run(p.wait())
    assert slept == []
    p.observe({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "1.5"})
    now[0] += 0.5
    asyncio.run(p.wait())
    assert slept == [pytest.approx(1.0)]
    asyncio.run(p.wait())  # bucket refilled: no second wait
    assert len(slept) == 1


def test_discord_py_debug_lines_never_show_the_webhook_token(caplog):
    import logging

    import core.publish.deliver  # noqa: F401 - installs the filter

    with caplog.at_level(logging.DEBUG, logger="discord.webhook.async_"):
        logging.getLogger("discord.webhook.async_").debug(
            "Webhook ID %s with %s %s has returned status code %s", 1, "POST",
            "https://discord.com/api/v10/webhooks/123/s3cr3t-T0ken.x", 200)
    assert "s3cr3t" not in caplog.text and "/webhooks/123/***" in caplog.text
