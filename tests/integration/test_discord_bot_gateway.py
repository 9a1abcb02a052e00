"""The bot's whole session against a fake Discord (REST + gateway) on 127.0.0.1, real discord.py.

``serve_bot`` logs in, syncs the slash commands, connects to the gateway the REST base names,
identifies, and answers INTERACTION_CREATE dispatches from the store: a deferred callback, then
a followup. Each test runs one session in ``asyncio.run`` and checks it ended cleanly (no task
left, no loop error, no unclosed-session ResourceWarning). Waits are bounded event waits.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import re
import warnings
from datetime import timedelta

import discord
import polars as pl
import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route
from pydantic import SecretStr

from core.models import utcnow
from core.publish.bot import sentiment_answer, serve_bot
from core.store import insert_new
from tests.fakes.discord_api import BOT_TOKEN, payload_problems
from tests.fakes.discord_gateway import GUILD_ID, FakeDiscordGateway
from tests.integration.test_discord_bot import _seed

HOSTILE = "<@&456> [click](https://evil.example) @here @everyone <@123> **b**"


@pytest.fixture
def fake():
    with FakeDiscordGateway() as f:
        yield f


WAIT_S = 20.0  # bounded waits for events (READY, a followup), generous for a loaded CI box


@pytest.fixture
def bot_settings(settings, fake):
    return settings.model_copy(update={"discord_bot_token": SecretStr(BOT_TOKEN),
                                       "discord_api_base": fake.api_base})


def _run_session(settings, store, fake, body, guild_id=None):
    """Run ``serve_bot`` until READY, await ``body()``, stop it; return body's result after
    checking the session closed cleanly."""
    loop_errors: list[str] = []

    async def main():
        asyncio.get_running_loop().set_exception_handler(
            lambda _loop, ctx: loop_errors.append(str(ctx.get("message"))))
        ready, stop = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(serve_bot(settings, store, guild_id, ready=ready, stop=stop))
        ready_wait = asyncio.create_task(ready.wait())
        await asyncio.wait({task, ready_wait}, timeout=WAIT_S, return_when=asyncio.FIRST_COMPLETED)
        ready_wait.cancel()
        if task.done():
            task.result()  # raises what stopped the bot
        assert ready.is_set(), f"no READY within {WAIT_S:g} s"
        try:
            result = await body()
        finally:
            stop.set()
            await asyncio.wait_for(task, WAIT_S)
        left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert left == [], f"tasks left running: {left}"
        return result

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = asyncio.run(main())
        gc.collect()
    assert loop_errors == []
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert Route.BASE == "https://discord.com/api/v10"  # process-global state restored
    assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"
    return result


async def _until(fake, predicate, what: str) -> None:
    assert await asyncio.to_thread(fake.wait_for, predicate, WAIT_S), f"timed out waiting for {what}"


async def _ask(fake, name, options=None, guild_id=None):
    """Dispatch ``/name``; wait for its followup; return (callback, followup) as recorded."""
    token = await asyncio.to_thread(fake.interact, name, options, guild_id)
    await _until(fake, lambda: fake.for_token("followup", token), f"/{name} followup")
    (callback,), (followup,) = fake.for_token("callback", token), fake.for_token("followup", token)
    return token, callback, followup


def _ticker(value):
    return [{"name": "ticker", "type": 3, "value": value}]


@pytest.mark.timeout(60)
def test_login_sync_identify_and_clean_close(bot_settings, store, fake, caplog):
    caplog.set_level(logging.DEBUG)

    async def body():
        session = fake.ready_session()
        await _until(fake, lambda: session.acks >= 1, "a heartbeat ACK")
        return session

    session = _run_session(bot_settings, store, fake, body)
    kinds = [r.kind for r in fake.calls()]
    assert kinds == ["me", "app_info", "sync_global", "gateway_bot"]
    (sync,) = fake.calls("sync_global")
    assert sorted(c["name"] for c in sync.body) == ["leads", "sentiment", "signals"]
    ticker = next(c for c in sync.body if c["name"] == "sentiment")["options"]
    assert [(o["name"], o["type"], o["required"]) for o in ticker] == [("ticker", 3, True)]
    assert len(fake.sessions) == 1 and session.token_ok
    assert session.identify["intents"] == 0 and session.identify["token"] == "***"
    assert session.query["v"] == "10" and session.query["encoding"] == "json"
    assert session.heartbeats >= 1
    # a close frame, not a dropped socket; discord.py's reader answers our close with 4000
    assert fake.wait_for(lambda: session.close_code is not None, WAIT_S)
    assert session.close_code in (1000, 4000)
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert "logging in using static token" in logged  # discord.py's DEBUG/INFO lines were captured
    assert BOT_TOKEN not in logged


@pytest.mark.timeout(60)
def test_guild_sync_and_guild_command_answer(bot_settings, store, fake):
    _seed(store)

    async def body():
        return await _ask(fake, "signals", guild_id=GUILD_ID)

    _, callback, followup = _run_session(bot_settings, store, fake, body, guild_id=int(GUILD_ID))
    assert fake.calls("sync_global") == []
    (sync,) = fake.calls("sync_guild")
    assert sync.path.endswith(f"/guilds/{GUILD_ID}/commands")
    assert sorted(c["name"] for c in sync.body) == ["leads", "sentiment", "signals"]
    assert callback.body["type"] == 5
    assert followup.body["embeds"][0]["title"].startswith("AAPL · composite +0.25")


@pytest.mark.timeout(60)
def test_sentiment_deferred_then_followup_with_store_figures(bot_settings, store, fake):
    _seed(store)

    async def body():
        return await _ask(fake, "sentiment", _ticker("AAPL"))

    token, callback, followup = _run_session(bot_settings, store, fake, body)
    assert callback.body["type"] == 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE ("thinking")
    # Discord wants the first answer within 3 s: the bot defers before it reads the store,
    # so the store's speed cannot make it late (order asserted; speed is not a unit test's job)
    assert fake.dispatched[token] <= callback.at <= followup.at
    assert followup.query.get("wait") in ("1", "true")  # so Discord returns the message
    sent = followup.body
    assert sent["allowed_mentions"] == {"parse": []}
    assert payload_problems(sent) == []
    (embed,) = sent["embeds"]
    assert embed["title"] == "AAPL sentiment, last 7 days"
    assert embed["fields"][0]["value"].startswith("+0.30 over 2 stories (1 positive, 1 negative)")
    assert embed["fields"][1]["name"].startswith("Signal ")
    assert embed["fields"] == sentiment_answer(store, "AAPL")["embeds"][0]["fields"]
    assert len(fake.messages) == 1


def _seed_hostile(store):
    now = utcnow()
    news = pl.DataFrame({
        "id": ["h1"], "source": ["cnbc"], "url": ["https://c/h1"], "title": [HOSTILE],
        "published_at": [now - timedelta(minutes=5)], "fetched_at": [now], "tickers": [["AAPL"]],
        "sentiment": [0.5], "sentiment_label": ["positive"],
    })
    leads = pl.DataFrame({"id": ["h2"], "platform": ["reddit"], "title": [HOSTILE],
                          "fetched_at": [now], "score": [9.0], "status": ["new"]})
    with store.write() as con:
        insert_new(con, "news", news, "id")
        insert_new(con, "leads", leads, "id")


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [s for v in items for s in _strings(v)]


def _harmless(text: str) -> list[str]:
    """Independent of escape.py: what would ping or hide a link if Discord rendered ``text``."""
    bad = []
    for pattern, why in ((r"@(everyone|here)", "mass mention"), (r"<@&?\d+>", "user/role mention"),
                         (r"(?<!\\)\[[^\]]*\]\(https?://", "markdown link")):
        if re.search(pattern, text):
            bad.append(why)
    return bad


@pytest.mark.timeout(60)
def test_hostile_stored_text_stays_harmless(bot_settings, store, fake):
    _seed_hostile(store)

    async def body():
        return [(await _ask(fake, name, opts))[2] for name, opts in
                (("sentiment", _ticker("aapl")), ("leads", None))]

    for followup in _run_session(bot_settings, store, fake, body):
        sent = followup.body
        assert sent["allowed_mentions"] == {"parse": []} and payload_problems(sent) == []
        texts = _strings(sent)
        assert any("click" in t and "evil\\.example" in t for t in texts)  # shown, but defused (every "." escaped)
        assert [(t, _harmless(t)) for t in texts if _harmless(t)] == []


@pytest.mark.timeout(60)
def test_unknown_ticker_and_non_ticker_get_friendly_answers(bot_settings, store, fake):
    async def body():
        return [(await _ask(fake, "sentiment", _ticker(v)))[2] for v in ("ZZZZ", "@everyone; DROP TABLE")]

    unknown, junk = (f.body for f in _run_session(bot_settings, store, fake, body))
    assert unknown["content"] == "No stored news or signal for ZZZZ in the last 7 days."
    assert unknown.get("embeds") in (None, []) and unknown["allowed_mentions"] == {"parse": []}
    assert "does not look like a ticker" in junk["content"] and _harmless(junk["content"]) == []


@pytest.mark.timeout(60)
def test_stop_lets_an_answer_in_flight_finish(bot_settings, store, fake):
    _seed(store)

    async def body():  # stop as soon as the bot has deferred: the store read and followup are pending
        token = await asyncio.to_thread(fake.interact, "leads")
        await _until(fake, lambda: fake.for_token("callback", token), "the deferred callback")
        return token

    token = _run_session(bot_settings, store, fake, body)
    (followup,) = fake.for_token("followup", token)
    assert followup.status == 200 and followup.body["embeds"]


@pytest.mark.timeout(60)
def test_wrong_token_fails_login_and_closes_cleanly(settings, store, fake):
    bad = settings.model_copy(update={"discord_bot_token": SecretStr("not.the.token"),
                                      "discord_api_base": fake.api_base})

    async def main():
        with pytest.raises(discord.LoginFailure) as err:
            await serve_bot(bad, store)
        assert "not.the.token" not in str(err.value)
        assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        asyncio.run(main())
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert [r.kind for r in fake.calls()] == ["me"] and fake.sessions == []
    assert Route.BASE == "https://discord.com/api/v10"
