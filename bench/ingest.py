"""Ingestion throughput: N news entries through parse -> dedup -> score -> store, twice.

The entries are built from the recorded feeds in tests/fixtures/feeds (real titles and
summaries, each made unique with a counter in the title and link), packed into RSS documents
of --per-doc entries, and fed to ``core.ingest.ingest_documents`` in batches of --batch
documents (one batch ~ one polling run). The second pass replays the same documents: every
entry is a known id, so the pipeline stops after parse + one id lookup per batch.
Baseline: the first pass. Target: second pass >= 10x faster per item.

    .venv/bin/python bench/ingest.py            # 100,000 entries
    .venv/bin/python bench/ingest.py --quick    # 10,000 entries
"""
from __future__ import annotations

import argparse
import html
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import feedparser  # noqa: E402

from core.config import Settings  # noqa: E402
from core.ingest import Document, ingest_documents  # noqa: E402
from core.seed import WATCHLIST_NAMES  # noqa: E402
from core.sources.feeds import parse_feed  # noqa: E402
from core.store import Store  # noqa: E402
from core.store.feeds import set_watchlist  # noqa: E402

FEEDS = ["edgarkit__pressreleases.rss", "crawinsight__google.xml", "morning-post__hn.xml",
         "rss-parser__reddit-atom.rss", "RSS-Parser__feed-test-malformed.xml"]


def templates() -> list[tuple[str, str]]:
    out = []
    for name in FEEDS:
        d = feedparser.parse(ROOT / "tests" / "fixtures" / "feeds" / name)
        out += [(e.get("title", ""), e.get("summary", "")[:600]) for e in d.entries if e.get("title")]
    return out


def build_documents(n: int, per_doc: int) -> list[Document]:
    base = templates()
    docs, items = [], []
    for i in range(n):
        title, summary = base[i % len(base)]
        items.append(
            f"<item><title>{html.escape(title)} #{i}</title>"
            f"<link>https://news.example.com/{i % 97}/story-{i}?utm_source=rss</link>"
            f"<description>{html.escape(summary)}</description>"
            f"<pubDate>Fri, 24 Jan 2025 {i % 24:02d}:{i % 60:02d}:00 +0000</pubDate></item>")
        if len(items) == per_doc or i == n - 1:
            body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                    f"<title>bench {len(docs)}</title>{''.join(items)}</channel></rss>").encode()
            docs.append(Document(f"bench-{len(docs)}", body, {"content-type": "application/rss+xml"}))
            items = []
    return docs


def run_pass(store: Store, settings: Settings, docs: list[Document], batch: int):
    t0, c0 = time.perf_counter(), time.process_time()
    new = dup = 0
    for i in range(0, len(docs), batch):
        report = ingest_documents(store, settings, "news", docs[i:i + batch])
        new += report.counts.new
        dup += report.counts.duplicate
    return time.perf_counter() - t0, time.process_time() - c0, new, dup


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--per-doc", type=int, default=500, help="entries per RSS document")
    ap.add_argument("--batch", type=int, default=20, help="documents per ingest call")
    ap.add_argument("--quick", action="store_true", help="10,000 entries")
    args = ap.parse_args()
    n = 10_000 if args.quick else args.items
    import logging
    logging.disable(logging.INFO)
    docs = build_documents(n, args.per_doc)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), offline=True)
        store = Store.from_settings(settings)
        set_watchlist(store, WATCHLIST_NAMES)
        t1, c1, new1, dup1 = run_pass(store, settings, docs, args.batch)
        t2, c2, new2, dup2 = run_pass(store, settings, docs, args.batch)
        sample = docs[: max(1, len(docs) // 10)]
        c0 = time.process_time()
        for d in sample:  # feedparser alone, on 10% of the documents
            parse_feed(d.body, d.headers, source=d.source, kind="news")
        parse_cpu = (time.process_time() - c0) * len(docs) / len(sample)
    print(f"entries: {n:,} in {len(docs)} documents of {args.per_doc}, {args.batch} documents per ingest call")
    print(f"first pass : {t1:7.2f} s wall {c1:7.2f} s CPU  {n / t1:9,.0f} items/s wall  "
          f"{n / c1:9,.0f} items/s CPU   new={new1:,} duplicate={dup1:,}")
    print(f"second pass: {t2:7.2f} s wall {c2:7.2f} s CPU  {n / t2:9,.0f} items/s wall  "
          f"{n / c2:9,.0f} items/s CPU   new={new2:,} duplicate={dup2:,}")
    print(f"ratio second/first speed: {t1 / t2:.1f}x wall, {c1 / c2:.1f}x CPU (target >= 10x)")
    print(f"feed parsing alone (10% of documents, scaled): {parse_cpu:.1f} s CPU = "
          f"{parse_cpu / c1:.0%} of the first pass's CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
