"""Learned keyword weights: exact Beta quantiles, posteriors, a simulated operator, accept flow."""
from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from core.leads.learning import (
    accept_suggestions,
    beta_cdf,
    beta_ppf,
    posteriors,
    prior,
    refresh,
    thompson_rank,
)
from core.models import LEAD_SCHEMA
from core.store.funnel import learned_weights, set_lead_status
from core.store.keywords import list_keywords, upsert_keywords
from core.store.leads import insert_leads

pytestmark = pytest.mark.timeout(60)

HIDDEN = {"trading bot": 0.45, "discord bot": 0.35, "web scraper": 0.25, "dashboard": 0.18,
          "automation": 0.12, "data pipeline": 0.08, "excel help": 0.04, "logo design": 0.01}


@pytest.mark.parametrize("q", [0.001, 0.05, 0.3, 0.5, 0.95, 0.999])
def test_beta_quantile_matches_closed_forms(q):
    assert beta_ppf(q, 1, 1) == pytest.approx(q, abs=1e-10)
    assert beta_ppf(q, 1, 9) == pytest.approx(1 - (1 - q) ** (1 / 9), abs=1e-10)
    assert beta_ppf(q, 4, 1) == pytest.approx(q ** (1 / 4), abs=1e-10)
    x = beta_ppf(q, 2, 2)
    assert 3 * x**2 - 2 * x**3 == pytest.approx(q, abs=1e-10)


def test_beta_cdf_symmetry_and_large_counts():
    assert beta_cdf(0.5, 7.3, 7.3) == pytest.approx(0.5, abs=1e-12)
    assert beta_cdf(0.3, 2.5, 6.0) + beta_cdf(0.7, 6.0, 2.5) == pytest.approx(1.0, abs=1e-12)
    # many trials: close to the normal approximation
    a, b = 3001.0, 7001.0
    mean, sd = a / (a + b), math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    assert beta_ppf(0.95, a, b) == pytest.approx(mean + 1.6449 * sd, abs=2e-4)
    with pytest.raises(ValueError):
        beta_ppf(1.5, 1, 1)


def simulate(seed: int, n: int) -> pl.DataFrame:
    """An operator deciding leads whose true conversion rate depends only on their keyword."""
    rng = np.random.default_rng(seed)
    terms = list(HIDDEN)
    kw = rng.choice(terms, n)
    won = rng.random(n) < np.array([HIDDEN[k] for k in kw])
    status = np.where(won, "won", np.where(rng.random(n) < 0.7, "lost", "ignored"))
    # a quarter of the leads are still open: they must not count as trials
    still_open = rng.choice(["new", "reviewed", "contacted", "replied"], n)
    status = np.where(rng.random(n) < 0.25, still_open, status)
    return pl.DataFrame({"id": [f"L{i}" for i in range(n)], "matched_keywords": [[k] for k in kw],
                         "status": status})


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra, rb = np.argsort(np.argsort(a)), np.argsort(np.argsort(b))
    return float(np.corrcoef(ra, rb)[0, 1])


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_simulated_operator_ranking_matches_hidden_rates(seed):
    """After 500 leads (~375 decided, ~47 per keyword): Spearman rho >= 0.8 and top-3 overlap >= 2."""
    outcomes = simulate(seed, 500)
    post = posteriors(outcomes)
    decided = outcomes.filter(pl.col("status").is_in(["won", "lost", "ignored"])).height
    assert post["trials"].sum() == decided
    learned = dict(zip(post["term"], post["rate_mean"]))
    terms = sorted(HIDDEN)
    rho = spearman(np.array([learned[t] for t in terms]), np.array([HIDDEN[t] for t in terms]))
    assert rho >= 0.8
    top_true = set(sorted(HIDDEN, key=HIDDEN.get, reverse=True)[:3])
    assert len(set(post.head(3)["term"]) & top_true) >= 2
    # every interval holds its mean; the weights follow the rates
    assert (post["rate_low"] <= post["rate_mean"]).all() and (post["rate_mean"] <= post["rate_high"]).all()
    assert post["suggested_weight"].is_sorted(descending=True)
    assert post["suggested_weight"].max() <= 5.0 and post["suggested_weight"].min() >= 0.0


def test_thin_evidence_stays_near_the_pooled_rate():
    outcomes = pl.DataFrame({"id": ["a", "b", "c"], "matched_keywords": [["x"], ["y"], ["y"]],
                             "status": ["won", "lost", "new"]})
    a0, b0 = prior(outcomes)
    assert a0 + b0 == pytest.approx(10.0)
    assert a0 / (a0 + b0) == pytest.approx(2 / 12)  # (1 won + 1) / (2 decided + 10)
    post = {r["term"]: r for r in posteriors(outcomes).iter_rows(named=True)}
    assert post["x"]["trials"] == 1 and post["x"]["conversions"] == 1
    assert post["x"]["rate_mean"] == pytest.approx((a0 + 1) / 11)  # far from 100%
    assert post["y"]["trials"] == 1  # the open lead is not a trial
    assert prior(outcomes.head(0)) == pytest.approx((1.0, 9.0))


def test_thompson_rank_is_seeded_and_explores():
    post = posteriors(simulate(7, 300))
    r1 = thompson_rank(post, np.random.default_rng(3))["term"].to_list()
    r2 = thompson_rank(post, np.random.default_rng(3))["term"].to_list()
    assert r1 == r2 and sorted(r1) == sorted(HIDDEN)
    firsts = {thompson_rank(post, np.random.default_rng(s))["term"][0] for s in range(40)}
    assert 1 < len(firsts) <= 3  # mostly the best keywords, sometimes a close rival


def test_refresh_and_accept_through_the_store(store):
    t0 = datetime(2026, 1, 5)
    outcomes = simulate(11, 240)
    insert_leads(store, pl.DataFrame({
        "id": outcomes["id"], "platform": "reddit", "source": "s", "url": outcomes["id"],
        "author": "a", "title": "t", "body": "b",
        "posted_at": [t0 + timedelta(hours=i) for i in range(outcomes.height)],
        "fetched_at": [t0 + timedelta(hours=i) for i in range(outcomes.height)],
        "matched_keywords": outcomes["matched_keywords"], "score": 1.0, "sentiment": 0.0,
        "sentiment_label": "neutral", "cluster_id": None,
    }).select(list(LEAD_SCHEMA)).cast(LEAD_SCHEMA))
    for status, ids in outcomes.group_by("status"):
        if status[0] != "new":
            set_lead_status(store, ids["id"].to_list(), status[0])
    upsert_keywords(store, pl.DataFrame({"term": ["trading bot", "logo design"], "weight": [1.0, 3.0],
                                         "negative": [False] * 2, "whole_word": [False] * 2,
                                         "enabled": [True] * 2}))
    counts = refresh(store)
    assert counts["leads"] == 240 and counts["terms"] == len(HIDDEN)
    lw = learned_weights(store)
    assert lw.height == len(HIDDEN) and lw["term"][0] in {"trading bot", "discord bot"}
    # the operator's weights rule until accepted
    assert dict(list_keywords(store).select("term", "weight").iter_rows()) == {"logo design": 3.0,
                                                                                "trading bot": 1.0}
    applied = accept_suggestions(store, ["Trading Bot"])
    assert list(applied) == ["trading bot"] and applied["trading bot"] > 3.0
    kw = dict(list_keywords(store).select("term", "weight").iter_rows())
    assert kw == {"logo design": 3.0, "trading bot": applied["trading bot"]}
    everything = accept_suggestions(store)  # only terms that are keywords
    assert set(everything) == {"trading bot", "logo design"}
    assert dict(list_keywords(store).select("term", "weight").iter_rows())["logo design"] < 1.5


def test_empty_store_learns_nothing_and_accepts_nothing(store):
    assert refresh(store) == {"leads": 0, "decided": 0, "terms": 0}
    assert accept_suggestions(store) == {}
    assert learned_weights(store).is_empty()
