"""Sentiment scorer with VADER's shape (compound in [-1, 1] plus a label).

INTERFACE (stable, used by the pipeline): ``score(text) -> Score`` and
``score_batch(texts) -> list[Score]``. This is a placeholder over plain VADER; the
finance-aware scorer replaces the internals, not the interface.
"""
from __future__ import annotations

from typing import NamedTuple

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

_analyzer = SentimentIntensityAnalyzer()


class Score(NamedTuple):
    compound: float
    label: str  # "positive" | "neutral" | "negative"


def score(text: str) -> Score:
    if not text or not text.strip():
        return Score(0.0, "neutral")
    c = _analyzer.polarity_scores(text)["compound"]
    return Score(c, "positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")


def score_batch(texts: list[str]) -> list[Score]:
    return [score(t) for t in texts]
