"""Price storage and the yfinance path, measured.

    python bench/prices_ingest.py [--symbols 8] [--years 5] [--quick]

1. Upsert: a first load of daily bars (symbols x years x 252) and of one week of 1-minute bars,
   then an incremental run that rewrites the last 3 bars of each symbol and adds one, through
   ``upsert_prices`` (Arrow, INSERT ... ON CONFLICT DO UPDATE). Baseline: the old scripts' way,
   SQLite ``INSERT OR REPLACE`` a row at a time with a commit per row.
2. Live path overhead without a network: ``ingest_prices`` through real yfinance fed the
   recorded AAPL 2020 chart by the recorded-response session, per symbol. Baseline: parsing the
   same chart body directly (``parse_chart_body``) and upserting it.
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import warnings
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from core.config import Settings
from core.models import PRICE_SCHEMA, price_frame
from core.prices import ingest_prices
from core.sources.yahoo import parse_chart_body
from core.store import Store
from core.store.prices import upsert_prices
from tests.fakes.yahoo_session import load_chart_body, recorded_session

CHART = Path(__file__).resolve().parent.parent / "tests/fixtures/yahoo/chart-AAPL-2020-08-31-to-2020-11-07.json"


def bars(symbols: list[str], interval: str, start: datetime, step: timedelta, n: int) -> pl.DataFrame:
    rng = random.Random(7)
    rows = []
    for s in symbols:
        price = 100.0
        for i in range(n):
            price *= 1 + rng.gauss(0, 0.01)
            rows.append((s, interval, start + i * step, price, price * 1.01, price * 0.99, price,
                         price * 0.98, rng.randint(1_000, 1_000_000)))
    return pl.DataFrame(rows, schema=PRICE_SCHEMA, orient="row")


def sqlite_baseline(frame: pl.DataFrame, path: Path) -> float:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE prices (symbol TEXT, interval TEXT, ts TEXT, open REAL, high REAL, "
                "low REAL, close REAL, adj_close REAL, volume INTEGER, PRIMARY KEY (symbol, interval, ts))")
    t = time.perf_counter()
    for row in frame.iter_rows():
        con.execute("INSERT OR REPLACE INTO prices VALUES (?,?,?,?,?,?,?,?,?)",
                    (row[0], row[1], row[2].isoformat(), *row[3:]))
        con.commit()
    elapsed = time.perf_counter() - t
    con.close()
    return frame.height / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--symbols", type=int, default=8)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--sqlite-rows", type=int, default=5_000, help="rows for the SQLite baseline")
    ap.add_argument("--quick", action="store_true", help="2 years, 2,000 SQLite rows")
    args = ap.parse_args()
    if args.quick:
        args.years, args.sqlite_rows = 2, 2_000
    symbols = [f"S{i:03d}" for i in range(args.symbols)]
    days = args.years * 252
    daily = bars(symbols, "1d", datetime(2020, 1, 1), timedelta(days=1), days)
    minute = bars(symbols, "1m", datetime(2026, 1, 5, 14, 30), timedelta(minutes=1), 5 * 390)
    incr = pl.concat([daily.group_by("symbol").tail(3).with_columns(pl.col("close") * 1.001),
                      bars(symbols, "1d", datetime(2020, 1, 1) + timedelta(days=days), timedelta(days=1), 1)])

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        results = {}
        for name, frame in (("daily first load", daily), ("1m first load", minute),
                            ("incremental run", incr)):
            t = time.perf_counter()
            ins, upd = upsert_prices(store, frame)
            el = time.perf_counter() - t
            results[name] = frame.height / el
            print(f"{name:18s} {frame.height:>8,} rows  new {ins:>7,} updated {upd:>5,}  "
                  f"{el * 1000:8.1f} ms  {frame.height / el:>12,.0f} rows/s")
        base = sqlite_baseline(daily.head(args.sqlite_rows), Path(tmp) / "old.sqlite")
        print(f"{'SQLite row by row':18s} {args.sqlite_rows:>8,} rows  {base:>46,.0f} rows/s (baseline)")
        print(f"ratio daily first load / baseline: {results['daily first load'] / base:,.1f}x")

        settings = Settings(_env_file=None, data_dir=Path(tmp) / "var", offline=False,
                            yahoo_history_days=(datetime.now(UTC).date() - date(2020, 1, 1)).days)
        chart = load_chart_body(CHART)
        live_store = Store.from_settings(settings)
        session, _ = recorded_session({s: chart for s in symbols})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = time.perf_counter()
            counts = ingest_prices(live_store, settings, symbols=symbols, session=session)
            live = (time.perf_counter() - t) / len(symbols)
        direct_store = Store(Path(tmp) / "direct.duckdb")
        body = json.loads(json.dumps(chart))
        t = time.perf_counter()
        for s in symbols:
            upsert_prices(direct_store, price_frame(parse_chart_body(body, s).bars))
        direct = (time.perf_counter() - t) / len(symbols)
        print(f"yfinance path (recorded session) {live * 1000:7.1f} ms/symbol "
              f"({counts.new} bars stored)")
        print(f"direct chart parse + upsert      {direct * 1000:7.1f} ms/symbol (baseline)")
        print(f"ratio yfinance path / direct: {live / direct:,.1f}x")


if __name__ == "__main__":
    main()
