"""News page: "why this sentiment?" explains the picked story with rule hits and learned weights."""
import pytest

from core.sentiment.explain import explain
from core.store.news_search import search_news
from core.store.rescore import compose_text
from tests.ui.conftest import make_app, no_exceptions


@pytest.mark.timeout(90)
def test_news_row_explanation_matches_the_scorer(settings, seeded_store):
    at = make_app(settings, "views/news.py")
    no_exceptions(at)
    pick = at.selectbox(key="news_explain")
    assert len(pick.options) == len(at.dataframe[0].value)
    pick.set_value(1).run()
    no_exceptions(at)
    row = at.dataframe[0].value.iloc[1]
    found = search_news(seeded_store, None, None, None, 200)
    summary = found.filter(found["title"] == row["title"])["summary"][0]
    e = explain(compose_text(row["title"], summary))
    text = " ".join(m.value for m in at.markdown)
    assert f"**{e.score.label}** ({e.score.compound:+.3f})" in text
    learned = [d.value for d in at.dataframe if any(c.startswith("toward ") for c in d.value.columns)]
    assert learned and list(learned[0]["weight"]) == pytest.approx([v for _, v in e.contributions])
