"""Optional Discord bot: slash commands answered from the store only (never scraping).

``/sentiment TICKER``, ``/signals`` and ``/leads``. The answers are built by pure-ish functions
(store in, payload dict out, the same shape as every other post) so they are tested without a
gateway; ``build_bot`` only wires them to ``discord.app_commands``. Store reads run in a worker
thread (DuckDB is synchronous) and each opens and closes its own short connection.
"""
from __future__ import annotations

import asyncio
import logging
import re

import discord
from discord import app_commands

from core.publish import messages as msg
from core.publish.escape import safe_cut
from core.store import Store
from core.store.digest import digest_data, ticker_sentiment, top_new_leads

log = logging.getLogger(__name__)
TICKER_RE = re.compile(r"^[A-Z0-9.\-^=]{1,12}$")


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
    client = discord.Client(intents=discord.Intents.none(), allowed_mentions=discord.AllowedMentions.none())
    tree = app_commands.CommandTree(client)
    guild = discord.Object(id=guild_id) if guild_id else None

    async def answer(interaction: discord.Interaction, fn, *args) -> None:
        await interaction.response.defer(thinking=True)
        try:
            payload = await asyncio.to_thread(fn, store, *args)
        except Exception:  # noqa: BLE001 - the user gets a short reason, the log the details
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
    return client


def run_bot(settings, store: Store, guild_id: int | None = None) -> None:
    if settings.discord_bot_token is None:
        raise SystemExit("the bot needs SIGNALDESK_DISCORD_BOT_TOKEN")
    client = build_bot(store, guild_id)
    client.run(settings.discord_bot_token.get_secret_value(), log_handler=None)


__all__ = ["build_bot", "leads_answer", "run_bot", "sentiment_answer", "signals_answer"]
