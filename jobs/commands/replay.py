"""``replay``: run recorded files through the live pipeline and print one JSON line per file."""
from __future__ import annotations

import argparse
import json
import logging

from core.replay import REPLAY_KINDS

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "replay",
        help="Replay recorded feed or price files through the pipeline (offline).",
        description="Run recorded files through the same pipeline the live jobs use: RSS/Atom "
        "documents for --kind news or leads, Yahoo chart JSON recordings for --kind prices. "
        "Vendors' recorded answers (Alpha Vantage, Polygon, Finnhub, Alpaca, Nasdaq Data Link "
        "bars; NewsAPI, Finnhub, Polygon, Alpha Vantage, Alpaca news) are recognised by their "
        "shape, or named with --provider. "
        "Prints one JSON object per file: file, kind, status (ok|partial|error), fetched, new, "
        "duplicate, rejected, reason. Replaying a file twice adds nothing the second time. "
        "Exits 0 when every file was handled, even bad ones; non-zero only on an internal failure.",
    )
    p.add_argument("--kind", required=True, choices=REPLAY_KINDS,
                   help="What the files hold: news, leads or prices.")
    p.add_argument("--provider", default=None,
                   help="Vendor whose recorded answers the files are (default: detected by shape).")
    p.add_argument("--symbol", default=None,
                   help="Symbol of recorded price answers that do not name one (e.g. Finnhub candles).")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="Recorded files to replay, in order; '-' reads one document from stdin. "
                   "Only regular files are read (not devices or FIFOs), at most 50 MB each.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.config import get_settings
    from core.replay import replay_file
    from core.store import Store, StoreBusy

    settings = get_settings()
    try:
        store = Store.from_settings(settings)
        for path in args.files:
            print(json.dumps(replay_file(store, settings, args.kind, path, args.provider, args.symbol),
                             ensure_ascii=False),
                  flush=True)
    except StoreBusy:
        raise  # one readable line from jobs.__main__, like every other command
    except Exception:
        log.exception("replay failed")
        return 2
    return 0
