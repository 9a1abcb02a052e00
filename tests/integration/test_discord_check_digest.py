"""check_discord without posting, and the daily digest built from real store rows."""
from __future__ import annotations

import json
import socket
from datetime import date, datetime, timedelta

import polars as pl
import pytest
from pydantic import SecretStr

from core.models import utcnow
from core.publish import check_discord, post_digest, post_history, preview_digest
from core.store import insert_new
from core.store.digest import digest_data, top_new_leads
from core.store.signals import replace_signals
from tests.fakes.discord_api import BOT_TOKEN, CHANNEL_ID, FakeDiscord, payload_problems

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def fake_discord():
    with FakeDiscord() as fake:
        yield fake


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_check_webhook_ok_without_posting(settings, fake_discord):
    s = settings.model_copy(update={"discord_webhook_url": SecretStr(fake_discord.webhook_url)})
    ok, text = check_discord(s)
    assert ok and "webhook OK" in text and "test webhook" in text
    assert [r.kind for r in fake_discord.requests] == ["fetch_webhook"]
    assert fake_discord.webhook_token not in text


def test_check_unknown_webhook_404(settings, fake_discord):
    url = f"{fake_discord.api_base}/webhooks/{fake_discord.webhook_id}/deleted-token-xyz"
    ok, text = check_discord(settings.model_copy(update={"discord_webhook_url": SecretStr(url)}))
    assert not ok and "404 Unknown Webhook" in text and "deleted-token-xyz" not in text


def test_check_network_error_names_it_without_secret(settings):
    url = f"http://127.0.0.1:{_free_port()}/api/v10/webhooks/1/supersecret"
    ok, text = check_discord(settings.model_copy(update={"discord_webhook_url": SecretStr(url)}))
    assert not ok and text.startswith("could not reach Discord") and "supersecret" not in text


def test_check_bot_ok_and_bad_token(settings, fake_discord):
    good = settings.model_copy(update={"discord_bot_token": SecretStr(BOT_TOKEN),
                                       "discord_channel_id": CHANNEL_ID,
                                       "discord_api_base": fake_discord.api_base})
    ok, text = check_discord(good)
    assert ok and "signaldesk-bot" in text and "#alerts" in text
    assert not any(r.kind in ("execute", "create_message") for r in fake_discord.requests)
    bad = good.model_copy(update={"discord_bot_token": SecretStr("not.the.token")})
    ok, text = check_discord(bad)
    assert not ok and "401" in text and "not.the.token" not in text
    wrong_channel = good.model_copy(update={"discord_channel_id": 1})
    ok, text = check_discord(wrong_channel)
    assert not ok and "channel 1 was not found" in text


def test_check_dry_run_says_what_to_set(settings):
    ok, text = check_discord(settings)
    assert not ok and "SIGNALDESK_DISCORD_WEBHOOK_URL" in text


def _seed(store, now: datetime) -> None:
    signals = pl.DataFrame({
        "symbol": ["AAPL", "TSLA", "MSFT", "OLD"], "day": [now.date()] * 3 + [now.date() - timedelta(days=3)],
        "trend": [0.1, -0.5, 0.0, 0.9], "reversion": [0.0] * 4, "sentiment": [0.3, -0.6, 0.05, 0.9],
        "volume": [0.0] * 4, "composite": [0.2, -0.7, 0.01, 0.99], "computed_at": [now] * 4,
    })
    leads = pl.DataFrame({
        "id": ["a", "b", "c"], "platform": ["reddit", "hn", "reddit"],
        "title": ["@everyone hire me", "Need bot", "old"],
        "url": ["https://r/a", "https://hn/b", "https://r/c"],
        "fetched_at": [now, now, now - timedelta(days=3)],
        "score": [1.0, 5.0, 9.0], "status": ["new", "new", "new"], "matched_keywords": [["bot"], ["bot"], []],
    })
    runs = pl.DataFrame({
        "run_id": ["r1", "r2", "r3"], "job": ["news", "news", "leads"],
        "started_at": [now - timedelta(hours=2), now - timedelta(hours=1), now - timedelta(minutes=5)],
        "finished_at": [now - timedelta(hours=2), now - timedelta(hours=1), now - timedelta(minutes=4)],
        "status": ["ok", "failed", "ok"], "error": [None, "feed timed out", None],
    })
    replace_signals(store, signals, pl.DataFrame())  # the learn job's writer (keeps signals_latest)
    with store.write() as con:
        insert_new(con, "leads", leads, "id")
        insert_new(con, "job_runs", runs, "run_id")


def test_digest_data_reads_latest_signals_new_leads_and_health(store):
    now = utcnow()
    _seed(store, now)
    d = digest_data(store, now=now)
    assert [r["symbol"] for r in d.signals] == ["TSLA", "AAPL", "MSFT"]  # strongest first, latest day only
    assert [r["id"] for r in d.leads] == ["b", "a"]  # within 24 h, best score first
    health = {r["job"]: r for r in d.health}
    assert health["news"]["last_status"] == "failed" and health["news"]["failures_24h"] == 1
    assert health["news"]["last_error"] == "feed timed out" and health["news"]["last_success_at"] is not None
    assert health["leads"]["last_status"] == "ok"
    assert [r["id"] for r in top_new_leads(store, 2)] == ["c", "b"]


def test_digest_posted_once_per_day(store, settings, fake_discord):
    now = utcnow()
    _seed(store, now)
    preview = preview_digest(store, now=now)
    assert len(preview) == 1 and payload_problems(preview[0]) == []
    s = settings.model_copy(update={"discord_webhook_url": SecretStr(fake_discord.webhook_url)})
    first = post_digest(store, s, now=now)
    assert first.counts == {"sent": 1} and first.api_calls == 1
    second = post_digest(store, s, now=now)
    assert second.counts == {"skipped": 1} and second.api_calls == 0
    body = fake_discord.calls("execute")[0].body
    assert [e["title"] for e in body["embeds"]] == [f"Top signals · {now.date().isoformat()}",
                                                    "Top new leads", "Job health"]
    assert "@everyone" not in json.dumps(body, ensure_ascii=False)
    assert body["allowed_mentions"] == {"parse": []}
    row = post_history(store, 10).to_dicts()[0]
    assert row["kind"] == "digest" and row["item_id"] == now.date().isoformat() and row["status"] == "sent"


def test_digest_of_empty_store_is_valid(store):
    payload = preview_digest(store, now=datetime(2026, 11, 26, 8))[0]
    assert payload_problems(payload) == [] and payload["content"].endswith(date(2026, 11, 26).isoformat())
