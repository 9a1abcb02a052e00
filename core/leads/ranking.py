"""Which requests to read first: intent confidence × keyword relevance × learned weights × recency.

Pure. Each factor is shown in the lead's ``score_reason`` so the operator can see why one lead
outranks another:

* intent confidence: how sure we are the post is a request (``core.leads.intent``), in [0, 1];
* keyword relevance: the sum of the matched positive keywords' weights (``core.leads.keywords``);
* learned weights: the mean over the matched keywords of ``suggested_weight / 2.5`` from
  ``learned_weights`` (a keyword converting at the overall rate gives 1.0, twice the rate 2.0;
  keywords with no decided leads yet count 1.0, see ``core.leads.learning``);
* recency: ``recency_decay`` (half-life 24 h, floor 0.05).

Offers and other posts are stored with the same score so the "Offers" view ranks too; the inbox
shows requests only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.leads.intent import Intent
from core.leads.keywords import Match, recency_decay
from core.leads.learning import WEIGHT_AT_MEAN


@dataclass(frozen=True, slots=True)
class Rank:
    score: float
    reason: str


def learned_factor(terms: list[str], learned: dict[str, float]) -> float:
    """Mean of suggested_weight / 2.5 over the matched terms that have a learned weight."""
    known = [learned[t] / WEIGHT_AT_MEAN for t in terms if t in learned]
    return sum(known) / len(known) if known else 1.0


def rank(intent: Intent, match: Match, posted_at: datetime | None, now: datetime,
         learned: dict[str, float] | None = None) -> Rank:
    if not match.matched:
        return Rank(0.0, "matched no keyword")
    conf = intent.confidence
    relevance = match.weight
    factor = learned_factor(match.terms, learned or {})
    decay = recency_decay(posted_at, now)
    score = round(conf * relevance * factor * decay, 6)
    reason = (f"{intent.intent} {conf:.2f} × keywords {relevance:g} ({', '.join(match.terms)}) × "
              f"learned {factor:.2f} × recency {decay:.2f} = {score:.3f}")
    return Rank(score, reason)
