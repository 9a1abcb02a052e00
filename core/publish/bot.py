"""Optional Discord bot: slash commands answered from the store only (never scraping).

``/sentiment TICKER``, ``/signals`` and ``/leads``. The answers are built by pure-ish functions
(store in, payload dict out, the same shape as every other post) so they are tested without a
gateway; ``build_bot`` only wires them to ``discord.app_commands``. Store reads run in a worker
thread (DuckDB is synchronous) and each opens and closes its own short connection.

``serve_bot`` is the session: it honours ``settings.discord_api_base`` for REST *and* the
gateway. discord.py's plain ``Client`` never asks ``GET /gateway/bot``; it dials its hard-coded
``DiscordWebSocket.DEFAULT_GATEWAY``. We ask (as Discord documents) and point that class
attribute at the answer for the session, so a proxy or the test fake gets the whole session.
Both ``Route.BASE`` and ``DEFAULT_GATEWAY`` are process-global: one bot (or posting base) at a time.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from core.publish import messages as msg
from core.publish.deliver import api_base
from core.publish.escape import safe_cut
from core.store import Store
from core.store.digest import digest_data, ticker_sentiment, top_new_leads

log = logging.getLogger(__name__)
TICKER_RE = re.compile(r"^[A-Z0-9.\-^=]{1,12}$")
DRAIN_S = 10.0  # on stop, how long answers already being written may still finish


def sentiment_answer(store: Store, ticker: str, days: int = 7) -> dict:
    symbol = (ticker or "").strip().upper()
    if not TICKER_RE.match(symbol):
        return msg.message([], f"{safe_cut(ticker, 40, '(empty)')} does not look like a ticker (e.g. AAPL).")
    data = ticker_sentiment(store, symbol, days=days)
    if not data["count"] and not data["signal"]:
        return msg.message([], f"No stored news or signal for {symbol} in the last {days} days.")
    fields = [
        {"name": "News sentiment", "value": f"{msg._num(data['mean'])} over {data['count']} stories "
                                            f"({data['positive']} positive, {data['negative']} negative)",
         "inline": False},
    ]
    if data["signal"]:
        s = data["signal"]
        fields.append({"name": f"Signal {msg._day(s['day'])}",
                       "value": f"composite {msg._num(s['composite'])} · "
                                f"sentiment {msg._num(s['sentiment'])} · "
                                f"trend {msg._num(s['trend'])}", "inline": False})
    for h in data["headlines"]:
        link = f" · {h['url']}" if msg._plain_url(h["url"]) else ""
        fields.append({"name": safe_cut(h["title"], 256, "(untitled story)"),
                       "value": msg._num(h["sentiment"]) + link,
                       "inline": False})
    embed = msg.clamp_embed({"title": f"{symbol} sentiment, last {days} days",
                             "color": msg._color(data["mean"]), "fields": fields})
    return msg.message([embed])


def signals_answer(store: Store, limit: int = 10) -> dict:
    data = digest_data(store, n_signals=limit, n_leads=0)
    if not data.signals:
        return msg.message([], "No signals computed yet.")
    return msg.message([msg.signal_embed(r) for r in data.signals[:msg.EMBEDS_PER_MESSAGE]])


def leads_answer(store: Store, limit: int = 5) -> dict:
    rows = top_new_leads(store, limit)
    if not rows:
        return msg.message([], "No new leads.")
    return msg.preview_items("lead", rows[:msg.EMBEDS_PER_MESSAGE])[0]


def _kwargs(payload: dict) -> dict:
    kw: dict = {"embeds": [discord.Embed.from_dict(e) for e in payload["embeds"]],
                "allowed_mentions": discord.AllowedMentions.none()}
    if payload.get("content"):
        kw["content"] = payload["content"]
    return kw


def build_bot(store: Store, guild_id: int | None = None) -> discord.Client:
    """A gateway client with the three slash commands registered (synced in ``setup_hook``)."""
    # No intents: slash commands need none. Without the GUILDS intent no GUILD_CREATE ever comes,
    # so discord.py's default 2 s wait for them before on_ready would be pure delay.
    client = discord.Client(intents=discord.Intents.none(), allowed_mentions=discord.AllowedMentions.none(),
                            guild_ready_timeout=0)
    tree = app_commands.CommandTree(client)
    guild = discord.Object(id=guild_id) if guild_id else None
    inflight: set[asyncio.Task] = set()  # answers being written; serve_bot lets them finish on stop

    async def answer(interaction: discord.Interaction, fn, *args) -> None:
        task = asyncio.current_task()
        if task is not None:
            inflight.add(task)
            task.add_done_callback(inflight.discard)
        await interaction.response.defer(thinking=True)
        try:
            payload = await asyncio.to_thread(fn, store, *args)
        except Exception:
            log.exception("bot command failed", extra={"command": fn.__name__})
            payload = msg.message([], "Sorry, the store could not be read right now.")
        await interaction.followup.send(**_kwargs(payload))

    @tree.command(name="sentiment", guild=guild,
                  description="News sentiment and latest signal for a ticker (from the store).")
    @app_commands.describe(ticker="e.g. AAPL")
    async def sentiment(interaction: discord.Interaction, ticker: str) -> None:
        await answer(interaction, sentiment_answer, ticker)

    @tree.command(name="signals", description="Today's strongest signals (from the store).", guild=guild)
    async def signals(interaction: discord.Interaction) -> None:
        await answer(interaction, signals_answer)

    @tree.command(name="leads", description="Best new leads (from the store).", guild=guild)
    async def leads(interaction: discord.Interaction) -> None:
        await answer(interaction, leads_answer)

    async def setup_hook() -> None:
        synced = await tree.sync(guild=guild)
        log.info("slash commands synced", extra={"commands": [c.name for c in synced]})

    client.setup_hook = setup_hook  # type: ignore[method-assign]
    client.tree = tree  # type: ignore[attr-defined]
    client.inflight = inflight  # type: ignore[attr-defined]
    return client


@contextlib.contextmanager
def _gateway(url: str):
    """Dial ``url`` instead of discord.py's hard-coded gateway for one session."""
    parsed = yarl.URL(url)
    if parsed.scheme not in ("ws", "wss") or not parsed.host:
        raise discord.GatewayNotFound()
    old = DiscordWebSocket.DEFAULT_GATEWAY
    DiscordWebSocket.DEFAULT_GATEWAY = parsed
    try:
        yield
    finally:
        DiscordWebSocket.DEFAULT_GATEWAY = old


async def serve_bot(settings, store: Store, guild_id: int | None = None, *,
                    ready: asyncio.Event | None = None, stop: asyncio.Event | None = None) -> None:
    """Log in (REST), sync the commands, connect to the gateway and answer until ``stop`` is set
    (forever without one); then let answers in flight finish (``DRAIN_S`` at most) and close the
    gateway and HTTP session. ``ready`` is set on READY. Errors (bad token, unreachable) raise."""
    if settings.discord_bot_token is None:
        raise SystemExit("the bot needs SIGNALDESK_DISCORD_BOT_TOKEN")
    client = build_bot(store, guild_id)

    async def on_ready() -> None:
        log.info("bot connected", extra={"user_id": client.user.id if client.user else None,
                                         "guild": guild_id})
        if ready is not None:
            ready.set()

    client.event(on_ready)
    with api_base(settings.discord_api_base):
        async with client:  # closes the HTTP session whatever happens
            await client.login(settings.discord_bot_token.get_secret_value())
            _shards, url, limits = await client.http.get_bot_gateway()
            log.info("gateway found", extra={"gateway": url, "sessions_left": limits.get("remaining")})
            with _gateway(url):
                await _run_until(client, stop)


async def _run_until(client: discord.Client, stop: asyncio.Event | None) -> None:
    conn = asyncio.create_task(client.connect(reconnect=True), name="discord-gateway")
    waiter = asyncio.create_task(stop.wait(), name="discord-bot-stop") if stop is not None else None
    try:
        await asyncio.wait({t for t in (conn, waiter) if t is not None}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if waiter is not None:
            waiter.cancel()
            await asyncio.gather(waiter, return_exceptions=True)
        pending = set(client.inflight)  # type: ignore[attr-defined]
        if pending:
            await asyncio.wait(pending, timeout=DRAIN_S)
        await client.close()
        if not conn.done():
            await asyncio.wait({conn}, timeout=DRAIN_S)
        if not conn.done():
            conn.cancel()
            await asyncio.gather(conn, return_exceptions=True)  # let it unwind before we return
        if conn.done() and not conn.cancelled() and conn.exception() is not None:
            raise conn.exception()  # type: ignore[misc]


def run_bot(settings, store: Store, guild_id: int | None = None) -> None:
    """Blocking: the bot for ``python -m jobs bot`` until Ctrl+C."""
    if settings.discord_bot_token is None:
        raise SystemExit("the bot needs SIGNALDESK_DISCORD_BOT_TOKEN")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_bot(settings, store, guild_id))


__all__ = ["build_bot", "leads_answer", "run_bot", "serve_bot", "sentiment_answer", "signals_answer"]
