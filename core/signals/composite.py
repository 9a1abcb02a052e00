"""Weight the components by what they earned, blend them, and show what that would have made.

Weights for day D come from the track record knowable on D (``performance.track_record``):

* performance weight: ``max(mean_return, 0)`` normalised over the components, so a component
  that lost money over the recent window earns no performance weight;
* shrinkage: with ``n`` bets of evidence, ``w = n/(n+n0) * perf + n0/(n+n0) * 1/C`` (``C``
  components, ``n0`` = ``SHRINK_N0`` pseudo-bets), so thin evidence leans toward equal weights;
  then normalised to sum 1 (components can differ in evidence).

When at least one component earned a positive mean the weights sum to 1. When none did, the
performance part is zero and the weights sum to less than 1: the composite is damped toward 0
rather than trusting components that have all been losing.

``composite = sum_c w_c * value_c`` (a missing value counts as 0), in [-1, 1].
"""
from __future__ import annotations

import polars as pl

from core.signals.components import COMPONENTS
from core.signals.performance import DEFAULT_HORIZON

SHRINK_N0 = 200.0


def weights(record: pl.DataFrame, n0: float = SHRINK_N0) -> pl.DataFrame:
    """Per (component, day): weight plus the record it came from and the shrink share."""
    equal = 1.0 / len(COMPONENTS)
    perf = pl.col("mean_return").fill_null(0.0).clip(lower_bound=0.0)
    total = perf.sum().over("day")
    n = pl.col("evidence").cast(pl.Float64)
    shrink = pl.when(n + n0 > 0).then(n0 / (n + n0)).otherwise(1.0)  # no evidence at all: equal
    return record.with_columns(
        pl.when(total > 0).then(perf / total).otherwise(0.0).alias("perf_weight"),
        shrink.alias("shrink"),
    ).with_columns(
        ((1.0 - pl.col("shrink")) * pl.col("perf_weight") + pl.col("shrink") * equal).alias("weight"),
    ).with_columns(
        # components differ in evidence, so the blend alone need not sum to 1
        pl.when(total > 0).then(pl.col("weight") / pl.col("weight").sum().over("day"))
        .otherwise(pl.col("weight")).alias("weight"),
    )


def reason(row: dict, horizon: int = DEFAULT_HORIZON) -> str:
    """Plain words for one component's weight, e.g. for the dashboard's weight table."""
    n = int(row.get("evidence") or 0)
    shrink = row.get("shrink")
    shrink_pct = round(100 * (1.0 if shrink is None else float(shrink)))
    if n == 0:
        return f"no settled signals yet; equal weight ({shrink_pct}% toward equal)"
    hit = row.get("hit_rate")
    mean = row.get("mean_return") or 0.0
    text = f"hit rate {100 * (hit or 0):.0f}% over {n} signals; mean {horizon}-day return {100 * mean:+.2f}%"
    if mean <= 0:
        text += "; earned no performance weight"
    return text + f"; shrunk {shrink_pct}% toward equal"


def composite(comp: pl.DataFrame, w: pl.DataFrame) -> pl.DataFrame:
    """Add ``composite`` to the component frame using each day's weights."""
    wide = w.pivot(on="component", index="day", values="weight")
    wide = wide.rename({c: f"w_{c}" for c in COMPONENTS if c in wide.columns})
    out = comp.join(wide, on="day", how="left")
    terms = [pl.col(c).fill_null(0.0) * pl.col(f"w_{c}").fill_null(1.0 / len(COMPONENTS))
             for c in COMPONENTS]
    return out.with_columns(pl.sum_horizontal(terms).clip(-1.0, 1.0).alias("composite")).drop(
        [f"w_{c}" for c in COMPONENTS if f"w_{c}" in out.columns]
    )


def equity_curve(signals: pl.DataFrame, bars: pl.DataFrame, symbols: list[str] | None = None,
                 position: str = "clip") -> pl.DataFrame:
    """Equity of trading the composite beside buy-and-hold (1.0 = the start, before the first return).

    ``signals``: (symbol, day, composite); ``bars``: (symbol, ts or day, close). The position
    taken at day t's close is ``composite`` (``position="clip"``) or its sign (``"sign"``) and
    earns the return from t to the next bar. Several symbols form an equal-weight portfolio
    (daily mean of the symbols' returns on days they trade). Returns day, strategy, buy_and_hold.
    """
    if position not in ("clip", "sign"):
        raise ValueError(f"position must be 'clip' or 'sign', not {position!r}")
    px = bars if "day" in bars.columns else bars.with_columns(pl.col("ts").dt.date().alias("day"))
    if symbols is not None:
        px = px.filter(pl.col("symbol").is_in(symbols))
    sig = signals.select("symbol", "day", "composite")
    pos = pl.col("composite").clip(-1.0, 1.0)
    if position == "sign":
        pos = pos.sign()
    df = (
        px.select("symbol", "day", "close").join(sig, on=["symbol", "day"], how="left")
        .sort("symbol", "day")
        .with_columns(
            (pl.col("close") / pl.col("close").shift(1) - 1.0).over("symbol").alias("ret"),
            pos.fill_null(0.0).shift(1).over("symbol").alias("held"),
        )
        .filter(pl.col("ret").is_not_null())
    )
    daily = df.group_by("day").agg(
        (pl.col("held") * pl.col("ret")).mean().alias("r_strategy"),
        pl.col("ret").mean().alias("r_hold"),
    ).sort("day")
    return daily.select(
        "day",
        (1.0 + pl.col("r_strategy").fill_null(0.0)).cum_prod().alias("strategy"),
        (1.0 + pl.col("r_hold")).cum_prod().alias("buy_and_hold"),
    )


def build(comp: pl.DataFrame, record: pl.DataFrame,
          n0: float = SHRINK_N0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(signals with composite, weights per component and day)."""
    w = weights(record, n0)
    return composite(comp, w), w
