"""``check-prices``: compare recent closes across price providers; disagreements become alerts."""
from __future__ import annotations

import argparse
import json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check-prices",
        help="Compare recent closes of two or more price providers; raise data-quality alerts.",
        description="Fetch the last --days of bars for each symbol from every provider in "
        "--providers (default SIGNALDESK_PRICE_PROVIDERS) and compare each bar's close with the "
        "first provider's. Closes differing by more than SIGNALDESK_PRICE_DISAGREEMENT_PCT "
        "(0.5 %%) are stored as alerts shown on the Overview and Jobs pages. Calls count against "
        "each provider's quota. Prints one JSON report; exits 1 when providers disagree.",
    )
    p.add_argument("--providers", default=None, help="Comma list, e.g. yahoo,polygon.")
    p.add_argument("--symbols", default=None, help="Comma list (default: the watchlist).")
    p.add_argument("--interval", default="1d", help="Bar interval (default 1d).")
    p.add_argument("--days", type=int, default=10, help="How many days back to compare (default 10).")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.config import get_settings
    from core.store import Store
    from core.vendors.catalog import check_chain
    from core.vendors.check import check_prices

    settings = get_settings()
    try:
        providers = check_chain(args.providers.split(",")) if args.providers else None
    except ValueError as exc:
        print(str(exc))
        return 2
    symbols = [s.strip() for s in args.symbols.split(",") if s.strip()] if args.symbols else None
    report = check_prices(Store.from_settings(settings), settings, symbols, providers, args.interval, args.days)
    print(json.dumps(report, default=str, ensure_ascii=False))
    if report["status"] == "error":
        return 2
    return 1 if report.get("alerts") else 0
