"""The learned layer at run time: the committed artefact scored with numpy (no scikit-learn).

``core/sentiment/data/model.json`` (written by ``make train-sentiment``) holds a multinomial
logistic regression: a bias, one weight row per rule feature and one per word n-gram, each
row (negative, neutral, positive). The compound is P(positive) - P(negative), in [-1, 1];
the label is the most probable class. The layer overrides the rules only when that class is
at least ``gate`` probable (0.9 in the artefact); otherwise the rules' own score stands.
Either way a positive label has a positive compound and a negative one a negative compound.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from core.sentiment import inputs as ft
from core.sentiment.rules import NEUTRAL, Score

MODEL_PATH = Path(__file__).resolve().parent / "data" / "model.json"


class Model(NamedTuple):
    classes: tuple[str, ...]
    bias: np.ndarray          # (3,)
    rule_names: tuple[str, ...]
    rule_w: np.ndarray        # (rule features, 3)
    index: dict[str, int]     # n-gram -> row of term_w
    terms: tuple[str, ...]
    term_w: np.ndarray        # (n-grams, 3)
    gate: float               # minimum probability for the layer to override the rules


def load(path: Path = MODEL_PATH) -> Model:
    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw.get("format") != 1 or tuple(raw["rule_features"]) != ft.RULE_FEATURES:
        raise ValueError(f"{path}: artefact does not match this code's features; "
                         "run `make train-sentiment`")
    terms = tuple(t for t, _ in raw["terms"])
    return Model(tuple(raw["classes"]), np.asarray(raw["bias"], dtype=np.float64),
                 tuple(raw["rule_features"]), np.asarray(raw["rule_weights"], dtype=np.float64),
                 {t: i for i, t in enumerate(terms)}, terms,
                 np.asarray([w for _, w in raw["terms"]], dtype=np.float64).reshape(-1, 3),
                 float(raw["gate"]))


@lru_cache(maxsize=1)
def default_model() -> Model:
    return load()


class Encoded(NamedTuple):
    rules: list[float]        # rule features
    grams: list[int]          # n-gram rows present (each once)
    rules_score: Score        # the rules' own verdict
    n_tokens: int


def encode(text: str, model: Model) -> Encoded:
    toks = ft.tokens(text)
    rf, s = ft.rule_features(toks)
    index = model.index
    grams = [index[g] for g in dict.fromkeys(ft.ngrams(toks)) if g in index]
    return Encoded(rf, grams, s, len(toks))


def logits(encoded: list[Encoded], model: Model) -> np.ndarray:
    """(texts, 3) logits of a batch: one matrix product for the rules, one gather-and-sum for
    the n-grams."""
    n = len(encoded)
    out = np.asarray([e.rules for e in encoded], dtype=np.float64).reshape(n, -1) @ model.rule_w
    out += model.bias
    lengths = np.fromiter((len(e.grams) for e in encoded), dtype=np.intp, count=n)
    if lengths.sum():
        rows = np.fromiter((g for e in encoded for g in e.grams), dtype=np.intp,
                           count=int(lengths.sum()))
        owner = np.repeat(np.arange(n), lengths)
        for k in range(3):
            out[:, k] += np.bincount(owner, weights=model.term_w[rows, k], minlength=n)
    return out


def probabilities(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def to_scores(z: np.ndarray, model: Model, fallback: list[Score]) -> list[Score]:
    """The layer's scores where it is sure (>= gate), the rules' ``fallback`` elsewhere."""
    p = probabilities(z)
    neg, pos = model.classes.index("negative"), model.classes.index("positive")
    best = p.argmax(axis=1)
    out = []
    for row, b, rule in zip(p.tolist(), best.tolist(), fallback):
        if row[b] < model.gate:
            out.append(rule)
            continue
        c = round(max(-1.0, min(1.0, row[pos] - row[neg])), 4)
        label = model.classes[b]
        if label != "neutral" and (c > 0) != (label == "positive"):
            c = math.copysign(max(abs(c), 1e-4), 1.0 if label == "positive" else -1.0)
        out.append(Score(c, label))
    return out


def score_batch(texts: list[str], model: Model | None = None) -> list[Score]:
    """Full scorer (rules + learned layer), in input order; blank text is neutral 0.0."""
    model = model or default_model()
    live = [i for i, t in enumerate(texts) if t and not t.isspace()]
    out = [NEUTRAL] * len(texts)
    if not live:
        return out
    enc = [encode(texts[i], model) for i in live]
    for i, s in zip(live, to_scores(logits(enc, model), model, [e.rules_score for e in enc])):
        out[i] = s
    return out
