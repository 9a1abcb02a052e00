"""The learn job's tail recompute is exact: components from WARMUP_BARS bars before a day on
equal the full-history ones there (core/signals/incremental.py's docstring gives the bound)."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from core.signals.components import COMPONENTS, components
from core.signals.incremental import _REL_TOL, WARMUP_BARS
from core.signals.indicators import INDICATOR_COLUMNS, indicators

pytestmark = pytest.mark.timeout(60)


def walk_with_flat_stretches(n: int, seed: int) -> pl.DataFrame:
    """A long random walk with TA-Lib-style flat stretches: 40 bars of one price and volume
    (std below 1e-8: zero bands, zero true range) every 500 bars."""
    rng = np.random.default_rng(seed)
    close = 50 * np.exp(np.cumsum(rng.normal(0.0003, 0.02, n)))
    high, low = close * (1 + rng.uniform(0, 0.01, n)), close * (1 - rng.uniform(0, 0.01, n))
    volume = rng.integers(1_000, 100_000, n).astype(float)
    for start in range(300, n, 500):
        flat = slice(start, start + 40)
        close[flat] = high[flat] = low[flat] = close[start]
        volume[flat] = volume[start]
    return pl.DataFrame({"symbol": "AAA", "ts": [datetime(2000, 1, 3) + timedelta(days=d) for d in range(n)],
                         "open": close, "high": high, "low": low, "close": close, "volume": volume})


def close_enough(tail: pl.DataFrame, full: pl.DataFrame, columns: list[str]) -> None:
    both = tail.join(full, on=["symbol", "day"], suffix="_full")
    assert both.height == tail.height
    for c in columns:
        a, b = both[c].to_numpy(), both[f"{c}_full"].to_numpy()
        assert np.array_equal(np.isnan(a.astype(float)), np.isnan(b.astype(float))), c
        ok = ~np.isnan(b.astype(float))
        err = np.abs(a[ok] - b[ok]) / (1.0 + np.abs(b[ok]))
        assert err.max(initial=0.0) <= _REL_TOL, (c, err.max())


@pytest.mark.parametrize("seed", [0, 1])
def test_components_from_a_warm_up_margin_equal_the_full_history(seed):
    bars = walk_with_flat_stretches(4000, seed)
    full_ind = indicators(bars).with_columns(pl.col("ts").dt.date().alias("day"))
    full = components(full_ind)
    for cut in (WARMUP_BARS, 1500, 2310, 3333, 3999):  # 2310: inside a flat stretch
        tail_bars = bars.slice(cut - WARMUP_BARS)
        tail_ind = indicators(tail_bars).with_columns(pl.col("ts").dt.date().alias("day"))
        from_cut = pl.col("day") >= bars["ts"][cut].date()
        close_enough(components(tail_ind).filter(from_cut), full, COMPONENTS)
        close_enough(tail_ind.filter(from_cut), full_ind, INDICATOR_COLUMNS)


def test_a_short_margin_is_not_exact():
    """The margin matters: 40 bars leave the seeds' weight far above the tolerance."""
    bars = walk_with_flat_stretches(1500, 3)
    full = components(indicators(bars))
    tail = components(indicators(bars.slice(1000 - 40))).filter(pl.col("day") >= bars["ts"][1000].date())
    with pytest.raises(AssertionError):
        close_enough(tail, full, ["trend"])
