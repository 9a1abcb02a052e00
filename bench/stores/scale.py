"""Benchmark stores at a named scale, built once and kept under bench/out/ (git-ignored).

Scale 1 is today's production size; scale 10 is what a busy operator accumulates in a few
years plus offers and discussion posts stored for lead intent (issue #18):

=====  ==========  ========  =======  ================  =========  =========
scale  news        over      leads    over              symbols    job runs
=====  ==========  ========  =======  ================  =========  =========
1      1,000,000   1 year    200,000  180 days          500 x 10y  2,000
10     10,000,000  3 years   1,000,000 365 days         2,000 x 10y 20,000
=====  ==========  ========  =======  ================  =========  =========

So scale 10 holds both more history (news 3x, bars 4x symbols) and denser recent data (news
3.3x per day, leads 2.5x per day): a page that shows a fixed window must not grow with either.
A built store is reused by later runs (``--rebuild`` starts over); ``meta.json`` beside it
records the sizes, the build time and the ``now`` the rows end at.
"""
from __future__ import annotations

import json
import shutil
import time
from datetime import datetime
from pathlib import Path

from bench.stores import synthetic
from core.config import Settings
from core.models import utcnow
from core.store import Store

OUT = Path(__file__).resolve().parent.parent / "out"
SCALES = {
    1: dict(news=1_000_000, news_days=365, leads=200_000, lead_days=180, n_symbols=500, runs=2_000,
            posts=500),
    10: dict(news=10_000_000, news_days=3 * 365, leads=1_000_000, lead_days=365, n_symbols=2_000,
             runs=20_000, posts=5_000),
    "quick": dict(news=100_000, news_days=365, leads=20_000, lead_days=180, n_symbols=50, runs=2_000,
                  posts=500),
}


def store_dir(scale: int) -> Path:
    return OUT / f"store-scale{scale}"


def settings_for(scale: int) -> Settings:
    return Settings(_env_file=None, data_dir=store_dir(scale))


def build(scale: int, rebuild: bool = False) -> tuple[Settings, dict]:
    """The store of ``scale`` (built now unless a complete one is cached) and its meta."""
    if scale not in SCALES:
        raise SystemExit(f"unknown scale {scale}; use one of {list(SCALES)}")
    folder = store_dir(scale)
    meta_path = folder / "meta.json"
    if meta_path.exists() and not rebuild:
        meta = json.loads(meta_path.read_text())
        meta["cached"] = True
        return settings_for(scale), meta
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    settings = settings_for(scale)
    store = Store.from_settings(settings)
    sizes = SCALES[scale]
    now = utcnow().replace(microsecond=0)
    t = time.perf_counter()
    synthetic.fill(store, now, years=10, **sizes)
    with store.write() as con:
        con.execute("CHECKPOINT")
    meta = dict(sizes, scale=scale, build_s=round(time.perf_counter() - t, 1), now=now.isoformat())
    meta_path.write_text(json.dumps(meta, indent=1))  # written last: its presence means complete
    meta["cached"] = False
    return settings, meta


def built_now(meta: dict) -> datetime:
    return datetime.fromisoformat(meta["now"])


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Build (or reuse) a benchmark store of a scale.")
    ap.add_argument("--scale", type=int, default=1, choices=[1, 10])
    ap.add_argument("--rebuild", action="store_true", help="start over even when a store is cached")
    args = ap.parse_args()
    s, m = build(args.scale, args.rebuild)
    print(json.dumps(m), s.store_path, f"{s.store_path.stat().st_size / 1e6:.0f} MB")
