"""Slash-command answers come from the store only and are valid, harmless payloads."""
from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest

from core.models import utcnow
from core.publish.bot import build_bot, leads_answer, sentiment_answer, signals_answer
from core.store import insert_new
from core.store.signals import replace_signals
from tests.fakes.discord_api import payload_problems

pytestmark = pytest.mark.timeout(30)


def _seed(store):
    now = utcnow()
    news = pl.DataFrame({
        "id": ["n1", "n2", "n3"], "source": ["cnbc"] * 3,
        "url": ["https://c/1", "https://c/2", "https://c/3"],
        "title": ["Apple soars @everyone", "Apple dips", "Tesla news"],
        "published_at": [now - timedelta(hours=1), now - timedelta(hours=2), now],
        "fetched_at": [now] * 3, "tickers": [["AAPL"], ["AAPL"], ["TSLA"]],
        "sentiment": [0.8, -0.2, 0.1], "sentiment_label": ["positive", "negative", "neutral"],
    })
    signals = pl.DataFrame({"symbol": ["AAPL"], "day": [now.date()], "trend": [0.2], "reversion": [0.0],
                            "sentiment": [0.3], "volume": [0.1], "composite": [0.25], "computed_at": [now]})
    leads = pl.DataFrame({"id": ["l1"], "platform": ["reddit"], "title": ["<@&456> need dev"],
                          "fetched_at": [now], "score": [4.0], "status": ["new"]})
    replace_signals(store, signals, pl.DataFrame())  # the learn job's writer (keeps signals_latest)
    with store.write() as con:
        insert_new(con, "news", news, "id")
        insert_new(con, "leads", leads, "id")


def test_sentiment_answer_from_store(store):
    _seed(store)
    p = sentiment_answer(store, "aapl")
    assert payload_problems(p) == [] and p["allowed_mentions"] == {"parse": []}
    e = p["embeds"][0]
    assert e["title"] == "AAPL sentiment, last 7 days"
    assert e["fields"][0]["value"].startswith("+0.30 over 2 stories (1 positive, 1 negative)")
    assert e["fields"][1]["name"].startswith("Signal ")
    assert "@everyone" not in str(p)


def test_sentiment_answer_rejects_non_tickers_and_unknowns(store):
    assert "does not look like a ticker" in sentiment_answer(store, "@everyone; DROP TABLE")["content"]
    assert sentiment_answer(store, "ZZZZ")["content"].startswith("No stored news or signal for ZZZZ")


def test_signals_and_leads_answers(store):
    assert signals_answer(store)["content"] == "No signals computed yet."
    assert leads_answer(store)["content"] == "No new leads."
    _seed(store)
    assert signals_answer(store)["embeds"][0]["title"].startswith("AAPL · composite +0.25")
    leads = leads_answer(store)
    assert payload_problems(leads) == [] and "<@&456>" not in str(leads)


def test_bot_registers_three_commands_without_connecting(store):
    client = build_bot(store)
    assert sorted(c.name for c in client.tree.get_commands()) == ["leads", "sentiment", "signals"]
