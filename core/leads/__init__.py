"""Leads as a capability: keyword matching, intent, ranking, the funnel and learned weights.

The one interface the jobs and pages use. Pure (no I/O): the store and the sources feed it.

* ``score_posts`` — keyword match + intent + rank for a batch of ``SocialPost``s.
* ``classify`` — the intent of one post (``request`` / ``offer`` / ``other``) with its reason.
* ``KeywordMatcher`` / ``Keyword`` — the operator's keyword table compiled.
* ``funnel`` and ``learning`` — conversion metrics and the keyword weights learned from outcomes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.leads.intent import INTENTS, Intent, classify
from core.leads.keywords import Keyword, KeywordMatcher, Match, lead_score, recency_decay
from core.leads.model import IntentModel, load_model
from core.leads.ranking import Rank, rank
from core.leads.tags import OFFER, OTHER, REQUEST

__all__ = [
    "INTENTS",
    "OFFER",
    "OTHER",
    "REQUEST",
    "Intent",
    "IntentModel",
    "Keyword",
    "KeywordMatcher",
    "Match",
    "Rank",
    "ScoredPost",
    "classify",
    "lead_score",
    "load_model",
    "rank",
    "recency_decay",
    "score_posts",
]


@dataclass(frozen=True, slots=True)
class ScoredPost:
    match: Match
    intent: Intent
    rank: Rank


def score_posts(posts: list, matcher: KeywordMatcher, now: datetime, *,
                learned: dict[str, float] | None = None, use_tags: bool = True,
                model: IntentModel | None = None) -> list[ScoredPost | None]:
    """One entry per post: None when it matched no keyword (not a lead at all), else its
    match, intent and rank. Intent is only computed for keyword matches (the cheap test first)."""
    model = model or load_model()
    out: list[ScoredPost | None] = []
    for p in posts:
        m = matcher.match(f"{p.title}\n{p.body}")
        if not m.matched:
            out.append(None)
            continue
        it = classify(p.title, p.body, getattr(p, "flair", None), use_tags=use_tags, model=model)
        out.append(ScoredPost(m, it, rank(it, m, p.posted_at, now, learned)))
    return out
