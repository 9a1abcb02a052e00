"""Train the wording model on the labelled posts the repo ships (build time; needs scikit-learn).

``python -m core.leads.training`` (= ``make train-intent``) rewrites ``core/leads/intent_model.json``.
Deterministic: fixed file order, a fixed vocabulary order (sorted terms), the lbfgs solver (no
random state involved) and weights rounded to 6 decimals, so retraining gives the committed bytes
(``tests/unit/test_intent_model.py`` checks it).

Labels come from the platforms' own tags (``core.leads.tags.read_tag``) and are stripped from the
text the model learns from, so it learns the wording ("I need someone to…", "my portfolio…"),
not the tag. Untagged posts of r/forhire and r/gameDevClassifieds are left out: untagged is not a
negative by definition (many are requests written without a tag). Untagged r/freelance posts are
used as ``other``: it is a discussion subreddit (tips, rants, invoices), the negatives the model
needs to see — except those whose wording trips a request/offer phrase rule ("developer needed, will
pay"), which are left out rather than taught as negatives.
"""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.leads.intent import SCAN_CHARS, phrases
from core.leads.model import ARTEFACT, model_text
from core.leads.tags import OFFER, OTHER, REQUEST, read_tag, strip_tags

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "training" / "leads"
FILES = ("reddit-top__forhire_dev.csv", "reddit-top__gameDevClassifieds_dev.csv",
         "reddit-top__freelance_dev.csv")
DISCUSSION_SUBS = {"freelance"}  # untagged posts there are 'other'
CLASSES = (OFFER, OTHER, REQUEST)  # sorted, as scikit-learn orders them
PARAMS = {"ngram_max": 2, "min_df": 2, "max_features": 6000, "C": 4.0}


@dataclass(frozen=True, slots=True)
class LabelledPost:
    id: str
    subreddit: str
    title: str
    body: str
    flair: str | None
    label: str | None  # from the tag; None when the platform said nothing
    tag: str | None  # the tag as written


def load_posts(data_dir: Path = DATA_DIR, files: tuple[str, ...] = FILES) -> list[LabelledPost]:
    """Every post of the shipped CSVs with its tag-derived label (None when untagged)."""
    out: list[LabelledPost] = []
    csv.field_size_limit(10_000_000)
    for name in files:
        sub = name.split("__", 1)[1].rsplit("_dev", 1)[0]
        with open(data_dir / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                flair = row.get("link_flair_text") or None
                tag = read_tag(row["title"], flair, row.get("selftext"))
                out.append(LabelledPost(row["id"], sub, row["title"], row.get("selftext") or "", flair,
                                        tag.intent if tag else None, tag.reason if tag else None))
    return out


def training_label(p: LabelledPost) -> str | None:
    """The tag's label; untagged posts of a discussion subreddit are 'other' unless their wording
    trips a request/offer phrase rule (then they are left out: untagged is not a negative)."""
    if p.label:
        return p.label
    if p.subreddit not in DISCUSSION_SUBS:
        return None
    if any(i in (REQUEST, OFFER) for i, _ in phrases(f"{p.title}\n{p.body[:SCAN_CHARS]}")):
        return None
    return OTHER


def training_set(posts: list[LabelledPost]) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for p in posts:
        label = training_label(p)
        if label:
            texts.append(model_text(strip_tags(p.title), p.body))
            labels.append(label)
    return texts, labels


def fit(texts: list[str], labels: list[str], params: dict = PARAMS) -> dict:
    """Fit TF-IDF + logistic regression; returns the artefact dict (what ``IntentModel`` loads)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(lowercase=True, ngram_range=(1, params["ngram_max"]), min_df=params["min_df"],
                          max_features=params["max_features"], sublinear_tf=True, dtype=np.float64)
    x = vec.fit_transform(texts)
    clf = LogisticRegression(C=params["C"], max_iter=5000, class_weight="balanced", solver="lbfgs")
    clf.fit(x, labels)
    assert tuple(clf.classes_) == CLASSES, clf.classes_
    terms = vec.get_feature_names_out().tolist()  # sorted: the column order
    return {
        "format": "signaldesk-intent-v1",
        "classes": list(CLASSES),
        "params": params,
        "trained_on": {"posts": len(texts), **{c: labels.count(c) for c in CLASSES}},
        "ngram_max": params["ngram_max"],
        "terms": terms,
        "idf": [round(float(v), 6) for v in vec.idf_],
        "coef": [[round(float(v), 6) for v in row] for row in clf.coef_],
        "intercept": [round(float(v), 6) for v in clf.intercept_],
    }


def train(posts: list[LabelledPost] | None = None, params: dict = PARAMS) -> dict:
    texts, labels = training_set(posts if posts is not None else load_posts())
    return fit(texts, labels, params)


def dumps(artefact: dict) -> str:
    return json.dumps(artefact, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m core.leads.training",
                                 description="Retrain the lead intent model from data/training/leads "
                                             "and write core/leads/intent_model.json.")
    ap.add_argument("--out", type=Path, default=ARTEFACT, help="where to write the artefact")
    args = ap.parse_args(argv)
    artefact = train()
    args.out.write_text(dumps(artefact), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB, {len(artefact['terms'])} terms, "
          f"trained on {artefact['trained_on']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
