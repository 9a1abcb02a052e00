"""Technical indicators for many symbols at once, equal to TA-Lib's numbers.

Why polars expressions and not TA-Lib called per symbol: one vectorised pass over all symbols
(``.over("symbol")``) needs no Python loop and no split/reassemble step, keeps every formula
visible (volume_z_20 has no TA-Lib counterpart anyway), and is many times faster than a
per-symbol pandas loop; a TA-Lib loop over numpy slices is about as fast (see docs/signals.md).
TA-Lib stays the test oracle: tests hold the two equal within 1e-8.

TA-Lib's seeding conventions are reproduced exactly:

* EMA(n): the first value (row n-1) is the simple mean of the first n closes, then
  ``ema = ema_prev + 2/(n+1) * (x - ema_prev)``. In polars: replace row n-1 of the input by the
  seed, null the rows before, and run ``ewm_mean(adjust=False)``, which starts at the first
  non-null value.
* RSI(14) and ATR(14): Wilder smoothing (alpha = 1/14) seeded by the simple mean of the first 14
  gains/losses (true ranges), which start at row 1, so the first value is at row 14.
* MACD(12, 26, 9): TA-Lib seeds the fast EMA at the slow EMA's start (row 25, with the mean of
  rows 14..25), the signal EMA(9) with the mean of the first 9 MACD values (rows 25..33), and
  reports all three only from row 33.
* BBANDS(20, 2, 2): SMA(20) middle, population standard deviation.
* volume_z_20 (no TA-Lib counterpart): ``(volume - mean20) / std20`` with population std; 0 when
  the 20 volumes are all equal.

Rows are returned sorted by (symbol, ts); warm-up rows hold nulls.
"""
from __future__ import annotations

import polars as pl

INDICATOR_COLUMNS = [
    "sma_20", "ema_20", "rsi_14", "macd", "macd_signal", "macd_hist",
    "bb_upper", "bb_mid", "bb_lower", "atr_14", "volume_z_20",
]
REQUIRED = ["symbol", "ts", "open", "high", "low", "close", "volume"]

_IDX = "__idx"


def _after(expr: pl.Expr, first: int) -> pl.Expr:
    """``expr`` from each symbol's row ``first`` on, null before.

    Rolling windows and diffs run over the whole (symbol, ts)-sorted column without ``.over``:
    only a symbol's first rows can reach into the previous symbol, and exactly those rows are
    warm-up rows, nulled here. Only the recursive smoothers need ``.over("symbol")``.
    """
    return pl.when(pl.col(_IDX) >= first).then(expr)


def _seed_input(x: pl.Expr, seed: pl.Expr, start: int) -> pl.Expr:
    """The series a recursive smoother runs over: null before ``start``, ``seed`` at ``start``."""
    idx = pl.col(_IDX)
    return pl.when(idx < start).then(None).when(idx == start).then(seed).otherwise(x)


def _smooth(name: str, alpha: float) -> pl.Expr:
    """Recursive smoothing per symbol, starting at the first non-null (the seed) of ``name``."""
    return pl.col(name).ewm_mean(alpha=alpha, adjust=False).over("symbol")


def indicators(bars: pl.DataFrame) -> pl.DataFrame:
    """Add the indicator columns to daily (or any) bars of many symbols.

    ``bars`` needs symbol, ts, open, high, low, close, volume; any row order. Each symbol's rows
    are taken in ts order; a symbol with fewer rows than an indicator's warm-up gets nulls.
    """
    missing = [c for c in REQUIRED if c not in bars.columns]
    if missing:
        raise ValueError(f"indicators() needs columns {REQUIRED}; missing {missing}")
    df = bars.sort("symbol", "ts").with_columns(
        pl.col("open", "high", "low", "close").cast(pl.Float64),
        pl.col("volume").cast(pl.Float64).alias("__vol"),
        pl.int_range(pl.len()).over("symbol").alias(_IDX),
    )
    close, vol = pl.col("close"), pl.col("__vol")
    prev_close = close.shift(1)
    # stage 1: one-step pieces and windows (TA-Lib's TRANGE starts at row 1: it needs a prior close)
    df = df.with_columns(
        _after(close.diff(), 1).alias("__diff"),
        _after(pl.max_horizontal(pl.col("high"), prev_close)
               - pl.min_horizontal(pl.col("low"), prev_close), 1).alias("__tr"),
        _after(close.rolling_mean(20), 19).alias("sma_20"),
        _after(close.rolling_std(20, ddof=0), 19).alias("__std20"),
        _after(vol.rolling_mean(20), 19).alias("__vmean"),
        _after(vol.rolling_std(20, ddof=0), 19).alias("__vstd"),
    )
    gain = pl.col("__diff").clip(lower_bound=0.0)
    loss = (-pl.col("__diff")).clip(lower_bound=0.0)
    tr = pl.col("__tr")
    # stage 2: inputs of the recursive smoothers, each seeded by a simple mean (rows are inside
    # one symbol because the seed row is at or past the window length)
    df = df.with_columns(
        _seed_input(close, close.rolling_mean(20), 19).alias("__ema20_in"),
        _seed_input(close, close.rolling_mean(12), 25).alias("__fast_in"),
        _seed_input(close, close.rolling_mean(26), 25).alias("__slow_in"),
        _seed_input(gain, gain.rolling_mean(14), 14).alias("__gain_in"),
        _seed_input(loss, loss.rolling_mean(14), 14).alias("__loss_in"),
        _seed_input(tr, tr.rolling_mean(14), 14).alias("__tr_in"),
    )
    df = df.with_columns(
        _smooth("__ema20_in", 2.0 / 21).alias("ema_20"),
        (_smooth("__fast_in", 2.0 / 13) - _smooth("__slow_in", 2.0 / 27)).alias("__macd"),
        _smooth("__gain_in", 1.0 / 14).alias("__gain"),
        _smooth("__loss_in", 1.0 / 14).alias("__loss"),
        _smooth("__tr_in", 1.0 / 14).alias("atr_14"),
    )
    macd = pl.col("__macd")
    df = df.with_columns(_seed_input(macd, macd.rolling_mean(9), 33).alias("__signal_in"))
    idx = pl.col(_IDX)
    gain, loss = pl.col("__gain"), pl.col("__loss")
    up_down = gain + loss
    df = df.with_columns(
        pl.when(up_down.abs() < 1e-8).then(0.0).otherwise(100.0 * gain / up_down).alias("rsi_14"),
        pl.when(idx >= 33).then(macd).alias("macd"),
        _smooth("__signal_in", 2.0 / 10).alias("macd_signal"),
        pl.col("sma_20").alias("bb_mid"),
        (pl.col("sma_20") + 2.0 * pl.col("__std20")).alias("bb_upper"),
        (pl.col("sma_20") - 2.0 * pl.col("__std20")).alias("bb_lower"),
        pl.when(pl.col("__vstd") > 0)
        .then((vol - pl.col("__vmean")) / pl.col("__vstd"))
        .otherwise(pl.when(pl.col("__vstd").is_not_null()).then(0.0))
        .alias("volume_z_20"),
    ).with_columns(
        (pl.col("macd") - pl.col("macd_signal")).alias("macd_hist"),
    )
    # TA-Lib treats a std below 1e-8 as zero; so do we, so that flat stretches agree
    flat = pl.col("__std20") < 1e-8
    df = df.with_columns(
        pl.when(flat).then(pl.col("sma_20")).otherwise(pl.col("bb_upper")).alias("bb_upper"),
        pl.when(flat).then(pl.col("sma_20")).otherwise(pl.col("bb_lower")).alias("bb_lower"),
    )
    return df.drop([c for c in df.columns if c.startswith("__")])
