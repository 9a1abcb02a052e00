"""The offline sample: real r/forhire posts replayed as a Reddit listing, honest default keywords,
so a new user's inbox holds real requests and the offers stay out of it."""
from __future__ import annotations

import pytest

from core.config import DEFAULT_KEYWORDS
from core.leads.sample import SAMPLE
from core.replay import replay_file
from core.store.keywords import seed_keywords
from core.store.lead_inbox import lead_inbox

pytestmark = pytest.mark.timeout(90)


def test_no_default_keyword_exists_for_the_sample():
    assert not {"golang", "ask hn", "rest api"} & set(DEFAULT_KEYWORDS)


def test_replaying_the_listing_fills_the_inbox_with_requests(store, settings):
    seed_keywords(store, DEFAULT_KEYWORDS)
    out = replay_file(store, settings, "leads", SAMPLE)
    assert out["status"] == "ok" and out["fetched"] == 60 and out["new"] > 10, out
    inbox = lead_inbox(store, status="new")
    offers = lead_inbox(store, status="new", intent="offer")
    assert inbox.height >= 5 and offers.height >= 5
    assert set(inbox["intent"]) == {"request"} and set(offers["intent"]) == {"offer"}
    assert inbox["intent_reason"].str.len_chars().min() > 0
    # replaying again stores nothing twice
    again = replay_file(store, settings, "leads", SAMPLE)
    assert again["new"] == 0 and again["duplicate"] == out["new"]


def test_export_carries_intent(store, settings):
    from core.store import exports as export_q

    seed_keywords(store, DEFAULT_KEYWORDS)
    replay_file(store, settings, "leads", SAMPLE)
    frame = export_q.read_rows(store, "leads")
    assert {"intent", "intent_confidence", "intent_reason", "score_reason"} <= set(frame.columns)
    assert frame["intent"].null_count() == 0
