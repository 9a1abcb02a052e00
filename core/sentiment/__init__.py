"""Finance-aware sentiment: ``score(text) -> Score(compound, label)``, rules + a learned layer.

The package (docs/sentiment.md):

* ``rules``    the rule layer, VADER's shape with finance rules (direction x quantity, legal
               moves, number comparisons, negation, hedges); ``lexicon``, ``amounts`` and
               ``legal`` are its vocabulary and sub-rules, ``data/finance_phrases.tsv`` its
               phrases;
* ``inputs``   what the learned layer reads (normalised n-grams + the rules' components);
* ``model``    the learned layer scored with numpy from ``data/model.json``;
  ``train``    how that artefact is made (``make train-sentiment``, scikit-learn, dev only);
* ``targets``  per-ticker scores: the part of a text about one company;
* ``explain``  the contributions behind a label;
* ``__main__`` the CLI, ``python -m core.sentiment [--explain]``.

INTERFACE (stable, used by the pipeline): ``score(text) -> Score`` and
``score_batch(texts) -> list[Score]``; compound in [-1, 1], label positive/neutral/negative.
"""
from __future__ import annotations

from core.sentiment import model as _model
from core.sentiment.rules import (  # noqa: F401  (re-exported: the rules' public names)
    BAND_PER_TOKEN,
    COMPONENTS,
    N_VALENCE,
    NEUTRAL,
    Score,
    combine,
    components,
    features,
    neutral_band,
)


def score(text: str) -> Score:
    """Finance-aware sentiment of one text; empty or blank text is neutral 0.0."""
    return _model.score_batch([text])[0]


def score_batch(texts: list[str]) -> list[Score]:
    """Scores in input order (what the pipeline calls)."""
    return _model.score_batch(list(texts))
