"""Benchmark: indicators and composite signals for 500 symbols x 10 years of daily bars.

Baselines, in the same run on the same synthetic bars:
* a per-symbol pandas loop computing the same eleven indicators (same seeding conventions),
* a per-symbol loop calling TA-Lib (C code) on numpy slices, assembled into one frame.

    .venv/bin/python -m bench.signals            # 500 symbols x 2520 bars
    .venv/bin/python -m bench.signals --quick    # 50 symbols
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import talib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `make bench` runs bench/x.py as a script

from core.signals import compute, indicators
from core.signals.indicators import INDICATOR_COLUMNS


def synthetic_bars(n_symbols: int, n_days: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    n = n_symbols * n_days
    close = 100 * np.exp(np.cumsum(rng.normal(0.0002, 0.015, (n_symbols, n_days)), axis=1)).ravel()
    days = [datetime(2015, 1, 1) + timedelta(days=d) for d in range(n_days)]
    return pl.DataFrame({
        "symbol": np.repeat([f"S{i:03d}" for i in range(n_symbols)], n_days),
        "ts": days * n_symbols,
        "open": close * (1 + rng.normal(0, 0.004, n)),
        "high": close * (1 + rng.uniform(0, 0.02, n)),
        "low": close * (1 - rng.uniform(0, 0.02, n)),
        "close": close,
        "volume": rng.integers(100_000, 10_000_000, n),
    })


def _seeded(x: pd.Series, seed: pd.Series, start: int, alpha: float) -> pd.Series:
    s = x.copy()
    s.iloc[:start] = np.nan
    if len(s) > start:
        s.iloc[start] = seed.iloc[start]
    return s.ewm(alpha=alpha, adjust=False).mean()


def pandas_one(df: pd.DataFrame) -> pd.DataFrame:
    """The same indicators for one symbol with pandas (the per-symbol baseline)."""
    df = df.sort_values("ts").reset_index(drop=True)
    c, h, low, v = df["close"], df["high"], df["low"], df["volume"].astype(float)
    out = pd.DataFrame({"symbol": df["symbol"], "ts": df["ts"]})
    out["sma_20"] = c.rolling(20).mean()
    out["ema_20"] = _seeded(c, c.rolling(20).mean(), 19, 2 / 21)
    d = c.diff()
    gain = _seeded(d.clip(lower=0), d.clip(lower=0).rolling(14).mean(), 14, 1 / 14)
    loss = _seeded((-d).clip(lower=0), (-d).clip(lower=0).rolling(14).mean(), 14, 1 / 14)
    out["rsi_14"] = 100 * gain / (gain + loss)
    pc = c.shift(1)
    tr = pd.concat([h, pc], axis=1).max(axis=1) - pd.concat([low, pc], axis=1).min(axis=1)
    tr.iloc[0] = np.nan
    out["atr_14"] = _seeded(tr, tr.rolling(14).mean(), 14, 1 / 14)
    macd = _seeded(c, c.rolling(12).mean(), 25, 2 / 13) - _seeded(c, c.rolling(26).mean(), 25, 2 / 27)
    sig = _seeded(macd, macd.rolling(9).mean(), 33, 0.2)
    out["macd"] = macd.where(out.index >= 33)
    out["macd_signal"] = sig
    out["macd_hist"] = out["macd"] - sig
    std = c.rolling(20).std(ddof=0)
    out["bb_mid"] = out["sma_20"]
    out["bb_upper"] = out["sma_20"] + 2 * std
    out["bb_lower"] = out["sma_20"] - 2 * std
    vstd = v.rolling(20).std(ddof=0)
    out["volume_z_20"] = ((v - v.rolling(20).mean()) / vstd).where(vstd > 0, 0.0).where(vstd.notna())
    return out


def talib_all(bars: pl.DataFrame) -> pl.DataFrame:
    """TA-Lib per symbol on numpy slices of the sorted frame, assembled back into one frame."""
    df = bars.sort("symbol", "ts")
    c, h, low = (df[k].to_numpy().astype(float) for k in ("close", "high", "low"))
    v = df["volume"].to_numpy().astype(float)
    out = {k: np.full(df.height, np.nan) for k in INDICATOR_COLUMNS}
    bounds = df.group_by("symbol", maintain_order=True).len()["len"].cum_sum().to_list()
    start = 0
    for end in bounds:
        sl = slice(start, end)
        cs = c[sl]
        out["sma_20"][sl] = talib.SMA(cs, 20)
        out["ema_20"][sl] = talib.EMA(cs, 20)
        out["rsi_14"][sl] = talib.RSI(cs, 14)
        out["atr_14"][sl] = talib.ATR(h[sl], low[sl], cs, 14)
        out["macd"][sl], out["macd_signal"][sl], out["macd_hist"][sl] = talib.MACD(cs, 12, 26, 9)
        out["bb_upper"][sl], out["bb_mid"][sl], out["bb_lower"][sl] = talib.BBANDS(cs, 20, 2, 2, 0)
        mean, std = talib.SMA(v[sl], 20), talib.STDDEV(v[sl], 20, 1)
        z = np.where(std > 0, (v[sl] - mean) / np.where(std > 0, std, 1), 0.0)
        out["volume_z_20"][sl] = np.where(np.isnan(std), np.nan, z)
        start = end
    return df.with_columns(pl.Series(k, a).fill_nan(None) for k, a in out.items())


CPU: dict[str, float] = {}


def timed(fn, *args, label: str = ""):
    """Wall seconds (and CPU seconds in ``CPU[label]``: steadier on a shared machine)."""
    t, c = time.perf_counter(), time.process_time()
    result = fn(*args)
    CPU[label] = time.process_time() - c
    return time.perf_counter() - t, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="50 symbols instead of 500")
    ap.add_argument("--years", type=int, default=10)
    args = ap.parse_args()
    n_symbols = 50 if args.quick else 500
    bars = synthetic_bars(n_symbols, 252 * args.years)
    print(f"bars: {n_symbols} symbols x {252 * args.years} days = {bars.height:,} rows")

    indicators(bars.head(5000))  # warm-up (first-call overheads)
    t_ind, ind = timed(indicators, bars, label="polars")
    t_all, (sig, w) = timed(compute, bars, label="compute")
    print(f"polars indicators, all symbols at once : {t_ind:7.2f} s")
    print(f"polars indicators + components + track record + composite: {t_all:7.2f} s "
          f"({sig.height:,} signal rows)")

    pdf = bars.to_pandas()
    groups = [g for _, g in pdf.groupby("symbol", sort=True)]
    t_pd, frames = timed(lambda: [pandas_one(g) for g in groups], label="pandas")
    t_ta, ta = timed(talib_all, bars, label="talib")
    print(f"pandas per-symbol loop, same indicators: {t_pd:7.2f} s")
    print(f"TA-Lib per-symbol loop into one frame  : {t_ta:7.2f} s")
    print(f"ratio pandas loop / polars indicators  : {t_pd / t_ind:7.1f}x")
    print(f"ratio TA-Lib loop / polars indicators  : {t_ta / t_ind:7.2f}x")

    print("CPU seconds (all threads): " + ", ".join(f"{k} {v:.2f}" for k, v in CPU.items()))
    print(f"CPU ratio pandas loop / polars indicators: {CPU['pandas'] / CPU['polars']:.1f}x, "
          f"TA-Lib loop / polars: {CPU['talib'] / CPU['polars']:.2f}x")

    # the baseline did the same work: compare one symbol
    mine = ind.filter(pl.col("symbol") == "S000").to_pandas()
    theirs = frames[0]
    worst = max(np.nanmax(np.abs(mine[c].to_numpy(float) - theirs[c].to_numpy(float)))
                for c in INDICATOR_COLUMNS)
    print(f"max |polars - pandas| on S000          : {worst:.2e}")
    worst_ta = max(np.nanmax(np.abs(ind[c].to_numpy().astype(float) - ta[c].to_numpy().astype(float)))
                   for c in INDICATOR_COLUMNS)
    print(f"max |polars - TA-Lib| on all symbols   : {worst_ta:.2e}")


if __name__ == "__main__":
    main()
