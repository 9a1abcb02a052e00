"""The wording model at run time: a committed JSON of TF-IDF + logistic-regression weights.

Trained by ``make train-intent`` (``core.leads.training``, scikit-learn, build time only); scored
here with a dictionary lookup and numpy, so run time needs nothing downloaded and nothing beyond
numpy. The features copy scikit-learn's ``TfidfVectorizer`` exactly (lower-case,
tokens ``\\b\\w\\w+\\b``, word 1- and 2-grams, sublinear tf, idf, l2 norm), so the probabilities
equal ``LogisticRegression.predict_proba`` of the trained pipeline (a test checks it).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

import numpy as np

ARTEFACT = Path(__file__).resolve().parent / "intent_model.json"
TOKEN = re.compile(r"(?u)\b\w\w+\b")
MAX_CHARS = 1000  # the start of a post says what it is; a 1 MB body costs no more than this


def model_text(title: str, body: str) -> str:
    """The text the model sees: title (tags already stripped by the caller) then the body start."""
    return f"{title or ''}\n{(body or '')[:MAX_CHARS]}"


class IntentModel:
    """The committed weights; features and scores in numpy (about 0.2 ms a post)."""

    def __init__(self, classes, terms, idf, coef, intercept, ngram_max: int = 2):
        self.classes = tuple(classes)
        self.terms = tuple(terms)
        self.vocabulary = {t: i for i, t in enumerate(self.terms)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.weights = np.asarray(coef, dtype=np.float64).T.copy()  # (terms, classes)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.ngram_max = ngram_max

    @classmethod
    def from_dict(cls, d: dict) -> IntentModel:
        return cls(d["classes"], d["terms"], d["idf"], d["coef"], d["intercept"], int(d.get("ngram_max", 2)))

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(term indices, l2-normalised sublinear TF-IDF values) of ``text``'s known terms."""
        words = TOKEN.findall((text or "")[:MAX_CHARS + 400].lower())
        get = self.vocabulary.get
        ids = [get(w) for w in words]
        if self.ngram_max >= 2:
            ids += [get(f"{a} {b}") for a, b in pairwise(words)]
        counts = Counter(ids)
        counts.pop(None, None)
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        vals = (1.0 + np.log(tf)) * self.idf[idx]
        return idx, vals / np.sqrt(vals @ vals)

    def proba(self, text: str, x: tuple | None = None) -> dict[str, float]:
        """Class -> probability (softmax of the linear scores); ``x``: features already computed."""
        idx, vals = self.features(text) if x is None else x
        scores = self.intercept + vals @ self.weights[idx] if len(idx) else self.intercept.copy()
        e = np.exp(scores - scores.max())
        p = e / e.sum()
        return {c: float(v) for c, v in zip(self.classes, p)}

    def top_terms(self, text: str, intent: str, n: int = 3, x: tuple | None = None) -> list[str]:
        """The terms of ``text`` that pushed hardest towards ``intent`` (for the reason)."""
        k = self.classes.index(intent)
        idx, vals = self.features(text) if x is None else x
        if not len(idx):
            return []
        push = vals * self.weights[idx, k]
        order = np.argsort(-push, kind="stable")[:n]
        return [self.terms[idx[i]] for i in order if push[i] > 0]


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> IntentModel:
    with open(path or ARTEFACT, encoding="utf-8") as fh:
        return IntentModel.from_dict(json.load(fh))
