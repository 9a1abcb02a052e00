"""The track record of each signal component, as it was knowable on each day (no look-ahead).

A component's value for symbol s on day t is a bet on the forward return
``close[t+k] / close[t] - 1`` (k bars later, default 5). That bet is *settled* on the day of bar
t+k; the record used on day D contains only bets settled on or before D, so nothing a weight is
built from was unknown on D. Within the record, statistics cover the bets settled during the
last ``window`` calendar bars (default 250, about a trading year):

* evidence: number of bets (a value of exactly 0 or null is no bet),
* hit_rate: share of bets whose sign matched the forward return's sign,
* mean_return: mean of ``sign(value) * forward_return``,
* sharpe: ``mean / std * sqrt(252 / k)``, a Sharpe-like ratio of those signed returns.

Bets of one symbol overlap when k > 1 (day t and t+1 share k-1 days), so evidence overstates the
number of independent observations by up to k; the shrinkage in ``composite`` is tuned with
that in mind.
"""
from __future__ import annotations

import math

import polars as pl

from core.signals.components import COMPONENTS

DEFAULT_HORIZON = 5
DEFAULT_WINDOW = 250
RECORD_COLUMNS = ["component", "day", "evidence", "hit_rate", "mean_return", "sharpe"]


STATS = ("n", "hits", "s1", "s2")
STAT_COLUMNS = [f"{c}|{st}" for c in COMPONENTS for st in STATS]


def bets(comp: pl.DataFrame, horizon: int = DEFAULT_HORIZON) -> pl.DataFrame:
    """Every settled bet: ``comp``'s rows with their forward return ``fwd`` and ``settled_on``
    (the day of bar t+horizon of the same symbol); rows without a finite forward return dropped."""
    return comp.sort("symbol", "day").with_columns(
        (pl.col("close").shift(-horizon) / pl.col("close") - 1.0).over("symbol").alias("fwd"),
        pl.col("day").shift(-horizon).over("symbol").alias("settled_on"),
    ).filter(pl.col("fwd").is_not_null() & pl.col("fwd").is_finite())


def settled_stats(bet_rows: pl.DataFrame) -> pl.DataFrame:
    """Per settlement day, per component: bets (n), hits, sum and sum of squares of the signed
    returns, one wide row per day (``STAT_COLUMNS``). Sums over symbols, so they add and subtract."""
    aggs = []
    for c in COMPONENTS:
        bet = pl.col(c).is_not_null() & (pl.col(c) != 0.0)
        signed = pl.when(bet).then(pl.col(c).sign() * pl.col("fwd"))
        aggs += [bet.sum().cast(pl.Float64).alias(f"{c}|n"),
                 (signed > 0).sum().cast(pl.Float64).alias(f"{c}|hits"),
                 signed.sum().alias(f"{c}|s1"), (signed ** 2).sum().alias(f"{c}|s2")]
    if bet_rows.is_empty():
        return pl.DataFrame(schema={"settled_on": pl.Date, **{k: pl.Float64 for k in STAT_COLUMNS}})
    return bet_rows.group_by("settled_on").agg(aggs)


def track_record(comp: pl.DataFrame, horizon: int = DEFAULT_HORIZON,
                 window: int = DEFAULT_WINDOW) -> pl.DataFrame:
    """Per component and calendar day D: the record of bets settled in (D - window bars, D]."""
    calendar = comp.select(pl.col("day").unique().sort())
    return record_from_settled(calendar, settled_stats(bets(comp, horizon)), horizon, window)


def record_from_settled(calendar: pl.DataFrame, wide: pl.DataFrame, horizon: int = DEFAULT_HORIZON,
                        window: int = DEFAULT_WINDOW) -> pl.DataFrame:
    """The record per component and day of ``calendar`` (one ``day`` column: every day any
    symbol has a bar) from the per-settlement-day sums ``wide`` (``settled_stats``)."""
    grid = pl.DataFrame({"component": COMPONENTS}).join(calendar, how="cross")
    daily = wide.unpivot(index="settled_on", variable_name="key").with_columns(
        pl.col("key").str.split_exact("|", 1).struct.rename_fields(["component", "stat"]),
    ).unnest("key").pivot(on="stat", index=["component", "settled_on"], values="value")
    if daily.is_empty():  # no bet has settled yet (short history)
        daily = pl.DataFrame(schema={"component": pl.String, "settled_on": pl.Date, "n": pl.Float64,
                                     "hits": pl.Float64, "s1": pl.Float64, "s2": pl.Float64})
    rec = (
        grid.join(daily, left_on=["component", "day"], right_on=["component", "settled_on"], how="left")
        .with_columns(pl.col("n", "hits", "s1", "s2").fill_null(0.0))
        .sort("component", "day")
        .with_columns(
            pl.col(c).rolling_sum(window, min_samples=1).over("component").alias(c)
            for c in ("n", "hits", "s1", "s2")
        )
    )
    n = pl.col("n")
    mean = pl.col("s1") / n
    var = (pl.col("s2") / n - mean ** 2).clip(lower_bound=0.0) * n / (n - 1)
    return rec.select(
        "component", "day",
        n.round(0).cast(pl.Int64).alias("evidence"),
        pl.when(n > 0).then(pl.col("hits") / n).alias("hit_rate"),
        pl.when(n > 0).then(mean).alias("mean_return"),
        pl.when((n > 1) & (var > 0)).then(mean / var.sqrt() * math.sqrt(252.0 / horizon)).alias("sharpe"),
    )
