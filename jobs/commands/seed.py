"""``seed``: fill an empty store with default keywords, feeds, watchlist and the offline sample."""
from __future__ import annotations

import argparse
import json
import logging

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "seed",
        help="Seed default keywords, feeds and watchlist; replay data/sample when the store is empty.",
        description="Fill empty tables with defaults (keywords, news and lead feeds, watchlist) and, "
        "when the news table is empty, replay the recorded sample in data/sample (leads, news, "
        "prices) so the dashboard has something to show offline. Tables the operator already "
        "edited are left alone. Prints a JSON summary.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.config import get_settings
    from core.seed import seed_if_empty
    from core.store import Store

    settings = get_settings()
    try:
        summary = seed_if_empty(Store.from_settings(settings), settings)
    except Exception:
        log.exception("seed failed")
        return 2
    print(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    return 0
