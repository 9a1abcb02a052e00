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


# Hand-written sentences of the kind the pipeline sees (not taken from the dev sets).
HANDWRITTEN = [
    ('positive', 'Quarterly revenue grew 12% year over year'),
    ('positive', 'The company reported record quarterly earnings'),
    ('positive', 'Net income more than doubled to $2.1 billion'),
    ('positive', 'Operating margin improved to 18.5% from 15.2%'),
    ('positive', 'Apple shares rallied 5% after strong iPhone sales'),
    ('positive', 'The board approved a 10% dividend increase'),
    ('positive', "Moody's upgraded the bank's credit rating"),
    ('positive', 'The company announced a $5 billion share buyback'),
    ('positive', 'Earnings per share came in at $1.52, ahead of the $1.40 consensus'),
    ('positive', 'The firm returned to profit in the second quarter'),
    ('positive', 'Order backlog reached an all-time high'),
    ('positive', 'Net debt was reduced by EUR 200 million'),
    ('positive', 'The company won a $300 million contract from the Navy'),
    ('positive', 'Analysts raised their price target to $150'),
    ('positive', 'Losses narrowed to $3 million from $10 million a year ago'),
    ('positive', 'Tesla deliveries beat Wall Street expectations'),
    ('positive', 'Unemployment fell to its lowest level in a decade'),
    ('positive', 'The drugmaker won FDA approval for its new cancer treatment'),
    ('negative', 'Revenue declined 8% as demand weakened'),
    ('negative', 'The company swung to a net loss of $45 million'),
    ('negative', 'Shares tumbled 12% after the company cut its outlook'),
    ('negative', 'The retailer warned that full-year profit would fall short of forecasts'),
    ('negative', "S&P downgraded the company's debt to junk"),
    ('negative', 'The airline suspended its dividend'),
    ('negative', 'Operating costs jumped 20%'),
    ('negative', 'The bank set aside $2 billion for bad loans'),
    ('negative', 'The automaker is recalling 500,000 vehicles'),
    ('negative', 'Regulators fined the bank $1 billion'),
    ('negative', 'The company will cut 3,000 jobs'),
    ('negative', 'Sales were lower than expected'),
    ('negative', "The chipmaker's gross margin contracted to 40% from 45%"),
    ('negative', 'Net loss widened to EUR 12 mn from EUR 4 mn'),
    ('negative', 'The firm filed for Chapter 11 bankruptcy protection'),
    ('negative', 'Investors sued the company over misleading statements'),
    ('negative', 'Earnings missed estimates for the third straight quarter'),
    ('negative', 'Inventories piled up as sales slowed'),
    ('neutral', 'The company will report its results on 5 February'),
    ('neutral', 'The annual general meeting is scheduled for March'),
    ('neutral', 'The company is headquartered in Espoo, Finland'),
    ('neutral', 'The shares will be listed on the Helsinki stock exchange'),
    ('neutral', 'Revenue was flat compared with last year'),
    ('neutral', 'The CEO will present at the investor conference next week'),
    ('neutral', 'The company has 1,200 employees in 14 countries'),
    ('neutral', 'The results were in line with expectations'),
    ('positive', 'Microsoft beats on top and bottom lines'),
    ('positive', 'Cloud revenue surged 30% in the quarter'),
    ('positive', 'The company expects margins to expand next year'),
    ('positive', 'Free cash flow rose to $4.2 billion'),
    ('positive', 'Same-store sales increased 6.1%'),
    ('positive', 'The stock hit an all-time high on Friday'),
    ('positive', 'The merger is expected to generate annual cost savings of $500 million'),
    ('positive', 'Guidance was raised for the full year'),
    ('positive', 'Profit before tax was EUR 45.2 mn (EUR 30.1 mn)'),
    ('positive', 'The company posted better-than-expected results'),
    ('positive', 'Nvidia stock jumps on AI chip demand'),
    ('positive', 'Bookings grew strongly in all regions'),
    ('positive', 'The company has completed its debt refinancing, reducing interest costs'),
    ('positive', 'Customer churn dropped to 1.2%'),
    ('negative', 'Profit before tax was EUR 30.1 mn (EUR 45.2 mn)'),
    ('negative', 'The company lowered its full-year revenue forecast'),
    ('negative', 'Shares slid 4% after the CEO resigned unexpectedly'),
    ('negative', 'The company reported an impairment charge of $1.3 billion'),
    ('negative', 'Sales volumes fell sharply in Europe'),
    ('negative', "The SEC opened an investigation into the company's accounting"),
    ('negative', 'The company did not meet its targets'),
    ('negative', 'Margins came under pressure from higher raw material costs'),
    ('negative', "The firm's credit rating was cut to BBB-"),
    ('negative', 'Customer churn rose to 3%'),
    ('negative', 'Boeing halts production of the 737 MAX'),
    ('negative', 'Demand for PCs remains weak'),
    ('negative', 'The company posted a wider-than-expected loss'),
    ('negative', 'Revenue fell short of analyst estimates'),
    ('negative', 'The startup laid off a third of its staff'),
    ('negative', 'Oil prices crashed as demand collapsed'),
    ('neutral', 'Trading volume was 1.2 million shares'),
    ('neutral', 'The report covers the period from January to June'),
    ('neutral', 'The company operates 350 stores across Europe'),
    ('neutral', 'The meeting will be held in Helsinki'),
    ('neutral', 'Nokia will publish its interim report on 19 October'),
    ('positive', 'Loss smaller than expected'),
    ('positive', 'Costs declined for the third consecutive quarter'),
    ('positive', 'AMZN up 3% premarket on strong holiday sales'),
    ('positive', 'The company no longer expects a loss this year'),
    ('positive', 'Deficit shrank to $1.2 billion'),
    ('positive', 'The group turned a profit for the first time'),
    ('positive', 'Shares of the company rose after it agreed to be acquired at a premium'),
    ('positive', 'The company secured a new credit facility of EUR 100 million'),
    ('positive', 'Profit jumped 45% to EUR 120 million'),
    ('positive', 'Revenue for the period totalled EUR 56.3 mn, up from EUR 49.0 mn'),
    ('positive', "The bank's capital ratio strengthened"),
    ('positive', 'Orders received grew by 25%'),
    ('negative', 'Gross margin fell 300 basis points'),
    ('negative', "The company failed to meet analysts' expectations"),
    ('negative', 'Revenue growth slowed to 2%'),
    ('negative', 'Debt rose to EUR 900 million from EUR 600 million'),
    ('negative', 'The company posted a loss of EUR 3.2 mn compared with a profit of EUR 1.1 mn'),
    ('negative', 'Operating result was EUR -4.5 mn'),
    ('negative', 'Stocks sank as recession fears mounted'),
    ('negative', 'The company is under investigation for fraud'),
    ('negative', 'TSLA down 7% after missing delivery estimates'),
    ('negative', 'Sales dropped 15 percent'),
    ('negative', 'The company does not expect profit to improve'),
    ('negative', 'Production was halted at two plants due to a strike'),
    ('negative', 'Weak demand hurt results'),
    ('negative', 'The company issued a profit warning'),
    ('neutral', 'Shares were unchanged at $45.10'),
    ('neutral', 'The company will hold a conference call at 10 am'),
    ('neutral', "The company's fiscal year ends in June"),
    ('neutral', 'Nordea is the largest bank in the Nordic region'),
    ('positive', 'Operating profit increased to EUR 9.8 mn from EUR 6.5 mn a year earlier'),
    ('positive', 'Net sales grew by 18.9 % to EUR 1.2 billion'),
    ('positive', "The company's order book stood at EUR 350 mn, up 20 % year-on-year"),
    ('positive', 'Earnings per share rose to EUR 0.52 from EUR 0.31'),
    ('positive', 'Finnish Componenta won a large order from a Swedish truck maker'),
    ('positive', 'The company was awarded a five-year contract worth EUR 40 million'),
    ('positive', 'Pretax profit totalled EUR 12.1 mn, compared to a loss of EUR 2.3 mn in 2008'),
    ('positive', 'Cash flow from operations improved significantly'),
    ('positive', "The new plant will double the company's production capacity"),
    ('positive', 'Comparable sales growth accelerated to 7%'),
    ('positive', 'Raute signed a EUR 15 million deal to supply plywood mill equipment'),
    ('positive', 'The company has increased its market share in Russia'),
    ('negative', 'Operating profit decreased to EUR 3.1 mn from EUR 7.9 mn'),
    ('negative', 'Net sales fell by 25 % to EUR 80 million'),
    ('negative', 'The company swung to an operating loss of EUR 1.9 mn'),
    ('negative', 'Pretax loss totalled EUR 5.3 mn, compared to a profit of EUR 2.1 mn in 2008'),
    ('negative', 'The company will close its plant in Salo, cutting 300 jobs'),
    ('negative', 'Orders received decreased by 35%'),
    ('negative', 'The company expects its net sales to decline in 2009'),
    ('negative', 'Earnings per share were EUR -0.15'),
    ('negative', 'The company has initiated negotiations to reduce its workforce'),
    ('negative', 'Demand for paper has weakened significantly'),
    ('negative', "The Group's operating loss widened to EUR 14 mn"),
    ('negative', 'Profitability was weighed down by high raw material prices'),
    ('neutral', "The company's shares are listed on the Helsinki Stock Exchange"),
    ('neutral', 'The company employs 2,500 people'),
    ('neutral', 'The interim report will be published on 28 April 2010'),
    ('neutral', "Tecnomen's products are sold in over 90 countries"),
    ('positive', 'Netflix subscriber growth tops forecasts'),
    ('positive', 'Intel shares pop on upbeat guidance'),
    ('positive', 'Walmart lifts annual profit outlook'),
    ('positive', 'Goldman Sachs profit soars on trading boom'),
    ('positive', 'Ford to add 2,000 jobs at Michigan plant'),
    ('positive', 'Pfizer vaccine wins full FDA approval'),
    ('positive', 'Airbus deliveries rebound in March'),
    ('positive', 'Oil major BP posts bumper quarterly profit'),
    ('positive', 'Disney stock rallies as streaming losses shrink'),
    ('positive', 'Unilever raises dividend after solid quarter'),
    ('positive', 'HSBC to buy back up to $2 billion of shares'),
    ('positive', 'Eurozone economy grows faster than expected'),
    ('negative', 'Meta shares sink as ad growth slows'),
    ('negative', 'Credit Suisse posts surprise quarterly loss'),
    ('negative', 'Vodafone to axe 11,000 jobs'),
    ('negative', 'GE slashes dividend to a penny'),
    ('negative', 'Volkswagen faces billions in fines over emissions scandal'),
    ('negative', 'Twitter revenue misses as advertisers pull back'),
    ('negative', 'Nokia profit warning sends shares tumbling'),
    ('negative', 'Retail sales unexpectedly fell in December'),
    ('negative', 'Evergrande defaults on dollar bonds'),
    ('negative', 'Boeing orders dry up after crashes'),
    ('negative', 'Peloton withdraws guidance as demand fades'),
    ('negative', 'Carnival reports record loss'),
    ('negative', 'Bank of America hit with $250 million penalty'),
    ('neutral', 'Tesla to hold annual shareholder meeting in Austin'),
    ('neutral', 'Apple to report earnings on Thursday'),
    ('neutral', 'What to watch in the markets this week'),
    ('neutral', 'Fed minutes due on Wednesday'),
    ('negative', 'UK inflation rises to 10-year high'),
    ('negative', 'Costs hit a record high'),
]


@pytest.mark.parametrize(("label", "text"), HANDWRITTEN)
def test_handwritten_financial_sentences(label: str, text: str) -> None:
    assert score(text).label == label, score(text)
