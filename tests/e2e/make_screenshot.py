"""Make docs/screenshot.png: the dashboard's Overview, 1400 px wide, in the real Chromium.

Run by hand (not a test; pytest does not collect it):

    .venv/bin/python -m tests.e2e.make_screenshot [--page Overview] [--out docs/screenshot.png]

The store is a temp dir seeded from data/sample (``core.seed.seed_if_empty``, the offline
demo) plus a small synthetic month (``bench.stores.synthetic.fill``: news, leads, prices, job
runs ending now; its keyword table replaces the seeded one), because the sample's recordings
are years old and would leave today's metrics empty. Nothing outside the temp dir and the
output file is touched.
"""
from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from pathlib import Path

from bench.stores import synthetic
from core.models import utcnow
from core.seed import seed_if_empty
from core.store import Store, keywords, signals
from tests.conftest import REPO
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, e2e_settings_for, open_page, start_dashboard


def build_store(data_dir: Path):
    settings = e2e_settings_for(data_dir)
    store = Store.from_settings(settings)
    seed_if_empty(store, settings)
    # fill() brings its own keyword table (and learned weights for it) and its own signal
    # weights: make room for them (the seed computed weights from the sample's AAPL bars)
    keywords.delete_keywords(store, keywords.list_keywords(store)["term"].to_list())
    signals.replace_signals(store, signals.signal_history(store, "AAPL").clear(),
                            signals.signal_weights(store).clear())
    synthetic.fill(store, utcnow(), news=900, leads=120, n_symbols=8, years=1, news_days=30, lead_days=30)
    return settings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--page", default="Overview", help="sidebar title of the page to capture")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot.png")
    ap.add_argument("--height", type=int, default=1420, help="viewport height in px (the width is 1400)")
    args = ap.parse_args(argv)
    logging.disable(logging.INFO)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="signaldesk-shot-") as tmp:
        settings = build_store(Path(tmp) / "var")
        dash = start_dashboard(settings)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
                page = browser.new_page(viewport={"width": VIEWPORT["width"], "height": args.height})
                page.set_default_timeout(60_000)
                page.goto(dash.url)
                page.get_by_role("heading", name="Overview", exact=True).wait_for()
                if args.page != "Overview":
                    open_page(page, args.page)
                page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
                    state="attached")
                page.wait_for_function(  # the metric sparklines (Vega) and Plotly charts are drawn
                    "Array.from(document.querySelectorAll('[data-testid=stMetricChart]'))"
                    ".every(c => c.querySelector('svg.marks'))"
                    " && Array.from(document.querySelectorAll('[data-testid=stPlotlyChart]'))"
                    ".every(c => c.querySelector('.main-svg .trace'))")
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                browser.close()
        finally:
            dash.stop()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
