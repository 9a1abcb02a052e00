"""Does a post ask for what the operator sells? Keyword matching and the lead score.

Pure. The keyword table (term, weight, negative, whole_word, enabled) compiles once per batch
into one regex per term. A post matches when at least one positive term occurs and no
negative term does (a negative keyword, e.g. "[for hire]", excludes the post outright).

score = (sum of matched positive weights) x recency decay, where
decay = 0.5 ** (age_hours / HALF_LIFE_HOURS) with HALF_LIFE_HOURS = 24: a day-old request is
worth half a fresh one. The decay never drops below DECAY_FLOOR = 0.05, so old matches (a
replayed archive) still rank by their weights instead of all scoring 0. Posts without a timestamp count as fresh
(age 0); timestamps in the future are clamped to age 0. Non-matching posts are counted by the
pipeline and not stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import polars as pl

HALF_LIFE_HOURS = 24.0
DECAY_FLOOR = 0.05


@dataclass(frozen=True, slots=True)
class Keyword:
    term: str
    weight: float = 1.0
    negative: bool = False
    whole_word: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    terms: list[str]  # positive terms that matched, in table order
    weight: float  # sum of their weights (0 when excluded or no match)
    excluded_by: str | None = None  # the negative term that excluded the post

    @property
    def matched(self) -> bool:
        return bool(self.terms) and self.excluded_by is None


def _pattern(term: str, whole_word: bool) -> re.Pattern:
    # Whitespace inside a phrase matches any run of whitespace ("trading  bot").
    body = r"\s+".join(re.escape(part) for part in term.split())
    if whole_word:
        body = rf"(?<!\w){body}(?!\w)"
    return re.compile(body, re.IGNORECASE)


class KeywordMatcher:
    def __init__(self, keywords: list[Keyword]):
        kws = [k for k in keywords if k.term and k.term.strip()]
        self.positive = [(k, _pattern(k.term, k.whole_word)) for k in kws if not k.negative]
        self.negative = [(k, _pattern(k.term, k.whole_word)) for k in kws if k.negative]

    @classmethod
    def from_frame(cls, frame: pl.DataFrame) -> KeywordMatcher:
        """From ``core.store.keywords.list_keywords`` output; disabled rows are ignored."""
        if frame.is_empty():
            return cls([])
        if "enabled" in frame.columns:
            frame = frame.filter(pl.col("enabled"))
        return cls([Keyword(r["term"], float(r["weight"]), bool(r["negative"]), bool(r["whole_word"]))
                    for r in frame.iter_rows(named=True)])

    @classmethod
    def from_weights(cls, weights: dict[str, float]) -> KeywordMatcher:
        return cls([Keyword(t, w) for t, w in weights.items()])

    def match(self, text: str) -> Match:
        text = text or ""
        for kw, pat in self.negative:
            if pat.search(text):
                return Match([], 0.0, excluded_by=kw.term)
        terms = [kw.term for kw, pat in self.positive if pat.search(text)]
        weight = sum(kw.weight for kw, pat in self.positive if kw.term in terms)
        return Match(terms, weight)


def recency_decay(posted_at: datetime | None, now: datetime,
                  half_life_hours: float = HALF_LIFE_HOURS) -> float:
    if posted_at is None:
        return 1.0
    age_h = max(0.0, (now - posted_at).total_seconds() / 3600.0)
    return max(DECAY_FLOOR, 0.5 ** min(age_h / half_life_hours, 64.0))


def lead_score(match: Match, posted_at: datetime | None, now: datetime,
               half_life_hours: float = HALF_LIFE_HOURS) -> float:
    if not match.matched:
        return 0.0
    return round(match.weight * recency_decay(posted_at, now, half_life_hours), 6)
