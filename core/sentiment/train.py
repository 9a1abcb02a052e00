"""Train the learned layer: ``make train-sentiment`` (= ``python -m core.sentiment.train``).

Multinomial logistic regression (scikit-learn, lbfgs: deterministic) over binary word
unigrams/bigrams of the normalised text and the rules' components (``core.sentiment.inputs``),
trained on the finance-tweet training split in ``data/training/sentiment/`` (MIT, see its
PROVENANCE.md). The regularisation C, class weighting and the scale of the rule features are
chosen on the validation split only (macro-F1); PhraseBank, SemEval and FinEntity are never
read here. The chosen model is exported to ``core/sentiment/data/model.json``: plain lists of
rounded weights that ``core.sentiment.model`` scores with numpy (no scikit-learn at run time).

Training-only dependencies (requirements-dev.txt): scikit-learn, scipy.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np

from core.sentiment import inputs as ft

REPO = Path(__file__).resolve().parents[2]
TRAIN_DIR = REPO / "data" / "training" / "sentiment"
MODEL_PATH = Path(__file__).resolve().parent / "data" / "model.json"
CLASSES = ("negative", "neutral", "positive")
MIN_DF = 3          # an n-gram seen in fewer training texts has no column
DIGITS = 4          # weights are rounded to this many decimals in the artefact
PRUNE = 1e-3        # n-grams whose every weight rounds below this are dropped
# Fixed, not searched (docs/sentiment.md, "The learned layer"): class-balanced because the
# label prior of the text scored is unknown (tweets 65 % neutral, headlines 8 %); strong L2
# (C) and rule features scaled up (cheaper under L2) so the layer leans on the rules'
# transferable components rather than on tweet vocabulary.
GRID_C = (0.1,)
GRID_CLASS_WEIGHT = ("balanced",)
GRID_RULE_SCALE = (10.0,)
# The learned layer overrides the rules only when its most likely class is at least this
# probable (a stated prior, see docs/sentiment.md: chosen conservatively, not fitted).
GATE = 0.9


def load_tsv(path: Path) -> list[tuple[str, str]]:
    """(text, label) rows of a ``label<TAB>text`` file, read with quoting off."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r["text"], r["label"]) for r in rows]


def _featurize(texts: list[str]) -> tuple[list[list[str]], np.ndarray]:
    grams, rule_rows = [], []
    for t in texts:
        toks = ft.tokens(t)
        grams.append(list(dict.fromkeys(ft.ngrams(toks))))
        rule_rows.append(ft.rule_features(toks)[0])
    return grams, np.asarray(rule_rows, dtype=np.float64)


def _matrix(grams: list[list[str]], rule_x: np.ndarray, vocab: dict[str, int], scale: float):
    from scipy import sparse

    rows, cols = [], []
    for i, gs in enumerate(grams):
        for g in gs:
            j = vocab.get(g)
            if j is not None:
                rows.append(i)
                cols.append(j)
    words = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(grams), len(vocab)))
    return sparse.hstack([words, sparse.csr_matrix(rule_x * scale)], format="csr")


def _macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for c in CLASSES:
        tp = sum(g == c and p == c for g, p in zip(gold, pred))
        fp = sum(g != c and p == c for g, p in zip(gold, pred))
        fn = sum(g == c and p != c for g, p in zip(gold, pred))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def train(train_rows: list[tuple[str, str]], valid_rows: list[tuple[str, str]],
          log=print) -> dict:
    """Fit the grid on ``train_rows``, pick by macro-F1 on ``valid_rows``, return the artefact."""
    from sklearn.linear_model import LogisticRegression

    tr_grams, tr_rules = _featurize([t for t, _ in train_rows])
    va_grams, va_rules = _featurize([t for t, _ in valid_rows])
    y_tr = [lab for _, lab in train_rows]
    y_va = [lab for _, lab in valid_rows]
    df: dict[str, int] = {}
    for gs in tr_grams:
        for g in gs:
            df[g] = df.get(g, 0) + 1
    terms = sorted(g for g, n in df.items() if n >= MIN_DF)
    vocab = {g: i for i, g in enumerate(terms)}
    best = None
    for scale in GRID_RULE_SCALE:
        x_tr = _matrix(tr_grams, tr_rules, vocab, scale)
        x_va = _matrix(va_grams, va_rules, vocab, scale)
        for cw in GRID_CLASS_WEIGHT:
            for c in GRID_C:
                m = LogisticRegression(C=c, class_weight=cw, solver="lbfgs", max_iter=2000)
                m.fit(x_tr, y_tr)
                f1 = _macro_f1(y_va, list(m.predict(x_va)))
                log(f"  C={c:<4} class_weight={cw!s:<8} rule_scale={scale}: valid macro-F1 {f1:.4f}")
                if best is None or f1 > best[0] + 1e-9:
                    best = (f1, c, cw, scale, m)
    f1, c, cw, scale, m = best
    assert tuple(m.classes_) == CLASSES, m.classes_
    log(f"chosen: C={c} class_weight={cw} rule_scale={scale} (valid macro-F1 {f1:.4f})")
    n_terms = len(terms)
    coef = np.round(m.coef_.T, DIGITS)  # (features, classes)
    keep = [i for i in range(n_terms) if np.abs(coef[i]).max() >= PRUNE]
    return {
        "format": 1,
        "about": "signaldesk sentiment learned layer: multinomial logistic regression over "
                 "binary word uni/bigrams and the rules' components; made by "
                 "`make train-sentiment` from data/training/sentiment/tfns_train.tsv "
                 "(chosen on tfns_valid.tsv)",
        "classes": list(CLASSES),
        "hyper": {"C": c, "class_weight": cw, "rule_scale": scale, "min_df": MIN_DF,
                  "valid_macro_f1": round(f1, 4)},
        "gate": GATE,
        "bias": [round(float(b), DIGITS) for b in m.intercept_],
        "rule_features": list(ft.RULE_FEATURES),
        # the rule scale is folded into the weights: run time multiplies raw features
        "rule_weights": np.round(coef[n_terms:] * scale, DIGITS).tolist(),
        "terms": [terms[i] for i in keep],
        "term_weights": coef[keep].tolist(),
    }


def dump(model: dict) -> str:
    """The artefact's text: one n-gram per line, so a retrain diffs readably."""
    head = {k: v for k, v in model.items() if k not in ("terms", "term_weights")}
    lines = [json.dumps(head, sort_keys=True)[:-1] + ', "terms": [']
    pairs = list(zip(model["terms"], model["term_weights"]))
    for k, (t, w) in enumerate(pairs):
        lines.append(json.dumps([t, w]) + ("," if k < len(pairs) - 1 else ""))
    lines.append("]}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m core.sentiment.train",
        description="Train the sentiment scorer's learned layer on data/training/sentiment "
        "(tweets' train split; model selection on the validation split) and write the "
        "artefact scored at run time. Deterministic: a rerun writes the same file.")
    p.add_argument("--data", type=Path, default=TRAIN_DIR, help="folder with tfns_train.tsv "
                   "and tfns_valid.tsv (default data/training/sentiment)")
    p.add_argument("--out", type=Path, default=MODEL_PATH,
                   help="artefact path (default core/sentiment/data/model.json)")
    args = p.parse_args(argv)
    model = train(load_tsv(args.data / "tfns_train.tsv"), load_tsv(args.data / "tfns_valid.tsv"))
    text = dump(model)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text) / 1024:.0f} KiB, {len(model['terms'])} n-grams)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
