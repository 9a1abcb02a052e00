"""Job run times at today's store size and at ten times it: news over 50 feeds, leads, learn.

Each scale's cached store (``bench/stores/scale.py``, built by ``bench/dashboard.py`` or on
first use here) is copied to ``bench/out/jobs-scale<N>/`` so the jobs' writes never change the
store the page benchmark reads. 50 news feeds and 10 lead feeds, 20 fresh items each, are
served by the loopback fake (``tests/fakes/http_server.py``); then:

* learn once (the first run computes every symbol's signals; reported, not a target);

then ``--rounds`` times (default 3, each job's median reported), with fresh items on every feed:

* news run (every item new, cashtags of 4 symbols: fetch, parse, dedup against 1 M / 10 M stored ids, score, insert,
  refresh the days' sentiment aggregate), and the same run again (every item known);
* leads run (keyword match, insert, funnel aggregates), after which five of its leads are
  decided (two won, three lost), as the operator does;
* learn after those runs (inputs changed: the keyword weights from the lead totals, the
  signals of the symbols whose news changed, ``core/signals/incremental.py``), and learn again (nothing changed: each part
  skipped by its input fingerprint / per-symbol state), both with the bookkeeping prune;
* the daily prices job's write (one new bar for every symbol, through the price writer), then
  learn (every symbol changed: each recomputed from a warm-up margin before its new bar,
  ``WARMUP_BARS``, not over its history). Every symbol changed, so this one grows with the
  number of symbols (4x at scale 10), not with the history kept.

Baseline: the same job at scale 1; target (issue #18): scale 10 <= scale 1 + 20 %.

    .venv/bin/python bench/jobs_scale.py --scale 1 10
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stores import scale as scales  # noqa: E402
from core.config import Settings  # noqa: E402
from core.feed_polling import ingest_leads, ingest_news  # noqa: E402
from core.models import utcnow  # noqa: E402
from core.store import Store  # noqa: E402
from tests.fakes.http_server import FakeHttpServer  # noqa: E402

N_NEWS_FEEDS, N_LEAD_FEEDS, ITEMS = 50, 10, 20
TICKERS = ["AAPL", "MSFT", "NVDA", "TSLA"]
# jobs where every symbol changed: they grow with the number of symbols (500 -> 2,000), so their
# target is per symbol; the others touch a fixed amount of new data
PER_SYMBOL = {"daily bars write (every symbol)", "learn after daily bars"}
WORDS = ["looking for a developer", "need a python developer", "trading bot", "discord bot"]


def rss(feed: str, nonce: str, lead: bool) -> bytes:
    now = utcnow()
    items = []
    for i in range(ITEMS):
        title = (f"[Hiring] {WORDS[i % 4]} for a project {nonce}-{i}" if lead
                 else f"${TICKERS[i % 4]} shares rise after {feed} report {nonce}-{i}")  # a cashtag
        items.append(f"<item><title>{title}</title><link>https://bench.example/{feed}/{nonce}/{i}</link>"
                     f"<guid>{feed}-{nonce}-{i}</guid><description>{title}. Details follow.</description>"
                     f"<pubDate>{now:%a, %d %b %Y %H:%M:%S} +0000</pubDate></item>")
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{feed}</title>'
            f'<link>https://bench.example/{feed}</link><description>bench</description>'
            f'{"".join(items)}</channel></rss>').encode()


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def next_daily_bars(store: Store) -> tuple[int, int]:
    """What the daily prices job writes: one new bar per symbol, a day after its newest, through
    the price writer (the learn job after it recomputes every symbol from its warm-up margin)."""
    from datetime import timedelta

    import polars as pl

    from core.models import PRICE_SCHEMA
    from core.store import prices, time_windows
    from core.store import signals as sstore

    newest = time_windows.newest(store, "prices", "ts", interval="1d")
    last = sstore.price_bars(store, None, since=newest - timedelta(days=3)).group_by("symbol").last()
    bars = last.with_columns(pl.lit("1d").alias("interval"), pl.col("ts") + timedelta(days=1),
                             pl.col("close") * 1.01, pl.lit(None, pl.Float64).alias("adj_close"))
    return prices.upsert_prices(store, bars.select(list(PRICE_SCHEMA)))


def run_scale(scale: int, rounds: int) -> dict:
    src, meta = scales.build(scale)
    Store.from_settings(src)  # migrations on the cached store first
    folder = scales.OUT / f"jobs-scale{scale}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copy(src.store_path, folder / src.store_file)
    settings = Settings(_env_file=None, data_dir=folder, offline=False, http_timeout_s=10.0,
                        http_deadline_s=60.0, job_deadline_s=600.0)
    store = Store.from_settings(settings)
    from core import signals
    from core.leads import learning
    from core.store import bookkeeping
    from core.store.funnel import set_lead_status

    def learn():
        return {"learning": learning.refresh(store), "signals": signals.refresh(store, settings),
                "pruned": bookkeeping.prune_with(store, settings, utcnow())}

    runs: dict[str, list[float]] = {}
    with FakeHttpServer() as server:
        # the state a running install is in: learned once already (every symbol: the first run)
        first_learn, _ = timed(learn)
        for r in range(rounds):  # each round: fresh items on every feed, then the jobs in order
            nonce, at = f"s{scale}-{r}-{time.time_ns()}", datetime.now(UTC)
            news = [server.put(f"/news{i}.rss", rss(f"news{i}", nonce, False), last_modified=at)
                    for i in range(N_NEWS_FEEDS)]
            leads = [server.put(f"/leads{i}.rss", rss(f"leads{i}", nonce, True), last_modified=at)
                     for i in range(N_LEAD_FEEDS)]
            steps = [("news run (all new)", lambda news=news: ingest_news(store, settings, news)),
                     ("news run (all known)", lambda news=news: ingest_news(store, settings, news)),
                     ("leads run", lambda leads=leads: ingest_leads(store, settings, leads)),
                     ("learn (inputs changed)", learn), ("learn (nothing new)", learn),
                     ("daily bars write (every symbol)", lambda: next_daily_bars(store)),
                     ("learn after daily bars", learn)]
            out = {}
            for name, step in steps:
                took, out[name] = timed(step)
                runs.setdefault(name, []).append(took)
                if name == "leads run":  # the operator decides a few of them: learning has news
                    with store.read() as con:
                        ids = [i for (i,) in con.execute("SELECT id FROM leads WHERE url LIKE ? ORDER BY id "
                                                         "LIMIT 5", [f"%/{nonce}/%"]).fetchall()]
                    set_lead_status(store, ids[:2], "won")
                    set_lead_status(store, ids[2:], "lost")
    c, lc = out["news run (all new)"], out["leads run"]
    sig, again = out["learn (inputs changed)"]["signals"], out["learn (nothing new)"]
    daily = out["learn after daily bars"]["signals"]
    print(f"scale {scale}: in the last round, news run stored {c.new} new of {N_NEWS_FEEDS * ITEMS}; leads run "
          f"{lc.new} new; learn after them recomputed {sig.get('symbols')} symbols' signals, re-weighted "
          f"{sig.get('other_rows_reweighted')} other rows; learn again: "
          f"{again['learning'].get('skipped', 'recomputed')}; {again['signals'].get('skipped', 'recomputed')}; "
          f"first learn (every symbol, not a target) {first_learn:.1f} s; learn after daily bars: "
          f"{daily.get('tail_symbols')} symbols from their warm-up margin, {daily.get('full_symbols')} in full, "
          f"{daily.get('bars'):,} bars read")
    result = {name: statistics.median(times) for name, times in runs.items()}
    shutil.rmtree(folder, ignore_errors=True)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, nargs="+", default=[1, 10], choices=[1, 10])
    ap.add_argument("--quick", action="store_true", help="scale 1 only")
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds of fresh items per scale (each job's median is reported)")
    args = ap.parse_args()
    scale_list = [1] if args.quick else sorted(set(args.scale))
    results = {s: run_scale(s, args.rounds) for s in scale_list}
    cols = "".join(f"{'scale ' + str(s) + ' s':>12}" for s in scale_list)
    print(f"\n{'job':<34}{cols}" + (f"{'ratio':>8}   target <= 1.20x" if len(scale_list) == 2 else ""))
    for job in results[scale_list[0]]:
        line = f"{job:<34}" + "".join(f"{results[s][job]:>12.2f}" for s in scale_list)
        if len(scale_list) == 2:
            r = results[10][job] / results[1][job]
            if job in PER_SYMBOL:  # every symbol changed: the work is per symbol, 4x the symbols
                n1, n10 = (scales.SCALES[k]["n_symbols"] for k in (1, 10))
                per = r * n1 / n10
                line += f"{r:>7.2f}x  per symbol {per:.2f}x" + ("  <- over target" if per > 1.2 else "")
            else:
                line += f"{r:>7.2f}x" + ("  <- over target" if r > 1.2 else "")
        print(line)
    print(f"(median of {args.rounds} rounds on this machine; see README for the load it was under)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
