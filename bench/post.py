"""Benchmark: 100 leads to a fake Discord webhook with Discord's documented rate limit emulated.

Packed (``post_items``: ledger + packing + discord.py) against the old way, one message per
lead through the same discord.py webhook transport. The fake (tests/fakes/discord_api.py) runs
on 127.0.0.1 and enforces 5 requests per 2 s per webhook bucket with X-RateLimit-* headers and
a 429 past the limit. Prints API calls, 429s received and wall time for both, and the ratios.

    .venv/bin/python bench/post.py            # 100 leads (about a minute: the baseline is slow)
    .venv/bin/python bench/post.py --quick    # 30 leads
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr

from core.config import Settings
from core.publish import deliver as dl
from core.publish import messages as msg
from core.publish import post_items
from core.store import Store
from tests.fakes.discord_api import FakeDiscord

LIMIT = (5, 2.0)  # requests per window, seconds — the community-documented webhook bucket


def make_leads(n: int) -> list[dict]:
    return [{"id": f"bench-{i}", "platform": "reddit", "source": "r/forhire", "author": f"user{i}",
             "url": f"https://www.reddit.com/r/forhire/comments/{i}",
             "title": f"[Hiring] Python dev for a trading bot #{i}",
             "body": "We need someone to build a Discord bot that posts alerts from our data pipeline. " * 3,
             "matched_keywords": ["trading bot", "discord bot"], "score": 5.5, "sentiment": 0.3,
             "sentiment_label": "positive"} for i in range(n)]


def run_packed(leads: list[dict], data_dir: Path) -> dict:
    with FakeDiscord(rate_limit=LIMIT, webhook_id=111111111111111111) as fake:
        settings = Settings(_env_file=None, data_dir=data_dir,
                            discord_webhook_url=SecretStr(fake.webhook_url))
        store = Store.from_settings(settings)
        t0 = time.perf_counter()
        report = post_items(store, settings, "lead", leads)
        wall = time.perf_counter() - t0
        statuses = [r.status for r in fake.calls("execute")]
    assert report.counts == {"sent": len(leads)}, report.summary()
    return {"calls": report.api_calls, "messages": report.messages, "429s": statuses.count(429),
            "wall_s": wall}


def run_one_per_lead(leads: list[dict]) -> dict:
    """The old scripts' way: one webhook message per lead (same transport, no ledger)."""
    with FakeDiscord(rate_limit=LIMIT, webhook_id=222222222222222222) as fake:
        transport = dl.WebhookTransport(fake.webhook_url, send_timeout_s=60)
        plan = [dl.Planned([lead["id"]], msg.message([msg.lead_embed(lead)], "**New lead**"))
                for lead in leads]
        t0 = time.perf_counter()
        with dl.api_base(transport.ref.base):
            result = asyncio.run(dl.deliver(transport, plan, 600, lambda d: None))
        wall = time.perf_counter() - t0
        statuses = [r.status for r in fake.calls("execute")]
    failed = [r for r in result.results if r.error]
    assert not failed, failed[0].error
    return {"calls": result.api_calls, "messages": len(plan), "429s": statuses.count(429), "wall_s": wall}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="30 leads instead of 100")
    ap.add_argument("-n", type=int, help="number of leads")
    args = ap.parse_args()
    n = args.n or (30 if args.quick else 100)
    leads = make_leads(n)
    with tempfile.TemporaryDirectory() as tmp:
        packed = run_packed(leads, Path(tmp))
    single = run_one_per_lead(leads)
    print(f"{n} leads, fake webhook limited to {LIMIT[0]} requests / {LIMIT[1]:g} s")
    print(f"{'':<22}{'messages':>9}{'API calls':>11}{'429s':>6}{'wall s':>9}")
    for name, r in (("packed (post_items)", packed), ("one message per lead", single)):
        print(f"{name:<22}{r['messages']:>9}{r['calls']:>11}{r['429s']:>6}{r['wall_s']:>9.2f}")
    print(f"ratio: {single['calls'] / packed['calls']:.1f}x fewer API calls, "
          f"{single['wall_s'] / packed['wall_s']:.1f}x less wall time than one message per lead")
    print(f"target <= 10 calls for 100 leads: {'met' if n != 100 or packed['calls'] <= 10 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
