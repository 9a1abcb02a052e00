"""Per-target scores (core.sentiment.targets): each company gets the clauses about it."""
from __future__ import annotations

import pytest

from core.sentiment import score, score_batch
from core.sentiment.targets import clauses, score_for, target_text, ticker_rows

pytestmark = pytest.mark.timeout(30)


def _one(text: str, target: str, name: str | None = None):
    return score_for([(text, target, name)], score_batch)[0]


def test_two_companies_two_verdicts() -> None:
    text = "Walmart beats estimates, Target misses estimates"
    assert _one(text, "Walmart").label == "positive"
    assert _one(text, "Target").label == "negative"
    # a ticker finds its company through the name given with it
    assert _one(text, "WMT", "Walmart Inc.").label == "positive"
    assert _one(text, "$TGT", "Target Corporation").label == "negative"
    assert _one("Apple rises while Samsung falls", "Samsung").label == "negative"


def test_clause_cuts_and_a_target_everywhere_or_nowhere_keeps_the_whole_text() -> None:
    assert clauses("Apple rises while Samsung falls") == ["Apple rises", "while Samsung falls"]
    assert clauses("Tesco share price: sales fall as rivals grow - Reuters") == [
        "Tesco share price: sales fall as rivals grow - Reuters"]  # no cut at ":", " - ", "as"
    assert target_text("Apple rises but Apple's margin falls", "Apple") == \
        "Apple rises but Apple's margin falls"
    assert target_text("Shares slump on rate fears", "Apple") == "Shares slump on rate fears"
    assert _one("Shares slump on rate fears", "Apple") == score("Shares slump on rate fears")
    # whole words only: "targeted" is not Target
    assert target_text("Walmart beats, targeted ads fall", "Target") == \
        "Walmart beats, targeted ads fall"


def test_a_name_in_a_list_gets_the_whole_story() -> None:
    text = "RBS, Lloyds most exposed to commercial property slump"
    assert target_text(text, "RBS") == text  # "RBS" alone says nothing
    assert target_text(text, "Lloyds") == "Lloyds most exposed to commercial property slump"
    assert _one(text, "RBS").label == _one(text, "Lloyds").label == "negative"


def test_a_lawsuit_is_bad_news_for_the_one_sued() -> None:
    assert _one("Nokia files lawsuit against Apple", "Apple").label == "negative"
    assert _one("Apple sued by Nokia over patents", "Apple").label == "negative"


def test_ticker_rows_one_per_ticker_in_order() -> None:
    rows = ticker_rows(["n1", "n2"], ["Walmart beats estimates, Target misses estimates", "x"],
                       [["WMT", "TGT", "wmt"], []], {"WMT": "Walmart Inc.", "TGT": "Target Corp."},
                       score_batch)
    assert [(r[0], r[1], r[3]) for r in rows] == [("n1", "WMT", "positive"), ("n1", "TGT", "negative")]
    assert all(-1.0 <= r[2] <= 1.0 for r in rows)
