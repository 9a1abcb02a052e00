"""The inbox shows requests with their intent and reason; 'Offers' shows the competition."""
import polars as pl
import pytest

from core.store.leads import insert_leads
from tests.ui.conftest import make_app, no_exceptions

LEADS = "views/leads.py"


def _lead(lid, title, intent, reason, score, now):
    return {"id": lid, "platform": "reddit", "source": "r/forhire", "url": f"https://example.com/{lid}",
            "author": "a", "title": title, "body": "", "posted_at": now, "fetched_at": now,
            "matched_keywords": ["python"], "score": score, "sentiment": 0.0, "sentiment_label": "neutral",
            "cluster_id": None, "intent": intent, "intent_confidence": 0.97, "intent_reason": reason,
            "score_reason": f"{intent} 0.97 × keywords 2 (python) × learned 1.00 × recency 1.00 = {score:.3f}",
            "flair": None}


@pytest.mark.timeout(60)
def test_inbox_shows_requests_and_the_offers_view(settings, store, now):
    insert_leads(store, pl.DataFrame([
        _lead("r1", "[Hiring] python scraper", "request", "title tag [Hiring]", 1.9, now),
        _lead("o1", "[For Hire] python developer", "offer", "title tag [For Hire]", 1.8, now),
        _lead("x1", "[META] rules", "other", "title tag [META]", 1.7, now)]))
    at = make_app(settings, LEADS)
    no_exceptions(at)
    table = at.dataframe[0].value
    assert table["title"].to_list() == ["[Hiring] python scraper"]
    assert table["intent"].to_list() == ["request"] and table["intent_reason"].to_list() == ["title tag [Hiring]"]
    assert any(t.value.startswith("Intent: request (0.97) — title tag [Hiring]") for t in at.text)
    assert any(t.value.startswith("Rank: request 0.97 × keywords") for t in at.text)
    at.radio(key="lead_intent").set_value("Offers").run()
    no_exceptions(at)
    assert at.dataframe[0].value["title"].to_list() == ["[For Hire] python developer"]
