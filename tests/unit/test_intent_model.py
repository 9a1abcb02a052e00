"""The committed intent model: loads, scores like scikit-learn, and retraining reproduces it."""
from __future__ import annotations

import json

import pytest

from core.leads.model import ARTEFACT, IntentModel, load_model, model_text
from core.leads.tags import strip_tags

pytestmark = pytest.mark.timeout(120)


def test_artefact_is_small_and_loads():
    assert ARTEFACT.stat().st_size < 1_000_000
    m = load_model()
    assert m.classes == ("offer", "other", "request") and len(m.terms) == len(m.idf) > 1000
    p = m.proba("looking for someone to build a website, will pay")
    assert abs(sum(p.values()) - 1.0) < 1e-9 and max(p, key=p.get) == "request"


def test_scores_equal_sklearn_pipeline():
    pytest.importorskip("sklearn")
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from core.leads.training import PARAMS, load_posts, training_set

    texts, labels = training_set(load_posts())
    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=PARAMS["min_df"], max_features=PARAMS["max_features"],
                          sublinear_tf=True)
    x = vec.fit_transform(texts)
    clf = LogisticRegression(C=PARAMS["C"], max_iter=5000, class_weight="balanced").fit(x, labels)
    m = load_model()
    probe = [model_text(strip_tags("[Hiring] python scraper"), "need it by friday, will pay $200"),
             model_text("Artist available", "my portfolio and my rates"), texts[0], texts[-1]]
    want = clf.predict_proba(vec.transform(probe))
    got = np.array([[m.proba(t)[c] for c in clf.classes_] for t in probe])
    assert np.allclose(got, want, atol=1e-4)  # the artefact rounds weights to 6 decimals


def test_retraining_reproduces_the_committed_artefact():
    pytest.importorskip("sklearn")
    from core.leads.training import dumps, train

    assert dumps(train()) == ARTEFACT.read_text(encoding="utf-8"), \
        "the committed model is stale: run `make train-intent` and commit core/leads/intent_model.json"


def test_from_dict_round_trip():
    d = json.loads(ARTEFACT.read_text(encoding="utf-8"))
    a, b = IntentModel.from_dict(d), load_model()
    text = "we are hiring a senior developer"
    assert a.proba(text) == b.proba(text)
