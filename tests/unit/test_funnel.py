"""Lead funnel: status changes with their event log (real DuckDB) and the pure metrics."""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from core.leads.funnel import conversion_rates, funnel_counts, reached, time_to_convert
from core.models import LEAD_SCHEMA
from core.store.funnel import lead_events, lead_outcomes, set_lead_note, set_lead_status
from core.store.leads import insert_leads

pytestmark = pytest.mark.timeout(30)
T0 = datetime(2026, 1, 5, 9, 0)  # a Monday, ISO week 2026-W02


def leads_frame(rows: list[tuple[str, str, list[str], datetime]]) -> pl.DataFrame:
    return pl.DataFrame({
        "id": [r[0] for r in rows], "platform": [r[1] for r in rows], "source": "test",
        "url": [f"https://example.test/{r[0]}" for r in rows], "author": "a", "title": "t", "body": "b",
        "posted_at": [r[3] for r in rows], "fetched_at": [r[3] for r in rows],
        "matched_keywords": [r[2] for r in rows], "score": 1.0, "sentiment": 0.0,
        "sentiment_label": "neutral", "cluster_id": None,
    }).select(list(LEAD_SCHEMA)).cast(LEAD_SCHEMA)


@pytest.fixture
def lead_store(store):
    insert_leads(store, leads_frame([
        ("a", "reddit", ["trading bot"], T0),
        ("b", "reddit", ["discord bot"], T0),
        ("c", "hn", ["trading bot", "dashboard"], T0 + timedelta(days=7)),
    ]))
    return store


def test_set_lead_status_writes_one_event_per_changed_lead(lead_store):
    t1 = T0 + timedelta(hours=1)
    assert set_lead_status(lead_store, ["a", "b", "zzz"], "reviewed", now=t1) == 2
    ev = lead_events(lead_store)
    assert sorted(ev.select("lead_id", "from_status", "to_status").rows()) == [("a", "new", "reviewed"),
                                                                        ("b", "new", "reviewed")]
    assert ev["changed_at"].to_list() == [t1, t1]
    out = lead_outcomes(lead_store).filter(pl.col("id") == "a").row(0, named=True)
    assert out["status"] == "reviewed" and out["status_at"] == t1


def test_no_op_change_writes_nothing_and_note_is_kept(lead_store):
    set_lead_status(lead_store, ["a"], "contacted", note="emailed", now=T0)
    assert set_lead_status(lead_store, ["a"], "CONTACTED", note="again") == 0
    ev = lead_events(lead_store)
    assert ev.height == 1 and ev["note"].to_list() == ["emailed"]
    assert set_lead_status(lead_store, [], "won") == 0


def test_unknown_status_is_rejected_and_nothing_changes(lead_store):
    with pytest.raises(ValueError, match="unknown lead status 'hired'.*new, reviewed"):
        set_lead_status(lead_store, ["a"], "hired")
    assert lead_events(lead_store).is_empty()
    assert set(lead_outcomes(lead_store)["status"]) == {"new"}


def test_note_and_since_filter(lead_store):
    assert set_lead_note(lead_store, "b", "call back friday") is True
    assert set_lead_note(lead_store, "nope", "x") is False
    set_lead_status(lead_store, ["b"], "contacted", now=T0)
    set_lead_status(lead_store, ["b"], "won", now=T0 + timedelta(days=2))
    assert lead_events(lead_store, since=T0 + timedelta(days=1))["to_status"].to_list() == ["won"]


def events(rows: list[tuple[str, str | None, str, int]]) -> pl.DataFrame:
    return pl.DataFrame({
        "lead_id": [r[0] for r in rows], "from_status": [r[1] for r in rows],
        "to_status": [r[2] for r in rows], "changed_at": [T0 + timedelta(hours=r[3]) for r in rows],
    }, schema={"lead_id": pl.String, "from_status": pl.String, "to_status": pl.String,
               "changed_at": pl.Datetime("us")})


OUTCOMES = pl.DataFrame({
    "id": ["a", "b", "c", "d", "e", "f"],
    "platform": ["reddit", "reddit", "hn", "hn", "rss", "reddit"],
    "matched_keywords": [["bot"], ["bot", "dash"], ["dash"], ["bot"], [], ["dash"]],
    "posted_at": [T0, T0, T0 + timedelta(days=7), T0 + timedelta(days=7), T0, T0 - timedelta(days=1)],
    "status": ["won", "lost", "replied", "ignored", "new", "won"],
})
LOG = events([
    ("a", "new", "reviewed", 0), ("a", "reviewed", "contacted", 2), ("a", "contacted", "replied", 5),
    ("a", "replied", "won", 26),
    ("b", "new", "contacted", 1), ("b", "contacted", "replied", 3), ("b", "replied", "lost", 9),
    ("c", "new", "replied", 4),
    ("d", "new", "ignored", 1),
    ("f", "new", "won", 10),
])


def test_funnel_counts_on_hand_made_log():
    counts = dict(funnel_counts(OUTCOMES, LOG).rows())
    # reached: a=won, b=replied (then lost), c=replied, d=reviewed (ignored), e=new, f=won
    assert counts == {"new": 6, "reviewed": 5, "contacted": 4, "replied": 4, "won": 2,
                      "lost": 1, "ignored": 1}
    r = dict(reached(OUTCOMES, LOG).select("id", "reached").rows())
    assert r["b"] == 3 and r["e"] == 0


def test_conversion_rates_by_keyword_platform_week():
    kw = {row["group"]: row for row in conversion_rates(OUTCOMES, "keyword").iter_rows(named=True)}
    # bot: a won, b lost, d ignored -> 1/3 decided; dash: b lost, c open, f won -> 1/2
    assert kw["bot"]["decided"] == 3 and kw["bot"]["rate"] == pytest.approx(1 / 3)
    assert kw["dash"]["decided"] == 2 and kw["dash"]["rate"] == pytest.approx(0.5)
    assert kw["dash"]["rate_all"] == pytest.approx(1 / 3)
    plat = {r["group"]: r for r in conversion_rates(OUTCOMES, "platform").iter_rows(named=True)}
    assert plat["reddit"]["rate"] == pytest.approx(2 / 3) and plat["rss"]["rate"] is None
    weeks = {r["group"]: r["rate"] for r in conversion_rates(OUTCOMES, "week").iter_rows(named=True)}
    assert weeks == {"2026-W02": pytest.approx(0.5), "2026-W03": pytest.approx(0.0),
                     "2026-W01": pytest.approx(1.0)}
    with pytest.raises(ValueError, match="group leads by"):
        conversion_rates(OUTCOMES, "colour")


def test_time_to_convert_from_first_event_to_won():
    ttc = {r["lead_id"]: r["hours"] for r in time_to_convert(LOG).iter_rows(named=True)}
    assert ttc == {"a": pytest.approx(26.0), "f": pytest.approx(0.0)}


def test_store_round_trip_feeds_the_metrics(lead_store):
    set_lead_status(lead_store, ["a", "c"], "contacted", now=T0 + timedelta(hours=1))
    set_lead_status(lead_store, ["a"], "won", now=T0 + timedelta(hours=5))
    set_lead_status(lead_store, ["c"], "lost", now=T0 + timedelta(hours=6))
    out, ev = lead_outcomes(lead_store), lead_events(lead_store)
    assert dict(funnel_counts(out, ev).rows())["contacted"] == 2
    kw = {r["group"]: r["rate"] for r in conversion_rates(out).iter_rows(named=True)}
    assert kw == {"trading bot": pytest.approx(0.5), "dashboard": pytest.approx(0.0), "discord bot": None}
    assert time_to_convert(ev)["hours"].to_list() == [pytest.approx(4.0)]


def test_empty_store_gives_zero_funnel(store):
    out, ev = lead_outcomes(store), lead_events(store)
    assert set(dict(funnel_counts(out, ev).rows()).values()) == {0}
    assert conversion_rates(out, "platform").is_empty() and time_to_convert(ev).is_empty()
