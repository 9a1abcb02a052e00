"""``check_discord``: does the configured webhook or bot work? Verified without posting.

Webhook: GET webhooks/{id}/{token} (``Webhook.fetch``). Bot: GET users/@me (``client.login``)
then GET channels/{id}. The answer names the problem in plain words and never contains the
webhook token or the bot token.
"""
from __future__ import annotations

import asyncio

import aiohttp
import discord

from core.aio import run_sync
from core.publish import deliver as dl
from core.publish.ledger import DRY_RUN_REASON


def check_discord(settings) -> tuple[bool, str]:
    return run_sync(acheck_discord(settings))


async def acheck_discord(settings) -> tuple[bool, str]:
    try:
        transport = dl.transport_for(settings)
    except dl.DeliveryError as exc:
        return False, exc.reason
    if transport is None:
        return False, DRY_RUN_REASON
    timeout = settings.discord_send_timeout_s
    try:
        with dl.api_base(dl.base_for(settings, transport)):
            if isinstance(transport, dl.WebhookTransport):
                ok, text = await asyncio.wait_for(_check_webhook(transport), timeout)
            else:
                ok, text = await asyncio.wait_for(_check_bot(transport, settings.discord_channel_id), timeout)
    except Exception as exc:  # noqa: BLE001 - turned into a message
        err = dl.classify(exc, transport.tracker, timeout, transport.secret)
        ok, text = False, _explain(err, transport)
    return ok, dl.redact(text, transport.secret)


async def _check_webhook(t: dl.WebhookTransport) -> tuple[bool, str]:
    async with aiohttp.ClientSession(trace_configs=[t.tracker.trace_config()],
                                     timeout=aiohttp.ClientTimeout(total=t.send_timeout_s)) as session:
        hook = await discord.Webhook.partial(t.ref.id, t.ref.token, session=session).fetch()
    where = f"channel {hook.channel_id}" if hook.channel_id else "its channel"
    return True, f"webhook OK: {hook.name!r} ({t.target}) posts to {where}"


async def _check_bot(t: dl.BotTransport, channel_id: int) -> tuple[bool, str]:
    try:
        await t.open()
        user = t.user.get("username", "?")
        try:
            channel = await t.http.get_channel(channel_id)
        except discord.NotFound:
            return False, (f"bot token OK ({user}), but channel {channel_id} was not found: "
                           "check SIGNALDESK_DISCORD_CHANNEL_ID and that the bot is in that server")
        except discord.Forbidden:
            return False, f"bot token OK ({user}), but the bot cannot see channel {channel_id} (403)"
        return True, f"bot OK: logged in as {user}; channel #{channel.get('name', channel_id)} is reachable"
    finally:
        await t.close()


def _explain(err: dl.DeliveryError, t: dl.Transport) -> str:
    if err.code == "not_found":
        return ("Discord says this webhook does not exist (404 Unknown Webhook): it was deleted or the URL "
                "is wrong — create a new webhook and update SIGNALDESK_DISCORD_WEBHOOK_URL")
    if err.code == "unauthorized":
        what = "bot token" if isinstance(t, dl.BotTransport) else "webhook token"
        return f"Discord rejected the {what} (401): it is wrong or was reset"
    if err.code in ("unreachable", "disconnected", "timeout"):
        return f"could not reach Discord: {err.reason}"
    return f"Discord check failed: {err}"
