"""Dashboard page times at today's store size and at ten times it, cold and warm, with the ratio.

``--scale 1`` is today's production size (1 M news over a year, 200 k leads over 180 days,
500 symbols x 10 years of daily bars); ``--scale 10`` is 10 M news over three years, 1 M leads
over a year, 2,000 symbols x 10 years (``bench/stores/scale.py``). Each store is built once
(``bench/stores/synthetic.py``: one ``INSERT ... SELECT FROM range()`` per table, then the
pre-aggregates the jobs keep) and cached under ``bench/out/`` (git-ignored); later runs reuse
it (``--rebuild`` starts over). Every page runs through Streamlit's AppTest:

* cold = the read cache cleared right before the run (every query hits DuckDB);
* warm = the same page run again (``st.cache_data`` answers).

With both scales, the two take turns run by run on each page (scale 1 cold and warm, then
scale 10, then scale 1 again...), so a change in the machine's load weighs on both alike; each
page runs once per scale before timing (its imports).

Baseline: the same page at scale 1 (the ratio scale10 / scale1 of its cold time), and a naive
Overview that loads the whole news table into pandas. Targets (issue #18): at scale 10 every
page <= 1.0 s cold and <= 0.3 s warm, and no page's cold time more than 1.5x its scale-1 time.

    .venv/bin/python bench/dashboard.py --scale 1 10   # both, with the ratio (first run builds)
    .venv/bin/python bench/dashboard.py --scale 10     # one scale (ratio vs a saved scale-1 run)
    .venv/bin/python bench/dashboard.py --quick        # a tenth of scale 1, for a smoke run
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from bench.stores import scale as scales  # noqa: E402
from core.config import Settings  # noqa: E402
from core.store import Store  # noqa: E402

APP = ROOT / "dashboard" / "app.py"
PAGES = ["overview", "signals", "news", "leads", "keywords", "conversions", "discord", "jobs", "exports",
         "settings"]
NAIVE = """
import pandas as pd
import streamlit as st
from core.store import Store

store = Store({path!r})
with store.read() as con:
    news = con.sql("SELECT * FROM news").df()          # the whole table, every run
today = news[news["published_at"] >= pd.Timestamp.now("UTC").tz_localize(None).normalize()]
st.metric("News today", len(today))
st.metric("Sentiment today", f"{{today['sentiment'].mean():+.2f}}")
st.dataframe(news.sort_values("published_at", ascending=False).head(200))
"""
COLD_MAX, WARM_MAX, GROWTH_MAX = 1.0, 0.3, 1.5


def timed(run) -> float:
    t = time.perf_counter()
    run()
    return time.perf_counter() - t


def _page_app(settings: Settings, page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["settings"] = settings
    at.run()
    at.switch_page(f"views/{page}.py")
    at.run()  # the page's first run imports what it needs: out of the way before timing
    if at.exception:
        raise SystemExit(f"{page} raised: {at.exception[0].value}")
    return at


def page_times(stores: dict, page: str, repeats: int) -> dict:
    """{scale: (median cold, median warm)} of ``page``. The scales take turns run by run, so
    a change in the machine's load during the benchmark weighs on both alike."""
    apps = {scale: _page_app(settings, page) for scale, settings in stores.items()}
    cold: dict = {scale: [] for scale in stores}
    warm: dict = {scale: [] for scale in stores}
    for _ in range(repeats):
        for scale, at in apps.items():
            st.cache_data.clear()
            cold[scale].append(timed(at.run))
            warm[scale].append(timed(at.run))
            if at.exception:
                raise SystemExit(f"{page} raised: {at.exception[0].value}")
    return {scale: (statistics.median(cold[scale]), statistics.median(warm[scale])) for scale in stores}


def naive_times(settings: Settings, repeats: int) -> tuple[float, float]:
    at = AppTest.from_string(NAIVE.format(path=str(settings.store_path)), default_timeout=300)
    runs = [timed(at.run) for _ in range(repeats)]
    return runs[0], statistics.median(runs[1:] or runs)


def store_figures(settings: Settings) -> dict:
    """File size, and the bytes of the news and prices tables' data blocks per row.

    A table's bytes are its distinct storage blocks (``pragma_storage_info``) x the block size:
    the columns' compressed data, not its primary-key index.
    """
    with Store.from_settings(settings).read() as con:
        block = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
        out = {"file_mb": settings.store_path.stat().st_size / 1e6}
        for table, label in (("news", "news_row"), ("prices", "bar")):
            blocks = con.execute(
                f"SELECT count(DISTINCT b) FROM (SELECT block_id AS b FROM pragma_storage_info('{table}') "
                "WHERE persistent AND block_id >= 0 UNION ALL SELECT unnest(additional_block_ids) "
                f"FROM pragma_storage_info('{table}') WHERE persistent)").fetchone()[0]
            rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            out[f"bytes_per_{label}"] = blocks * block / rows if rows else None
    return out


def prepare(scale, rebuild: bool) -> tuple[Settings, dict]:
    """The store of ``scale`` (built or reused, migrated), with its figures printed."""
    settings, meta = scales.build(scale, rebuild)
    t = time.perf_counter()
    Store.from_settings(settings)  # migrations (and their pre-aggregate backfill) on a cached store
    migrate_s = time.perf_counter() - t
    figures = store_figures(settings)
    print(f"\n== scale {scale}: {meta['news']:,} news over {meta['news_days']} days, {meta['leads']:,} leads "
          f"over {meta['lead_days']} days, {meta['n_symbols']:,} symbols x 10 y daily bars")
    print(f"store built in {meta['build_s']:.1f} s{' (cached, reused)' if meta.get('cached') else ''}"
          f"{f'; migrations on open {migrate_s:.1f} s' if migrate_s > 1 else ''}; "
          f"file {figures['file_mb']:,.0f} MB; {figures['bytes_per_news_row']:.0f} B per news row, "
          f"{figures['bytes_per_bar']:.1f} B per daily bar")
    return settings, {"scale": scale, "meta": meta, "figures": figures, "pages": {}}


def run_scales(scale_list: list, repeats: int, rebuild: bool) -> dict:
    """Every page at every scale (taking turns), the naive baseline at scale 1; saved per scale."""
    prepared = {scale: prepare(scale, rebuild) for scale in scale_list}
    stores = {scale: settings for scale, (settings, _) in prepared.items()}
    results = {scale: result for scale, (_, result) in prepared.items()}
    for page in PAGES:
        for scale, times in page_times(stores, page, repeats).items():
            results[scale]["pages"][page] = times
    if 1 in stores:  # at scale 10 the naive page takes minutes (216 s measured) and proves nothing new
        results[1]["naive"] = naive_times(stores[1], max(2, repeats))
    for scale, result in results.items():
        (scales.OUT / f"results-scale{scale}.json").write_text(json.dumps(result, indent=1, default=str))
    return results


def saved(scale) -> dict | None:
    path = scales.OUT / f"results-scale{scale}.json"
    return json.loads(path.read_text()) if path.exists() else None


def print_table(result: dict, base: dict | None) -> bool:
    """The page table of one scale; with ``base`` (scale 1) the cold ratio per page. True = on target."""
    big = result["scale"] == 10
    print(f"{'page':<14}{'cold s':>9}{'warm s':>9}" + (f"{'cold x1':>9}{'ratio':>8}" if base else "")
          + f"   targets: cold <= {COLD_MAX} s, warm <= {WARM_MAX} s"
          + (f", ratio <= {GROWTH_MAX}" if base else ""))
    ok = True
    for page, (cold, warm) in result["pages"].items():
        line = f"{page:<14}{cold:>9.3f}{warm:>9.3f}"
        over = cold > COLD_MAX or warm > WARM_MAX
        if base and page in base["pages"]:
            b = base["pages"][page][0]
            line += f"{b:>9.3f}{cold / b:>7.2f}x"
            over = over or (big and cold / b > GROWTH_MAX)
        ok = ok and not over
        print(line + ("  <- over target" if over else ""))
    if "naive" in result:
        n_cold, n_warm = result["naive"]
        o_cold, o_warm = result["pages"]["overview"]
        print(f"{'naive overview':<14}{n_cold:>9.3f}{n_warm:>9.3f}   (whole news table into pandas: "
              f"{n_cold / o_cold:.1f}x the overview cold)")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=int, nargs="+", default=[1], choices=[1, 10],
                    help="store size: 1 = today's, 10 = ten times it (give both for the ratio)")
    ap.add_argument("--quick", action="store_true", help="a tenth of scale 1 (smoke run, no ratio)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per page (median reported)")
    ap.add_argument("--rebuild", action="store_true", help="build the stores again instead of reusing them")
    args = ap.parse_args()
    scale_list = ["quick"] if args.quick else sorted(set(args.scale))
    results = run_scales(scale_list, args.repeats, args.rebuild)
    ok = True
    for s, result in results.items():
        base = results.get(1) or saved(1) if s == 10 else None
        print(f"\n-- scale {s} pages (median of {args.repeats}; AppTest, this machine)")
        ok = print_table(result, base) and ok
    print("\nall targets met" if ok else "\nsome pages are over target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
