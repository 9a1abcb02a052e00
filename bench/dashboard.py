"""Dashboard page times on a production-sized store, cold and warm, beside a naive page.

Builds a store with 1,000,000 news rows, 200,000 leads and 500 symbols x 10 years of daily
bars (``core.store.synthetic.fill``: one ``INSERT ... SELECT FROM range()`` per table), then
runs every page through Streamlit's AppTest:

* cold = the read cache cleared right before the run (every query hits DuckDB);
* warm = the same page run again (``st.cache_data`` answers).

Baseline: a naive Overview that loads the whole news table into pandas and filters there.
Targets: each page <= 1 s cold and <= 0.3 s warm on the 2-core build machine.

    .venv/bin/python bench/dashboard.py            # full size (about a minute)
    .venv/bin/python bench/dashboard.py --quick    # a tenth of the size
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from core.config import Settings  # noqa: E402
from core.models import utcnow  # noqa: E402
from core.store import Store, synthetic  # noqa: E402

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


def build(path: Path, quick: bool) -> tuple[Settings, dict]:
    settings = Settings(_env_file=None, data_dir=path)
    store = Store.from_settings(settings)
    sizes = dict(news=100_000, leads=20_000, n_symbols=50) if quick else \
        dict(news=1_000_000, leads=200_000, n_symbols=500)
    t = time.perf_counter()
    synthetic.fill(store, utcnow(), years=10, **sizes)
    sizes["build_s"] = time.perf_counter() - t
    return settings, sizes


def timed(run) -> float:
    t = time.perf_counter()
    run()
    return time.perf_counter() - t


def page_times(settings: Settings, page: str, repeats: int) -> tuple[float, float]:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.session_state["settings"] = settings
    at.run()
    at.switch_page(f"pages/{page}.py")
    cold, warm = [], []
    for _ in range(repeats):
        st.cache_data.clear()
        cold.append(timed(at.run))
        warm.append(timed(at.run))
        if at.exception:
            raise SystemExit(f"{page} raised: {at.exception[0].value}")
    return statistics.median(cold), statistics.median(warm)


def naive_times(settings: Settings, repeats: int) -> tuple[float, float]:
    at = AppTest.from_string(NAIVE.format(path=str(settings.store_path)), default_timeout=300)
    runs = [timed(at.run) for _ in range(repeats)]
    return runs[0], statistics.median(runs[1:] or runs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a tenth of the rows")
    ap.add_argument("--repeats", type=int, default=3, help="runs per page (median reported)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings, sizes = build(Path(tmp), args.quick)
        print(f"store: {sizes['news']:,} news, {sizes['leads']:,} leads, {sizes['n_symbols']} symbols x 10 y "
              f"daily bars; built in {sizes['build_s']:.1f} s; "
              f"file {settings.store_path.stat().st_size / 1e6:.0f} MB")
        page_times(settings, "overview", 1)  # imports (plotly, polars, streamlit pages) out of the way
        print(f"{'page':<14}{'cold s':>9}{'warm s':>9}   targets: cold <= 1.0 s, warm <= 0.3 s")
        results = {}
        for page in PAGES:
            cold, warm = page_times(settings, page, args.repeats)
            results[page] = (cold, warm)
            flag = "" if cold <= 1.0 and warm <= 0.3 else "  <- over target"
            print(f"{page:<14}{cold:>9.3f}{warm:>9.3f}{flag}")
        n_cold, n_warm = naive_times(settings, max(2, args.repeats))
        print(f"{'naive overview':<14}{n_cold:>9.3f}{n_warm:>9.3f}   (whole news table into pandas)")
        o_cold, o_warm = results["overview"]
        print(f"ratio naive/overview: cold {n_cold / o_cold:.1f}x, warm {n_warm / o_warm:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
