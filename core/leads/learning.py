"""Keyword weights learned from which leads converted (Beta-Bernoulli, per keyword).

Each keyword's conversion rate gets a Beta posterior from its decided leads: won = success,
lost/ignored = failure, open leads (new/reviewed/contacted/replied) do not count yet. A lead
matching two keywords is a trial for both.

Prior (empirical Bayes): ``Beta(m * p, m * (1 - p))`` with ``m = PRIOR_STRENGTH`` (10
pseudo-leads) centred on the pooled rate ``p = (won + 1) / (decided + 10)`` of all decided leads
(itself the pooled data under a Beta(1, 9) prior, so with no data at all the prior is
Beta(1, 9), a 10% rate). A keyword with little evidence therefore sits near the overall rate
instead of at 0% or 100% after one lead.

The 90% credible interval uses the exact Beta quantile: bisection on the regularized
incomplete beta function evaluated with its continued fraction (modified Lentz; Numerical
Recipes' ``betai``). scipy is not installed, and a seeded Monte-Carlo quantile would wobble by
about 0.01 between sample sizes; bisection is deterministic and accurate to 1e-12.

Suggested weight on the operator's 0-5 scale: ``clip(2.5 * rate_mean / p, 0, 5)``, rounded to
0.1: a keyword converting at the overall rate gets 2.5, twice the rate or more gets 5. The
suggestion is only written to ``learned_weights``; the operator's own weights rule until they
accept it (``accept_suggestions``).
"""
from __future__ import annotations

import logging
import math

import numpy as np
import polars as pl

from core.leads.funnel import DECIDED
from core.models import LeadStatus, utcnow

log = logging.getLogger(__name__)

PRIOR_STRENGTH = 10.0
FALLBACK_PRIOR = (1.0, 9.0)
CREDIBLE = 0.90
WEIGHT_AT_MEAN = 2.5
WEIGHT_MAX = 5.0


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 1e-15
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 20_000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < eps:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """Regularized incomplete beta I_x(a, b): P(X <= x) for X ~ Beta(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def beta_ppf(q: float, a: float, b: float, tol: float = 1e-12) -> float:
    """The q-quantile of Beta(a, b) by bisection on ``beta_cdf`` (monotone, so always converges)."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile must be in [0, 1], not {q}")
    lo, hi = 0.0, 1.0
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if beta_cdf(mid, a, b) < q:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _prior(decided: int, won: int) -> tuple[float, float]:
    a0, b0 = FALLBACK_PRIOR
    pooled = (won + a0) / (decided + a0 + b0)
    return PRIOR_STRENGTH * pooled, PRIOR_STRENGTH * (1.0 - pooled)


def prior(outcomes: pl.DataFrame) -> tuple[float, float]:
    """Empirical-Bayes prior (alpha, beta) from the pooled rate of all decided leads."""
    decided = outcomes.filter(pl.col("status").is_in(DECIDED))
    return _prior(decided.height, int((decided["status"] == LeadStatus.WON.value).sum()))


def _from_counts(decided: int, won: int, per_term: pl.DataFrame, credible: float) -> pl.DataFrame:
    """The posteriors from the pooled counts and per term (term, trials, conversions): the math
    both inputs share."""
    a0, b0 = _prior(decided, won)
    base_rate = a0 / (a0 + b0)
    per_term = per_term.select(
        "term", pl.col("trials").cast(pl.Int64), pl.col("conversions").cast(pl.Int64),
    ).with_columns(
        (a0 + pl.col("conversions")).cast(pl.Float64).alias("alpha"),
        (b0 + pl.col("trials") - pl.col("conversions")).cast(pl.Float64).alias("beta"),
    ).sort("term")
    tail = (1.0 - credible) / 2.0
    lows = [beta_ppf(tail, a, b) for a, b in per_term.select("alpha", "beta").iter_rows()]
    highs = [beta_ppf(1.0 - tail, a, b) for a, b in per_term.select("alpha", "beta").iter_rows()]
    mean = pl.col("alpha") / (pl.col("alpha") + pl.col("beta"))
    return per_term.with_columns(
        mean.alias("rate_mean"),
        pl.Series("rate_low", lows, dtype=pl.Float64),
        pl.Series("rate_high", highs, dtype=pl.Float64),
        (WEIGHT_AT_MEAN * mean / base_rate).clip(0.0, WEIGHT_MAX).round(1).alias("suggested_weight"),
    ).sort(["rate_mean", "term"], descending=[True, False])


def posteriors(outcomes: pl.DataFrame, credible: float = CREDIBLE) -> pl.DataFrame:
    """Per keyword: trials, conversions, alpha, beta, rate_mean, rate_low, rate_high, suggested_weight.

    ``outcomes`` has id, matched_keywords, status (``core.store.funnel.lead_outcomes``).
    """
    decided = outcomes.filter(pl.col("status").is_in(DECIDED))
    won = pl.col("status") == LeadStatus.WON.value
    per_term = (
        decided.select(pl.col("matched_keywords").list.unique().alias("term"), "status")
        .explode("term").filter(pl.col("term").is_not_null())
        .group_by("term").agg(pl.len().alias("trials"), won.sum().alias("conversions"))
    )
    return _from_counts(decided.height, int(decided.select(won.sum()).item()), per_term, credible)


def _decided_won(by_status: pl.DataFrame) -> tuple[int, int]:
    decided = by_status.filter(pl.col("status").is_in(DECIDED))
    return int(decided["leads"].sum()), int(decided.filter(pl.col("status") == LeadStatus.WON.value)["leads"].sum())


def posteriors_from_totals(by_status: pl.DataFrame, by_keyword: pl.DataFrame,
                           credible: float = CREDIBLE) -> pl.DataFrame:
    """``posteriors`` from lead counts per status and per (keyword, status), each lead once per
    keyword (``core.store.lead_totals.totals``): a few hundred rows instead of every lead."""
    decided, won = _decided_won(by_status)
    status = pl.col("status")
    per_term = by_keyword.filter(status.is_in(DECIDED)).group_by(pl.col("keyword").alias("term")).agg(
        pl.col("leads").sum().alias("trials"),
        pl.col("leads").filter(status == LeadStatus.WON.value).sum().alias("conversions"),
    )
    return _from_counts(decided, won, per_term, credible)


def thompson_rank(post: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Order keywords by one draw from each posterior: explores uncertain keywords now and then.

    Useful for deciding which leads to review first when the operator cannot review them all.
    """
    draws = rng.beta(post["alpha"].to_numpy(), post["beta"].to_numpy()) if post.height else np.array([])
    return post.with_columns(pl.Series("draw", draws, dtype=pl.Float64)).sort("draw", descending=True)


def refresh(store) -> dict:
    """Recompute learned_weights from the lead totals. Returns counts for the job record."""
    from core.store import funnel as fstore
    from core.store import lead_totals, learn_state

    fp = learn_state.fingerprint(store, "keywords")  # only decided leads move the posteriors
    if learn_state.unchanged(store, "keywords", fp):
        return {"skipped": "no decided lead changed since the last run"}
    by_status, by_keyword = lead_totals.totals(store)
    post = posteriors_from_totals(by_status, by_keyword)
    rows = post.with_columns(pl.lit(utcnow()).alias("computed_at"))
    written = fstore.replace_learned_weights(store, rows)
    learn_state.remember(store, "keywords", fp, utcnow())
    counts = {"leads": int(by_status["leads"].sum()), "decided": _decided_won(by_status)[0], "terms": written}
    log.info("learned weights refreshed", extra=counts)
    return counts


def accept_suggestions(store, terms: list[str] | None = None) -> dict[str, float]:
    """Copy suggested weights into the operator's keyword table (None = every learned term).

    Only terms that are keywords get a weight; returns the weights that were applied.
    """
    from core.store import funnel as fstore
    from core.store.keywords import set_weights

    learned = fstore.learned_weights(store).filter(pl.col("current_weight").is_not_null())
    if terms is not None:
        wanted = [t.strip().lower() for t in terms]
        learned = learned.filter(pl.col("term").is_in(wanted))
    applied = dict(learned.select("term", "suggested_weight").iter_rows())
    set_weights(store, applied)
    log.info("learned weights accepted", extra={"terms": len(applied)})
    return applied
