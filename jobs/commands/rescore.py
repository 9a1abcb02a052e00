"""``rescore``: re-score stored news and leads after the sentiment scorer or lexicon changed.

Each batch is read in one short read and written in one short write transaction, so the
dashboard is never blocked for longer than one batch. Safe to re-run: rows whose score did
not change are not rewritten.
"""
from __future__ import annotations

import argparse
import logging
import time

from core import sentiment
from core.config import get_settings
from core.sentiment.targets import ticker_rows
from core.store import Store
from core.store.news_ticker_scores import company_names, news_tickers, write_ticker_sentiment
from core.store.rescore import RESCORE_TABLES, read_page, write_scores

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "rescore",
        help="Re-score the sentiment of stored news and leads (after a lexicon change).",
        description="Re-score stored news (title + summary) and leads (title + body) with the "
        "current sentiment scorer (news also per ticker), in batches: each batch is its own short write transaction, "
        "so the dashboard is never blocked for long. Prints how many rows were scored and "
        "how many changed.",
    )
    p.add_argument("--batch-size", type=int, default=500,
                   help="rows per read/score/write batch (default 500)")
    p.add_argument("--table", choices=sorted(RESCORE_TABLES), action="append",
                   help="only this table (repeatable; default: news and leads)")
    p.set_defaults(func=run)


def rescore_tickers(store: Store, page: list, names: dict[str, str]) -> int:
    """Re-score the per-ticker rows (news_ticker_sentiment) of one page of news."""
    tickers = news_tickers(store, [r.id for r in page])
    ids = [r.id for r in page if r.id in tickers]
    texts = {r.id: r.text for r in page}
    rows = ticker_rows(ids, [texts[i] for i in ids], [tickers[i] for i in ids], names,
                       sentiment.score_batch)
    return write_ticker_sentiment(store, ids, rows)


def rescore_table(store: Store, table: str, batch_size: int) -> tuple[int, int, int]:
    """Re-score every row of ``table``; returns (rows scored, rows changed, batches)."""
    scored = changed = batches = 0
    after: str | None = None
    names = company_names(store) if table == "news" else {}
    while True:
        page = read_page(store, table, after, batch_size)
        if not page:
            break
        scores = sentiment.score_batch([r.text for r in page])
        changed += write_scores(store, table, [r.id for r in page],
                                [s.compound for s in scores], [s.label for s in scores])
        if table == "news":
            changed += rescore_tickers(store, page, names)
        scored += len(page)
        batches += 1
        after = page[-1].id
    return scored, changed, batches


def run(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        print("--batch-size must be at least 1")
        return 2
    store = Store.from_settings(get_settings())
    tables = args.table or list(RESCORE_TABLES)
    for table in tables:
        t0 = time.perf_counter()
        scored, changed, batches = rescore_table(store, table, args.batch_size)
        dt = time.perf_counter() - t0
        log.info("rescored", extra={"table": table, "scored": scored, "changed": changed,
                                    "batches": batches})
        print(f"{table}: {scored} rows scored in {batches} batches, {changed} changed "
              f"({dt:.1f}s)")
    return 0
