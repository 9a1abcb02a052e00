"""The finance-aware scorer: headline cases, their negations, numbers, hedges, invariants."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.sentiment import Score, score, score_batch

pytestmark = pytest.mark.timeout(60)

POSITIVE = [
    "Revenue rises 20%",
    "Loss narrowed in the third quarter",
    "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn",
    "Operating profit totalled EUR 21.1 mn compared with EUR 18.6 mn a year earlier",
    "Net sales were EUR 30.2 mn versus EUR 25.0 mn",
    "Company beat analyst estimates",
    "Apple raised its full-year guidance",
    "Broker upgrades Nokia to buy",
    "The company cut its costs by 10 %",
    "Quarterly earnings were better than expected",
    "Shares soar on record profit",
    "Debt fell to EUR 5 mn from EUR 9 mn",
]
NEGATIVE = [
    "Shares plunge after earnings miss",
    "Firm files for bankruptcy",
    "Costs rose in the quarter",
    "Net sales decreased",
    "Operating profit fell to EUR 8.7 mn from EUR 13.1 mn",
    "Operating profit totalled EUR 18.6 mn compared with EUR 21.1 mn a year earlier",
    "Company missed estimates",
    "Retailer cut its guidance",
    "Analyst downgrades Tesla",
    "The company will lay off 200 employees",
    "Net loss widened to EUR 4 mn",
    "Results were worse than expected",
]
NEUTRAL = [
    "The company has offices in Helsinki and Stockholm .",
    "The annual general meeting will be held on 25 March .",
    "Technopolis plans to develop an area of 100,000 square meters .",
]


@pytest.mark.parametrize("text", POSITIVE)
def test_good_financial_news_is_positive(text: str) -> None:
    s = score(text)
    assert s.label == "positive", s


@pytest.mark.parametrize("text", NEGATIVE)
def test_bad_financial_news_is_negative(text: str) -> None:
    s = score(text)
    assert s.label == "negative", s


@pytest.mark.parametrize("text", NEUTRAL)
def test_plain_statements_are_neutral(text: str) -> None:
    assert score(text).label == "neutral"


@pytest.mark.parametrize(("plain", "negated"), [
    ("Revenue rose in the quarter", "Revenue did not rise in the quarter"),
    ("Company beat estimates", "Company failed to beat estimates"),
    ("Sales increased", "Sales have not increased"),
    ("Costs rose", "Costs did not rise"),
])
def test_negation_flips_the_sign(plain: str, negated: str) -> None:
    a, b = score(plain).compound, score(negated).compound
    assert a * b < 0, (a, b)


@pytest.mark.parametrize(("sure", "hedged"), [
    ("Revenue rises this year", "Revenue may rise this year"),
    ("Profit will increase", "The company expects profit to increase"),
    ("Sales fall", "Sales could fall"),
])
def test_hedges_damp_but_keep_the_direction(sure: str, hedged: str) -> None:
    a, b = score(sure).compound, score(hedged).compound
    assert a * b > 0 and abs(b) < abs(a), (a, b)


def test_direction_depends_on_the_metric() -> None:
    assert score("Loss narrowed").compound > 0 > score("Profit narrowed").compound
    assert score("Costs rose").compound < 0 < score("Sales rose").compound
    assert score("Lower costs").compound > 0 > score("Lower sales").compound


def test_numbers_decide_when_there_is_no_verb() -> None:
    up = score("Operating profit EUR 5.2 mn ( EUR 3.1 mn )")
    down = score("Operating profit EUR 3.1 mn ( EUR 5.2 mn )")
    assert up.label == "positive" and down.label == "negative"
    # years in parentheses are not amounts
    assert score("Net sales EUR 5.2 mn ( 2007 )").label != "negative"


def test_plain_vader_mistakes_are_fixed() -> None:
    assert score("Shares plunge after earnings miss").compound < -0.3
    assert score("Revenue rises 20%").compound > 0.3
    assert score("Firm files for bankruptcy").compound < -0.3


def test_empty_and_blank_text_is_neutral_zero() -> None:
    for text in ("", "   ", "\n\t", "12 34 , ."):
        assert score(text) == Score(0.0, "neutral")


def test_batch_matches_single_scores_in_order() -> None:
    texts = POSITIVE + NEGATIVE + NEUTRAL + [""]
    assert score_batch(texts) == [score(t) for t in texts]
    assert score_batch([]) == []


def test_very_long_text_is_bounded() -> None:
    s = score("Revenue rises. " * 100_000)
    assert -1.0 <= s.compound <= 1.0 and s.label == "positive"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_scores_in_range_and_deterministically(text: str) -> None:
    s = score(text)
    assert isinstance(s.compound, float) and -1.0 <= s.compound <= 1.0
    assert s.label in {"positive", "neutral", "negative"}
    assert score(text) == s


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(
    "profit loss costs sales rose fell narrowed widened not may EUR 5 3 ( ) from to "
    "compared with vs up down cut raised guidance beat missed estimates , . ;".split()),
    max_size=40))
def test_finance_word_soup_stays_in_range(words: list[str]) -> None:
    s = score(" ".join(words))
    assert -1.0 <= s.compound <= 1.0
    label = "positive" if s.compound > 0 else "negative" if s.compound < 0 else "neutral"
    assert s.label in {label, "neutral"}


@pytest.mark.parametrize(("text", "label"), [
    ("Rio Tinto swings to loss, drops dividend policy", "negative"),
    ("AstraZeneca investment eats into profit", "negative"),
    ("Barclays profit depressed by foreign exchange provisions", "negative"),
    ("Shares in BAE Systems hit 10-month high on rating upgrade", "positive"),
    ("Profit hit by weak sales", "negative"),
    ("Nokia increased its market share", "positive"),
    ("Stora Enso said it would close four mills", "negative"),
    ("Uponor closed in the red", "negative"),
    ("The company will temporarily lay off 200 people", "negative"),
    ("Company cut its costs", "positive"),
])
def test_finance_phrases(text: str, label: str) -> None:
    assert score(text).label == label, score(text)


def test_but_outweighs_and_despite_concedes() -> None:
    # the main clause decides: "despite X" is the lesser part, what follows "but" the greater
    assert score("Persimmon reports strong trading despite planning delays").label == "positive"
    assert score("Sales rose, but operating profit fell sharply").label == "negative"


def test_currency_conversion_is_not_a_change() -> None:
    assert score("Revenue of EUR 10 mn ( USD 13.2 mn ) is expected").label == "neutral"
    assert score("The firm generated sales of 187 mln eur in 2005 .").label == "neutral"


def test_reported_decimals_split_by_wire_formatting() -> None:
    assert score("EPS stood at EUR0 .07 versus EUR0 .11 .").label == "negative"
