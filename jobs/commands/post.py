"""``post``: the Discord side from the command line — digest, top leads, check, retry, history."""
from __future__ import annotations

import argparse

from core.config import get_settings
from core.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "post", help="Post to Discord (digest, leads), check the setup, retry failures.",
        description="Post to the configured Discord webhook (or bot channel). Every item is posted "
        "at most once per target (a ledger in the store); items are packed into as few messages "
        "as Discord's limits allow. With no webhook or bot configured nothing is sent: the "
        "payloads are stored as previews (dry run).")
    what = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    d = what.add_parser("digest",
                        help="Post today's digest (top signals, new leads, job health), once a day.",
                        description="Post today's digest once per day and target.")
    d.add_argument("--preview", action="store_true", help="print the payload JSON instead of posting")
    d.set_defaults(func=run_digest)
    le = what.add_parser("leads", help="Post the top N new leads not posted yet.",
                         description="Post the best-scored leads still in status 'new'; ones already "
                         "posted to this target are skipped.")
    le.add_argument("-n", "--top", type=int, default=10, help="how many leads (default 10)")
    le.add_argument("--preview", action="store_true", help="print the payload JSON instead of posting")
    le.set_defaults(func=run_leads)
    c = what.add_parser("check", help="Verify the webhook or bot token without posting.",
                        description="Fetch the webhook (or log the bot in and read the channel) without "
                        "posting anything. Exits 1 with the reason when it does not work.")
    c.set_defaults(func=run_check)
    r = what.add_parser("retry", help="Re-send failed posts.",
                        description="Re-send failed posts of the configured target. Failures that may "
                        "have been posted (timeout, dropped connection) are retried only when their "
                        "keys are named with --key, after checking the channel.")
    r.add_argument("--key", action="append", dest="keys", metavar="KEY", help="idempotency key (repeatable)")
    r.set_defaults(func=run_retry)
    h = what.add_parser("history", help="Show the latest ledger rows.",
                        description="Latest posts, newest first.")
    h.add_argument("-n", "--limit", type=int, default=20, help="rows to show (default 20)")
    h.set_defaults(func=run_history)


def _report(report) -> int:
    print(report.summary())
    for o in report.outcomes:
        if o.status not in ("sent", "preview"):
            print(f"  {o.status:<8} {o.kind} {o.item_id} [{o.key}]: {o.reason}")
    return 0 if report.ok else 1


def _print_payloads(payloads: list[dict]) -> int:
    import json

    print(json.dumps(payloads, indent=2, ensure_ascii=False, default=str))
    return 0


def run_digest(args: argparse.Namespace) -> int:
    from core.publish import post_digest, preview_digest

    settings = get_settings()
    store = Store.from_settings(settings)
    if args.preview:
        return _print_payloads(preview_digest(store))
    return _report(post_digest(store, settings))


def run_leads(args: argparse.Namespace) -> int:
    from core.publish import post_items, preview_items
    from core.store.digest import top_new_leads

    settings = get_settings()
    store = Store.from_settings(settings)
    leads = top_new_leads(store, args.top)
    if args.preview:
        return _print_payloads(preview_items("lead", leads))
    return _report(post_items(store, settings, "lead", leads))


def run_check(args: argparse.Namespace) -> int:
    from core.publish import check_discord

    ok, message = check_discord(get_settings())
    print(message)
    return 0 if ok else 1


def run_retry(args: argparse.Namespace) -> int:
    from core.publish import retry_failed

    settings = get_settings()
    return _report(retry_failed(Store.from_settings(settings), settings, keys=args.keys))


def run_history(args: argparse.Namespace) -> int:
    from core.publish import post_history

    frame = post_history(Store.from_settings(get_settings()), args.limit)
    for r in frame.to_dicts():
        print(f"{r['updated_at']:%Y-%m-%d %H:%M:%S}  {r['status']:<8} {r['kind']:<7} "
              f"{r['item_id'] or '':<24} "
              f"{r['target']}  {r['discord_message_id'] or r['error'] or ''}")
    return 0
