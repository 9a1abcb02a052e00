"""First-run seeding: defaults for the operator's tables, and the offline sample replayed.

Idempotent and polite: tables the operator already edited are left alone, and the sample is
replayed only while the news table is empty, so re-running ``seed`` never adds demo rows to
real data. The sample goes through the replay path, i.e. the same pipeline as live polling,
and is then followed by what the hourly learn job does (signals from the daily bars, learned
keyword weights), so a fresh offline demo shows signals without waiting for the scheduler.
"""
from __future__ import annotations

import logging
from pathlib import Path

from core import tracing
from core.config import DEFAULT_KEYWORDS, DEFAULT_LEAD_FEEDS, DEFAULT_NEWS_FEEDS
from core.replay import replay_files
from core.store import Store
from core.store.feeds import seed_inputs
from core.store.keywords import seed_keywords
from core.store.news import count_news

log = logging.getLogger(__name__)

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"

# Company names let the ticker extractor find "Apple" in a headline without "$AAPL".
WATCHLIST_NAMES: dict[str, str] = {
    "AAPL": "Apple Inc.", "MSFT": "Microsoft Corporation", "NVDA": "NVIDIA Corporation",
    "AMZN": "Amazon.com, Inc.", "GOOGL": "Alphabet Inc.", "META": "Meta Platforms, Inc.",
    "TSLA": "Tesla, Inc.", "SPY": "SPDR S&P 500 ETF Trust",
}


def sample_files(sample_dir: Path = SAMPLE_DIR) -> dict[str, list[Path]]:
    """The recorded sample by kind, in a stable order."""
    return {
        "leads": sorted((sample_dir / "feeds" / "leads").glob("*")),
        "news": sorted((sample_dir / "feeds" / "news").glob("*")),
        "prices": sorted((sample_dir / "yahoo").glob("chart-*.json")),
    }


def seed_if_empty(store: Store, settings, sample_dir: Path | None = None) -> dict:
    """Seed keywords, feeds and watchlist when empty; replay the sample when news is empty."""
    summary: dict = {"keywords_added": seed_keywords(store, DEFAULT_KEYWORDS)}
    watch = {s: WATCHLIST_NAMES.get(s) for s in settings.watchlist}
    seed_inputs(store, watch, DEFAULT_NEWS_FEEDS, DEFAULT_LEAD_FEEDS)
    if count_news(store):
        summary["sample"] = "skipped: the news table already has rows"
        return summary
    replayed = []
    with tracing.span("seed sample replay"):  # so a fresh demo's Jobs page has a waterfall to show
        for kind, files in sample_files(sample_dir or SAMPLE_DIR).items():
            replayed.extend(replay_files(store, settings, kind, files))
        summary["sample"] = replayed
        summary["sample_new"] = {k: sum(r["new"] for r in replayed if r["kind"] == k)
                                 for k in ("leads", "news", "prices")}
        summary["derived"] = _derive(store, settings)
    tracing.save_local(store, settings)
    log.info("seeded store", extra={"sample_new": summary["sample_new"], "derived": summary["derived"]})
    return summary


def _derive(store: Store, settings) -> dict:
    """Signals and learned weights from the replayed rows, as the learn job computes them.

    A failure here is recorded in the summary (and logged), never fatal: the replayed rows stay,
    and the learn job recomputes both on its next run.
    """
    from core import signals
    from core.leads import learning

    out: dict = {}
    for name, step in (("signals", lambda: signals.refresh(store, settings)),
                       ("learning", lambda: learning.refresh(store))):
        try:
            out[name] = step()
        except Exception as exc:
            log.warning("seed: %s not computed", name, exc_info=True)
            out[name] = f"failed: {type(exc).__name__}: {exc}"
    return out
