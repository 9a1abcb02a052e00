"""Trading signals that learn from their results.

indicators (TA-Lib-exact, polars) -> components in [-1, 1] -> each component's track record as
knowable on each day -> weights by recent realized performance, shrunk toward equal -> composite.
``refresh`` is the hourly job's entry point; ``compute`` is the same thing without a store.
"""
from __future__ import annotations

import logging

import polars as pl

from core import tracing
from core.models import utcnow
from core.signals.components import COMPONENTS, components
from core.signals.composite import SHRINK_N0, build, equity_curve, reason
from core.signals.indicators import indicators
from core.signals.performance import DEFAULT_HORIZON, DEFAULT_WINDOW, track_record

__all__ = ["indicators", "refresh", "equity_curve", "compute", "latest_weights", "COMPONENTS"]

log = logging.getLogger(__name__)


def compute(bars: pl.DataFrame, sentiment: pl.DataFrame | None = None,
            horizon: int = DEFAULT_HORIZON, window: int = DEFAULT_WINDOW,
            n0: float = SHRINK_N0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(signals per symbol/day with components and composite, weights per component/day)."""
    comp = components(indicators(bars), sentiment)
    record = track_record(comp, horizon, window)
    return build(comp, record, n0)


def latest_weights(w: pl.DataFrame, horizon: int = DEFAULT_HORIZON) -> pl.DataFrame:
    """The last day's weight per component with its record and a plain-words reason."""
    if w.is_empty():
        return w.with_columns(pl.lit(None, pl.String).alias("reason"))
    last = w.filter(pl.col("day") == pl.col("day").max())
    reasons = [reason(r, horizon) for r in last.iter_rows(named=True)]
    return last.with_columns(pl.Series("reason", reasons, dtype=pl.String)).sort("component")


def refresh(store, settings=None) -> dict:
    """Recompute the daily signals of the symbols whose bars or news changed (``incremental``;
    every symbol on the first run or with other settings) and the weights (one ``signal
    refresh`` span with the counts)."""
    with tracing.span("signal refresh") as sp:
        counts = _refresh(store, settings)
        tracing.set_attributes(sp, {f"signaldesk.{k}": v for k, v in counts.items()})
    return counts


def _refresh(store, settings=None) -> dict:
    """``settings`` (optional) supplies signal_horizon_days, signal_window_days, signal_shrink_n0.

    Returns counts for the job record: symbols, bars, news_days, signals, weights.
    """
    from core.signals import incremental

    horizon = getattr(settings, "signal_horizon_days", DEFAULT_HORIZON)
    window = getattr(settings, "signal_window_days", DEFAULT_WINDOW)
    n0 = getattr(settings, "signal_shrink_n0", SHRINK_N0)
    counts = incremental.refresh(store, horizon, window, n0, utcnow())
    if "skipped" in counts:
        return counts
    if not counts["bars"] and not counts.get("removed"):
        log.info("no daily bars changed; signals not computed", extra=counts)
        return counts
    log.info("signals refreshed", extra=counts)
    return counts
