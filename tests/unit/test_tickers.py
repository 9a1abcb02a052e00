"""Ticker extraction: real conventions in, false positives out."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.tickers import TickerMatcher, company_aliases, extract_tickers

pytestmark = pytest.mark.timeout(30)

WATCH = {"AAPL": "Apple Inc.", "MSFT": "Microsoft Corporation", "IT": "Gartner, Inc.",
         "META": "Meta Platforms, Inc.", "F": "Ford Motor Company"}


@pytest.mark.parametrize("text, expected", [
    ("$AAPL jumps after earnings", ["AAPL"]),
    ("Buying $tsla and $BRK.B today", ["BRK.B", "TSLA"]),
    ("Acme Corp. (NASDAQ: ACME) announces results", ["ACME"]),
    ("Exxon (NYSE:XOM) and Foo (NYSE American: FOO)", ["FOO", "XOM"]),
    ("Apple and Microsoft lead the rally", ["AAPL", "MSFT"]),
    ("Meta Platforms cuts jobs", ["META"]),
    ("NVDA and MSFT shares", ["MSFT"]),  # NVDA is not watched: bare symbols need the watchlist
])
def test_finds_tickers(text, expected):
    assert extract_tickers(text, WATCH) == expected


@pytest.mark.parametrize("text", [
    "It raised $5 million and $100M more",
    "A new IT budget: IT spending grows",
    "an apple pie recipe; apple a day",
    "ALL NEW: CEO says NOW is the time",
    "$5.50 per share, $ XYZW with a space",
    "emails like foo$bar@example.com",
    "$A is not enough on its own",
])
def test_avoids_false_positives(text):
    assert extract_tickers(text, WATCH) == []


def test_single_letter_cashtag_only_when_watched():
    assert extract_tickers("$F rallies", WATCH) == ["F"]
    assert extract_tickers("$X rallies", WATCH) == []


def test_company_aliases_drop_legal_suffixes():
    assert company_aliases("Apple Inc.") == ["Apple Inc.", "Apple"]
    assert "Meta" in company_aliases("Meta Platforms, Inc.")
    assert company_aliases(None) == [] and company_aliases("GE") == []


@given(st.text(max_size=300))
def test_never_fails_and_returns_sorted_unique(text):
    out = TickerMatcher(WATCH).extract(text)
    assert out == sorted(set(out))
