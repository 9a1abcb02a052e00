"""Indicators equal TA-Lib within 1e-8 after warm-up, with nulls during warm-up."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
import pytest
import talib

from core.signals import indicators
from tests.conftest import FIXTURES

pytestmark = pytest.mark.timeout(60)

AAPL = FIXTURES / "yahoo" / "chart-AAPL-2020-08-31-to-2020-11-07.json"
TOL = 1e-8


def aapl_bars() -> pl.DataFrame:
    body = json.loads(AAPL.read_text())["response"]["bodyJson"]["chart"]["result"][0]
    q = body["indicators"]["quote"][0]
    prices = {k: pl.Series(k, q[k], dtype=pl.Float64) for k in ("open", "high", "low", "close")}
    return pl.DataFrame({
        "symbol": "AAPL",
        "ts": [datetime.fromtimestamp(t, UTC).replace(tzinfo=None) for t in body["timestamp"]],
        **prices,
        "volume": pl.Series("volume", q["volume"], dtype=pl.Int64),
    })


def random_walk(symbols: list[str], n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for i, sym in enumerate(symbols):
        m = n - 7 * i  # symbols of different lengths
        close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, m)))
        frames.append(pl.DataFrame({
            "symbol": sym,
            "ts": [datetime(2001, 1, 1) + timedelta(days=d) for d in range(m)],
            "open": close * (1 + rng.normal(0, 0.005, m)),
            "high": close * (1 + rng.uniform(0, 0.02, m)),
            "low": close * (1 - rng.uniform(0, 0.02, m)),
            "close": close,
            "volume": rng.integers(100_000, 10_000_000, m),
        }))
    return pl.concat(frames)


def talib_reference(one: pl.DataFrame) -> dict[str, np.ndarray]:
    c, h, low = (one[k].to_numpy().astype(float) for k in ("close", "high", "low"))
    macd, sig, hist = talib.MACD(c, 12, 26, 9)
    up, mid, lo = talib.BBANDS(c, 20, 2, 2, 0)
    return {
        "sma_20": talib.SMA(c, 20), "ema_20": talib.EMA(c, 20), "rsi_14": talib.RSI(c, 14),
        "atr_14": talib.ATR(h, low, c, 14), "macd": macd, "macd_signal": sig, "macd_hist": hist,
        "bb_upper": up, "bb_mid": mid, "bb_lower": lo,
    }


def assert_matches_talib(out: pl.DataFrame) -> int:
    compared = 0
    for (sym,), one in out.group_by("symbol"):
        one = one.sort("ts")
        for name, ref in talib_reference(one).items():
            mine = one[name].to_numpy().astype(float)  # nulls become NaN
            assert np.array_equal(np.isnan(mine), np.isnan(ref)), f"{sym} {name}: warm-up differs"
            ok = ~np.isnan(ref)
            assert ok.any()
            np.testing.assert_allclose(mine[ok], ref[ok], rtol=0, atol=TOL, err_msg=f"{sym} {name}")
            compared += int(ok.sum())
    return compared


def test_aapl_recording_matches_talib():
    out = indicators(aapl_bars())
    assert out.height == 49
    assert assert_matches_talib(out) > 0
    # TA-Lib's warm-ups: MACD and its signal start at row 33, RSI/ATR at 14, SMA/BB at 19
    assert out["macd"].null_count() == 33 and out["macd_signal"].null_count() == 33
    assert out["rsi_14"].null_count() == 14 and out["atr_14"].null_count() == 14
    assert out["sma_20"].null_count() == 19 and out["volume_z_20"].null_count() == 19


def test_many_symbols_unsorted_interleaved_match_talib():
    bars = random_walk(["AAA", "BBB", "CCC", "DDD"], 1500, seed=7)
    shuffled = bars.sample(fraction=1.0, shuffle=True, seed=11)
    out = indicators(shuffled)
    assert out.height == bars.height
    assert assert_matches_talib(out) > 4 * 1400 * 10


def test_volume_z_is_population_zscore():
    bars = random_walk(["X"], 60, seed=1)
    out = indicators(bars)
    v = out["volume"].to_numpy().astype(float)
    i = 40
    window = v[i - 19:i + 1]
    assert out["volume_z_20"][i] == pytest.approx((v[i] - window.mean()) / window.std(ddof=0), abs=1e-9)


def test_flat_volume_gives_zero_z_and_short_symbol_all_null():
    flat = random_walk(["F"], 30, seed=2).with_columns(pl.lit(1000, dtype=pl.Int64).alias("volume"))
    short = random_walk(["S"], 10, seed=3)
    out = indicators(pl.concat([flat, short]))
    f = out.filter(pl.col("symbol") == "F")
    assert f["volume_z_20"].drop_nulls().to_list() == [0.0] * 11
    s = out.filter(pl.col("symbol") == "S")
    assert s["sma_20"].null_count() == 10 and s["macd"].null_count() == 10


def test_missing_column_is_a_clear_error():
    with pytest.raises(ValueError, match="missing \\['volume'\\]"):
        indicators(random_walk(["X"], 30, seed=1).drop("volume"))
