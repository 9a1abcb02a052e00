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
    """Recompute all daily signals from the store's bars and news; replace signals and weights
    (one ``signal refresh`` span with the counts)."""
    with tracing.span("signal refresh") as sp:
        counts = _refresh(store, settings)
        tracing.set_attributes(sp, {f"signaldesk.{k}": v for k, v in counts.items()})
    return counts


def _refresh(store, settings=None) -> dict:
    """``settings`` (optional) supplies signal_horizon_days, signal_window_days, signal_shrink_n0.

    Returns counts for the job record: symbols, bars, news_days, signals, weights.
    """
    from core.store import learn_state
    from core.store import signals as sstore

    horizon = getattr(settings, "signal_horizon_days", DEFAULT_HORIZON)
    window = getattr(settings, "signal_window_days", DEFAULT_WINDOW)
    n0 = getattr(settings, "signal_shrink_n0", SHRINK_N0)
    fp = learn_state.fingerprint(store, "signals", f"{horizon}/{window}/{n0}")
    if learn_state.unchanged(store, "signals", fp):  # no new or changed bar or scored story
        return {"skipped": "no daily bar or scored story changed since the last run"}
    bars = sstore.price_bars(store, interval="1d")
    sentiment = sstore.daily_sentiment(store)
    counts = {"symbols": bars["symbol"].n_unique() if bars.height else 0, "bars": bars.height,
              "news_days": sentiment.height, "signals": 0, "weights": 0}
    if bars.is_empty():
        log.info("no daily bars; signals not computed", extra=counts)
        return counts
    signals, w = compute(bars, sentiment.select("symbol", "day", "sentiment"), horizon, window, n0)
    now = utcnow()
    latest = latest_weights(w, horizon).with_columns(pl.lit(now).alias("computed_at"))
    rows = signals.with_columns(pl.lit(now).alias("computed_at"))
    counts["signals"], counts["weights"] = sstore.replace_signals(store, rows, latest)
    learn_state.remember(store, "signals", fp, now)
    log.info("signals refreshed", extra=counts)
    return counts
