"""Keyword matching and the lead score."""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from core.leads.keywords import (
    DECAY_FLOOR,
    HALF_LIFE_HOURS,
    Keyword,
    KeywordMatcher,
    lead_score,
    recency_decay,
)

pytestmark = pytest.mark.timeout(30)
NOW = datetime(2025, 1, 10, 12, 0)


def matcher():
    return KeywordMatcher([
        Keyword("trading bot", 2.5), Keyword("discord bot", 2.0), Keyword("api", 1.0, whole_word=True),
        Keyword("python", 1.0), Keyword("[for hire]", 1.0, negative=True),
    ])


def test_phrases_match_case_insensitively_and_sum_weights():
    m = matcher().match("Need a Python dev for a TRADING  BOT")
    assert m.matched and m.terms == ["trading bot", "python"] and m.weight == 3.5


def test_whole_word_option():
    assert matcher().match("We need a capital allocation plan").terms == []
    assert matcher().match("REST API integration").terms == ["api"]
    # without whole_word, substrings count
    assert KeywordMatcher([Keyword("bot", 1)]).match("robotics").matched


def test_negative_keyword_excludes():
    m = matcher().match("[For Hire] python developer, trading bot expert")
    assert not m.matched and m.excluded_by == "[for hire]" and m.weight == 0


def test_no_match_and_empty_text():
    assert not matcher().match("a recipe for cheesecake").matched
    assert not matcher().match("").matched
    assert not KeywordMatcher([]).match("trading bot").matched


def test_from_frame_skips_disabled_rows():
    frame = pl.DataFrame({"term": ["trading bot", "python"], "weight": [2.0, 1.0],
                          "negative": [False, False], "whole_word": [False, False],
                          "enabled": [True, False]})
    m = KeywordMatcher.from_frame(frame).match("python trading bot")
    assert m.terms == ["trading bot"]


def test_recency_decay_half_life_and_floor():
    assert recency_decay(NOW, NOW) == 1.0
    assert recency_decay(NOW - timedelta(hours=HALF_LIFE_HOURS), NOW) == pytest.approx(0.5)
    assert recency_decay(NOW + timedelta(hours=5), NOW) == 1.0  # future clamps to fresh
    assert recency_decay(None, NOW) == 1.0
    assert recency_decay(NOW - timedelta(days=3650), NOW) == DECAY_FLOOR


def test_lead_score_is_weight_times_decay():
    m = matcher().match("trading bot in python")
    assert lead_score(m, NOW, NOW) == pytest.approx(3.5)
    assert lead_score(m, NOW - timedelta(hours=24), NOW) == pytest.approx(1.75)
    assert lead_score(matcher().match("nothing"), NOW, NOW) == 0.0
