"""The learned layer: the committed artefact is what training makes, and it keeps the contract."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.sentiment import model as md
from core.sentiment import rules, score, score_batch
from core.sentiment.explain import explain, explain_text
from core.sentiment.inputs import ngrams, normalise, tokens


@pytest.mark.timeout(600)
def test_retraining_reproduces_the_committed_artefact(tmp_path) -> None:
    """`make train-sentiment` is deterministic: a retrain writes the same model (weights to
    within 2e-4 of their 4-decimal rounding, the same n-grams, the same labels)."""
    from core.sentiment import train

    out = tmp_path / "model.json"
    assert train.main(["--out", str(out)]) == 0
    new, old = json.loads(out.read_text()), json.loads(md.MODEL_PATH.read_text())
    assert {k: v for k, v in new.items() if k not in ("terms", "bias", "rule_weights")} == \
        {k: v for k, v in old.items() if k not in ("terms", "bias", "rule_weights")}
    assert [t for t, _ in new["terms"]] == [t for t, _ in old["terms"]]
    for a, b in [(new["bias"], old["bias"]), (new["rule_weights"], old["rule_weights"]),
                 ([w for _, w in new["terms"]], [w for _, w in old["terms"]])]:
        flat_a = json.dumps(a)
        if flat_a != json.dumps(b):
            import numpy as np
            assert np.allclose(np.asarray(a), np.asarray(b), atol=2e-4)
    sample = [t for t, _ in train.load_tsv(train.TRAIN_DIR / "tfns_valid.tsv")[:300]]
    assert md.score_batch(sample, md.load(out)) == md.score_batch(sample)


def test_tweet_artefacts_are_not_features() -> None:
    text = "$AAPL Apple beats estimates https://t.co/AbC123 via @someone"
    assert normalise(text).split() == ["Apple", "beats", "estimates", "via"]
    assert score(text) == score("Apple beats estimates via")
    # numbers are one token; a bigram does not span punctuation
    assert ngrams(tokens("Sales rose 20 %, costs fell")) == [
        "sales", "rose", "sales rose", "#num", "rose #num", "%", "#num %", "costs", "fell",
        "costs fell"]


def test_batch_equals_one_by_one_and_blank_is_neutral() -> None:
    texts = ["Shares plunge after earnings miss", "", "  ", "Revenue rises 20%",
             "Firm files for bankruptcy", "The company is based in Espoo"]
    assert score_batch(texts) == [score(t) for t in texts]
    assert score_batch(texts)[1:3] == [rules.NEUTRAL, rules.NEUTRAL]
    assert score_batch([]) == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_compound_in_range_and_sign_agrees_with_label(text: str) -> None:
    s = score(text)
    assert -1.0 <= s.compound <= 1.0
    assert s.label in ("positive", "neutral", "negative")
    if s.label == "positive":
        assert s.compound > 0
    if s.label == "negative":
        assert s.compound < 0


def test_long_text_does_not_extrapolate() -> None:
    # the rules' sums grow with length; the layer reads them squashed, so 20,000 characters
    # of good news stay good news
    assert score("Operating profit rose to EUR 13.1 mn from EUR 8.7 mn . " * 2000).label == "positive"


def test_layer_decides_only_when_sure_and_explains_itself() -> None:
    m = md.default_model()
    assert 0.5 < m.gate < 1.0
    for text in ["Shares plunge after earnings miss", "Loss narrowed to EUR 2 mn from EUR 5 mn",
                 "Nokia files lawsuit against Apple", "Tesla recalls 2 million cars"]:
        e = explain(text)
        assert e.score == score(text)
        assert e.decided_by in ("model", "rules")
        assert (e.decided_by == "model") == (e.probability >= m.gate)
        if e.decided_by == "rules":
            assert e.score == rules.score(text)
        assert e.contributions and len(e.contributions) <= 6
        assert text and e.score.label in explain_text(e)
    assert explain("").decided_by == "blank"
