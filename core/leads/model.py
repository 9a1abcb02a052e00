"""The wording model at run time: a committed JSON of TF-IDF + logistic-regression weights.

Trained by ``make train-intent`` (``core.leads.training``, scikit-learn, build time only); scored
here with plain Python dictionaries, so run time needs nothing downloaded or installed beyond the
standard library. The features copy scikit-learn's ``TfidfVectorizer`` exactly (lower-case,
tokens ``\\b\\w\\w+\\b``, word 1- and 2-grams, sublinear tf, idf, l2 norm), so the probabilities
equal ``LogisticRegression.predict_proba`` of the trained pipeline (a test checks it).
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ARTEFACT = Path(__file__).resolve().parent / "intent_model.json"
TOKEN = re.compile(r"(?u)\b\w\w+\b")
MAX_CHARS = 6000  # the start of a post says what it is; a 1 MB body costs no more than this


def model_text(title: str, body: str) -> str:
    """The text the model sees: title (tags already stripped by the caller) then the body start."""
    return f"{title or ''}\n{(body or '')[:MAX_CHARS]}"


@dataclass(frozen=True)
class IntentModel:
    classes: tuple[str, ...]
    vocabulary: dict[str, int]
    idf: list[float]
    coef: list[list[float]]  # one row per class, indexed like idf
    intercept: list[float]
    terms: tuple[str, ...] = ()
    ngram_max: int = 2

    @classmethod
    def from_dict(cls, d: dict) -> "IntentModel":
        vocab = {t: i for i, t in enumerate(d["terms"])}
        return cls(tuple(d["classes"]), vocab, list(d["idf"]), [list(r) for r in d["coef"]],
                   list(d["intercept"]), tuple(d["terms"]), int(d.get("ngram_max", 2)))

    def features(self, text: str) -> dict[int, float]:
        """l2-normalised sublinear TF-IDF of ``text`` (only terms in the vocabulary)."""
        words = TOKEN.findall((text or "")[:MAX_CHARS + 2000].lower())
        counts: dict[int, int] = {}
        vocab = self.vocabulary
        for n in range(1, self.ngram_max + 1):
            for i in range(len(words) - n + 1):
                j = vocab.get(words[i] if n == 1 else " ".join(words[i:i + n]))
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
        vec = {j: (1.0 + math.log(c)) * self.idf[j] for j, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {j: v / norm for j, v in vec.items()} if norm else {}

    def proba(self, text: str) -> dict[str, float]:
        """Class -> probability (softmax of the linear scores)."""
        x = self.features(text)
        scores = [b + sum(row[j] * v for j, v in x.items()) for row, b in zip(self.coef, self.intercept)]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return {c: e / total for c, e in zip(self.classes, exp)}

    def top_terms(self, text: str, intent: str, n: int = 3) -> list[str]:
        """The terms of ``text`` that pushed hardest towards ``intent`` (for the reason)."""
        k = self.classes.index(intent)
        x = self.features(text)
        pushes = sorted(((self.coef[k][j] * v, j) for j, v in x.items()), reverse=True)
        return [self.terms[j] for p, j in pushes[:n] if p > 0]


@lru_cache(maxsize=4)
def load_model(path: str | None = None) -> IntentModel:
    with open(path or ARTEFACT, encoding="utf-8") as fh:
        return IntentModel.from_dict(json.load(fh))
