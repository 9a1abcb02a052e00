"""``bot``: run the Discord bot with /sentiment, /signals and /leads (answers from the store)."""
from __future__ import annotations

import argparse

from core.config import get_settings
from core.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bot", help="Run the Discord bot (slash commands /sentiment, /signals, /leads).",
        description="Connect the bot (SIGNALDESK_DISCORD_BOT_TOKEN) to Discord's gateway and answer "
        "/sentiment TICKER, /signals and /leads from the store only — it never scrapes. Runs until "
        "stopped with Ctrl+C.")
    p.add_argument("--guild", type=int,
                   help="sync the commands to this server only (instant) instead of globally")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.publish.bot import run_bot

    settings = get_settings()
    if settings.discord_bot_token is None:
        print("The bot needs SIGNALDESK_DISCORD_BOT_TOKEN (and a Discord application with the bot "
              "added to your server).")
        return 1
    run_bot(settings, Store.from_settings(settings), args.guild)
    return 0
