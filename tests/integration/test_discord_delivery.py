"""Posting through the real discord.py client to a fake Discord API on 127.0.0.1.

Every scenario checks the end state from both sides: what the fake received (requests, JSON,
messages that exist) and what the ledger recorded (sent with message id, or failed with why).
"""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from pydantic import SecretStr

from core.models import utcnow
from core.publish import ledger, post_history, post_items, recover_unknown, retry_failed
from core.store import posts as posts_sql
from tests.fakes.discord_api import (
    BOT_TOKEN,
    CHANNEL_ID,
    Drop,
    FakeDiscord,
    Hang,
    Then,
    payload_problems,
    rate_limited,
    server_error,
)

pytestmark = pytest.mark.timeout(30)
LIVE_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>")


@pytest.fixture
def fake_discord():
    with FakeDiscord() as fake:
        yield fake


def leads(n: int, start: int = 0, **kw) -> list[dict]:
    return [{"id": f"L{i}", "platform": "reddit", "source": "r/forhire", "url": f"https://r.example/{i}",
             "author": "a", "title": f"Lead number {i}", "body": "need a bot", "score": 2.0, **kw}
            for i in range(start, start + n)]


def webhook(settings, fake, **kw):
    return settings.model_copy(update={"discord_webhook_url": SecretStr(fake.webhook_url), **kw})


def bot(settings, fake, **kw):
    return settings.model_copy(update={"discord_bot_token": SecretStr(BOT_TOKEN),
                                       "discord_channel_id": CHANNEL_ID,
                                       "discord_api_base": fake.api_base, **kw})


def ledger_rows(store) -> dict[str, dict]:
    return {r["item_id"]: r for r in post_history(store, 1000).to_dicts()}


def test_batch_is_packed_sent_once_and_recorded(store, settings, fake_discord):
    s = webhook(settings, fake_discord)
    report = post_items(store, s, "lead", leads(25))
    assert report.counts == {"sent": 25}
    assert report.messages == 3 and report.api_calls == 3
    execs = fake_discord.calls("execute")
    assert len(execs) == 3 and all(r.query.get("wait") in ("1", "true") for r in execs)
    # every item's row carries the id of the message that holds it
    ids = [m["id"] for m in fake_discord.messages]
    rows = ledger_rows(store)
    expected = [ids[0]] * 10 + [ids[1]] * 10 + [ids[2]] * 5
    assert [rows[f"L{i}"]["discord_message_id"] for i in range(25)] == expected
    assert {r["status"] for r in rows.values()} == {"sent"}
    assert all(r["target"] == f"webhook:{fake_discord.webhook_id}" for r in rows.values())
    # order kept inside and across messages
    titles = [e["title"] for m in fake_discord.messages for e in m["request"]["embeds"]]
    assert titles == [f"Lead number {i}" for i in range(25)]


def test_rerun_and_double_click_post_nothing_twice(store, settings, fake_discord):
    s = webhook(settings, fake_discord)
    post_items(store, s, "lead", leads(12))
    again = post_items(store, s, "lead", leads(15))  # 12 old + 3 new
    assert again.counts == {"skipped": 12, "sent": 3} and again.api_calls == 1
    assert len(fake_discord.messages) == 3
    sent_titles = [e["title"] for m in fake_discord.messages for e in m["request"]["embeds"]]
    assert len(sent_titles) == len(set(sent_titles)) == 15


def test_hostile_text_arrives_harmless_and_valid(store, settings, fake_discord):
    hostile = ["@everyone", "@here now", "<@123> <@&456> <#1>", "**x** [y](http://z)", "a\u202eb\u200bc", ""]
    items = [{"id": f"H{i}", "platform": "rss", "title": t, "body": t + " " + "w" * 10_000, "author": t,
              "url": "https://h.example"} for i, t in enumerate(hostile)]
    report = post_items(store, webhook(settings, fake_discord), "lead", items)
    assert report.counts == {"sent": len(items)}
    for rec in fake_discord.calls("execute"):
        assert rec.status == 200 and payload_problems(rec.body) == []
        assert rec.body["allowed_mentions"] == {"parse": []}
        raw = json.dumps(rec.body, ensure_ascii=False)
        assert not LIVE_MENTION.search(raw) and "\u202e" not in raw
        assert all(e["title"].strip() for e in rec.body["embeds"])


def test_route_429_is_retried_by_discord_py_and_counted(store, settings, fake_discord):
    fake_discord.fault("execute", rate_limited(0.01))
    report = post_items(store, webhook(settings, fake_discord), "lead", leads(3))
    assert report.counts == {"sent": 3}
    assert report.api_calls == 2 and len(fake_discord.messages) == 1
    assert [r.status for r in fake_discord.calls("execute")] == [429, 200]


def test_global_429_on_bot_path_is_retried(store, settings, fake_discord):
    fake_discord.fault("create_message", rate_limited(0.01, is_global=True, scope="global"))
    report = post_items(store, bot(settings, fake_discord), "news",
                        [{"id": "n1", "source": "feed", "title": "Fed holds rates"}])
    assert report.counts == {"sent": 1} and report.target == f"channel:{CHANNEL_ID}"
    assert [r.status for r in fake_discord.calls("create_message")] == [429, 200]
    assert report.api_calls == 3  # login + 429 + 200
    body = fake_discord.calls("create_message")[-1].body
    assert body["allowed_mentions"] == {"parse": []} and body["enforce_nonce"] is True


def test_one_500_then_success(store, settings, fake_discord):
    fake_discord.fault("execute", server_error(500))
    report = post_items(store, webhook(settings, fake_discord), "lead", leads(2))
    assert report.counts == {"sent": 2} and len(fake_discord.messages) == 1
    assert [r.status for r in fake_discord.calls("execute")] == [500, 200]


def test_persistent_500_fails_with_reason_and_stops_batch_then_retry(store, settings, fake_discord):
    s = webhook(settings, fake_discord, discord_send_timeout_s=0.4)
    fake_discord.fault("execute", *[server_error(502)] * 3)
    report = post_items(store, s, "lead", leads(15))  # two messages planned
    assert report.counts == {"failed": 15}
    rows = ledger_rows(store)
    assert rows["L0"]["error"].startswith("server_error: Discord kept answering HTTP 502")
    assert rows["L14"]["error"].startswith("not_attempted:")
    assert len(fake_discord.calls("execute")) == 1  # discord.py sleeps 1 s before its retry
    # Discord is back: retry sends every failed item once, in order
    fake_discord._faults.clear()
    again = retry_failed(store, s)
    assert again.counts == {"sent": 15} and again.messages == 2
    titles = [e["title"] for m in fake_discord.messages for e in m["request"]["embeds"]]
    assert titles == [f"Lead number {i}" for i in range(15)]
    assert {r["status"] for r in ledger_rows(store).values()} == {"sent"}
    assert retry_failed(store, s).counts == {}


def test_timeout_is_marked_maybe_posted_and_not_retried_blindly(store, settings, fake_discord):
    s = webhook(settings, fake_discord, discord_send_timeout_s=0.3)
    fake_discord.fault("execute", Hang())
    report = post_items(store, s, "lead", leads(2))
    assert report.counts == {"failed": 2}
    reason = report.outcomes[0].reason
    assert reason.startswith("timeout:") and "may have been posted" in reason
    skipped = retry_failed(store, s)
    assert skipped.counts == {"skipped": 2} and skipped.api_calls == 0
    forced = retry_failed(store, s, keys=[o.key for o in report.outcomes])
    assert forced.counts == {"sent": 2}


def test_dropped_connection_after_delivery_never_duplicates(store, settings, fake_discord):
    """Discord created the message but the answer was lost: recorded as 'may have been posted',
    and a plain retry leaves it alone, so the channel holds it exactly once."""
    s = webhook(settings, fake_discord)
    fake_discord.fault("execute", Then())
    report = post_items(store, s, "lead", leads(1))
    assert report.counts == {"failed": 1}
    assert report.outcomes[0].reason.startswith("disconnected:")
    assert retry_failed(store, s).counts == {"skipped": 1}
    assert post_items(store, s, "lead", leads(1)).counts == {"skipped": 1}
    assert len(fake_discord.messages) == 1


def test_dropped_connection_before_answer(store, settings, fake_discord):
    fake_discord.fault("execute", Drop())
    report = post_items(store, webhook(settings, fake_discord), "lead", leads(1))
    assert report.counts == {"failed": 1} and "connection dropped" in report.outcomes[0].reason
    assert fake_discord.messages == []


def test_unknown_webhook_404_stops_using_it(store, settings, fake_discord):
    s = settings.model_copy(update={"discord_webhook_url": SecretStr(
        f"{fake_discord.api_base}/webhooks/{fake_discord.webhook_id}/wrong-token")})
    report = post_items(store, s, "lead", leads(25))
    assert report.counts == {"failed": 25}
    assert len(fake_discord.calls("execute")) == 1  # FACTS 16: stop after a 404
    rows = ledger_rows(store)
    assert rows["L0"]["error"].startswith("not_found:") and "wrong-token" not in rows["L0"]["error"]
    assert rows["L24"]["error"].startswith("not_attempted:")


def test_crash_between_send_and_record_becomes_unknown_and_is_not_resent(store, settings, fake_discord):
    s = webhook(settings, fake_discord)
    target = ledger.target_label(s)
    key = ledger.idempotency_key("lead", "L0", target)
    old = utcnow() - timedelta(hours=1)
    posts_sql.claim_new(store, [{"idempotency_key": key, "target": target, "kind": "lead", "item_id": "L0",
                                 "payload": "[]"}], now=old)
    report = post_items(store, s, "lead", leads(2))
    assert report.counts == {"skipped": 1, "sent": 1}
    row = ledger_rows(store)["L0"]
    assert row["status"] == "unknown" and "check the channel" in row["error"]
    assert len(fake_discord.messages) == 1
    assert retry_failed(store, s).counts == {}  # unknown is never re-sent automatically


def test_fresh_pending_is_left_alone_by_recovery(store):
    posts_sql.claim_new(store, [{"idempotency_key": "k", "target": "webhook:1", "kind": "lead",
                                 "item_id": "x", "payload": "[]"}])
    assert recover_unknown(store) == []
    assert recover_unknown(store, stale_after_s=60, now=utcnow() + timedelta(minutes=5)) == ["k"]


def test_dry_run_stores_previews_and_sends_nothing(store, settings, fake_discord):
    assert settings.dry_run
    report = post_items(store, settings, "lead", leads(3))
    assert report.dry_run and report.reason == ledger.DRY_RUN_REASON
    assert report.counts == {"preview": 3} and report.api_calls == 0
    assert report.payloads[0]["allowed_mentions"] == {"parse": []}
    assert {r["status"] for r in ledger_rows(store).values()} == {"preview"}
    assert fake_discord.requests == []
    # previews do not block the real post later
    real = post_items(store, webhook(settings, fake_discord), "lead", leads(3))
    assert real.counts == {"sent": 3}


def test_pacing_never_fires_into_an_empty_bucket(store, settings):
    with FakeDiscord(rate_limit=(2, 0.3)) as fake:
        s = webhook(settings, fake)
        first = post_items(store, s, "lead", leads(25))  # 3 messages against 2 per 0.3 s
        second = post_items(store, s, "lead", leads(5, start=100))  # next run, bucket still empty
    assert first.counts == {"sent": 25} and second.counts == {"sent": 5}
    statuses = [r.status for r in fake.calls("execute")]
    assert statuses == [200] * 4  # no 429: no request wasted


def test_unusable_webhook_url_is_reported_not_raised(store, settings):
    s = settings.model_copy(update={"discord_webhook_url": SecretStr("https://example.com/hooks/secret")})
    report = post_items(store, s, "lead", leads(2))
    assert not report.ok and report.counts == {"skipped": 2}
    assert "webhooks/<id>/<token>" in report.reason and "secret" not in report.reason
    assert post_history(store, 10).height == 0


def test_429_without_via_is_a_block_not_retried(store, settings, fake_discord):
    """FACTS (discord-api-docs#5810): an IP ban is a 429 with no retry information."""
    from tests.fakes.discord_api import Reply

    blocked = "You are being blocked from accessing our API temporarily due to exceeding our rate limits."
    fake_discord.fault("execute", Reply(429, {"code": 0, "message": blocked}))
    report = post_items(store, webhook(settings, fake_discord), "lead", leads(1))
    assert report.counts == {"failed": 1} and report.outcomes[0].reason.startswith("rate_limited:")
    assert len(fake_discord.calls("execute")) == 1


def test_a_webhook_on_another_host_receives_nothing(store, settings, fake_discord):
    """The publisher runs check-config's webhook check itself: lead payloads never go to a host
    that is neither Discord's nor this machine's (the dashboard's button included)."""
    evil = "https://evil.example/api/webhooks/1/s3cretTok"
    report = post_items(store, settings.model_copy(update={"discord_webhook_url": SecretStr(evil)}),
                        "lead", leads(2))
    assert report.counts == {"failed": 2}
    reasons = [o.reason or "" for o in report.outcomes]
    assert all("not a Discord webhook URL" in r and "s3cretTok" not in r for r in reasons), reasons
