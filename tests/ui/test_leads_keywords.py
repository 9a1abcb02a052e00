import pytest

from core.store import keywords as kw_store
from tests.ui.conftest import make_app, no_exceptions

LEADS = "views/leads.py"
KEYWORDS = "views/keywords.py"


@pytest.mark.timeout(60)
def test_inbox_lists_ranked_leads_with_matched_keywords(settings, seeded_store):
    at = make_app(settings, LEADS)
    no_exceptions(at)
    table = at.dataframe[0].value
    assert len(table) > 0
    assert list(table["score"]) == sorted(table["score"], reverse=True)
    assert table["matched"].str.len().min() > 0
    labels = {b.label for b in at.button}
    assert labels >= {"Reviewed", "Won", "Lost", "Ignore", "Post to Discord", "Save note"}


@pytest.mark.timeout(60)
def test_selection_offers_bulk_actions(settings, seeded_store):
    at = make_app(settings, LEADS)
    at.session_state["inbox"] = {"selection": {"rows": [0, 1], "columns": []}}
    at.run()
    no_exceptions(at)
    assert "Mark 2 won" in [b.label for b in at.button]


@pytest.mark.timeout(60)
def test_status_change_writes_lead_event(settings, seeded_store):
    pytest.importorskip("core.store.funnel")
    at = make_app(settings, LEADS)
    lead_id = at.selectbox(key="lead_pick").value
    at.button(key="one_won").click().run()
    no_exceptions(at)
    with seeded_store.read() as con:
        rows = con.execute("SELECT to_status FROM lead_events WHERE lead_id = ?", [lead_id]).fetchall()
        status = con.execute("SELECT status FROM leads WHERE id = ?", [lead_id]).fetchall()[0][0]
    assert ("won",) in rows and status == "won"


@pytest.mark.timeout(60)
def test_search_text_with_sql_is_just_text(settings, seeded_store):
    at = make_app(settings, LEADS)
    at.text_input(key="lead_text").input("'; DROP TABLE leads; --").run()
    no_exceptions(at)
    assert any("No leads match" in i.value for i in at.info)
    with seeded_store.read() as con:
        assert con.execute("SELECT count(*) FROM leads").fetchall()[0][0] == 300


@pytest.mark.timeout(60)
def test_empty_inbox_says_what_to_do(settings, store):
    at = make_app(settings, LEADS)
    no_exceptions(at)
    assert any("No leads yet" in i.value for i in at.info)


@pytest.mark.timeout(60)
def test_keyword_weight_edit_is_saved(settings, seeded_store):
    at = make_app(settings, KEYWORDS)
    no_exceptions(at)
    table = at.data_editor(key="kw_editor").value
    term = table["term"][0]
    at.session_state["kw_editor"] = {"edited_rows": {0: {"weight": 7.25}}, "added_rows": [],
                                     "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label == "Save keywords").click().run()
    no_exceptions(at)
    saved = kw_store.list_keywords(seeded_store)
    assert saved.filter(saved["term"] == term)["weight"][0] == 7.25


@pytest.mark.timeout(60)
def test_invalid_keyword_rows_are_refused_with_a_reason(settings, seeded_store):
    at = make_app(settings, KEYWORDS)
    at.session_state["kw_editor"] = {"edited_rows": {}, "added_rows": [{"term": "", "weight": 1.0}],
                                     "deleted_rows": []}
    at.run()
    assert any("needs a term" in e.value for e in at.error)
    assert next(b for b in at.button if b.label == "Save keywords").disabled


@pytest.mark.timeout(60)
def test_accept_all_suggestions_sets_learned_weights(settings, seeded_store):
    at = make_app(settings, KEYWORDS)
    next(b for b in at.button if b.label == "Accept all suggestions").click().run()
    no_exceptions(at)
    assert any("Accepted 8 learned weights" in s.value for s in at.success)  # shown after the rerun
    with seeded_store.read() as con:
        diff = con.execute("SELECT count(*) FROM keywords k JOIN learned_weights l USING (term) "
                           "WHERE k.weight <> l.suggested_weight").fetchall()[0][0]
    assert diff == 0


@pytest.mark.timeout(60)
def test_preview_ranks_recent_leads_without_saving(settings, seeded_store):
    before = kw_store.list_keywords(seeded_store)
    at = make_app(settings, KEYWORDS)
    at.session_state["kw_editor"] = {"edited_rows": {0: {"weight": 50.0}}, "added_rows": [],
                                     "deleted_rows": []}
    at.run()
    next(b for b in at.button if b.label == "Preview ranking").click().run()
    no_exceptions(at)
    preview = at.dataframe[-1].value
    assert {"new_rank", "old_rank", "new_score"} <= set(preview.columns)
    assert kw_store.list_keywords(seeded_store).equals(before)


@pytest.mark.timeout(60)
def test_bulk_status_change_applies_to_the_selection_then_clears_it(settings, seeded_store):
    at = make_app(settings, LEADS)
    ids = list(at.dataframe[0].value["id"][:2])
    at.session_state["inbox"] = {"selection": {"rows": [0, 1], "columns": []}}
    at.run()
    at.button(key="bulk_contacted").click().run()
    no_exceptions(at)
    with seeded_store.read() as con:
        changed = con.execute("SELECT lead_id FROM lead_events WHERE to_status = 'contacted' "
                              "AND list_contains(?, lead_id) ORDER BY lead_id", [ids]).fetchall()
    assert [r[0] for r in changed] == sorted(ids)
    assert not any(b.label.startswith("Mark 2") for b in at.button)


@pytest.mark.timeout(60)
def test_scraped_markup_is_shown_as_plain_text(settings, store, now):
    import polars as pl

    from core.models import LEAD_SCHEMA
    from core.store.leads import insert_leads

    title = "<script>alert(1)</script> **need** a [discord bot](javascript:x)"
    insert_leads(store, pl.DataFrame([{
        "id": "evil", "platform": "reddit", "source": "r/forhire", "url": "https://example.com/x",
        "author": "<b>me</b>", "title": title, "body": "<img src=x onerror=alert(1)>", "posted_at": now,
        "fetched_at": now, "matched_keywords": ["discord bot"], "score": 2.5, "sentiment": 0.0,
        "sentiment_label": "neutral", "cluster_id": None}], schema=LEAD_SCHEMA))
    at = make_app(settings, LEADS)
    no_exceptions(at)
    texts = [t.value for t in at.text]
    assert title in texts and "<img src=x onerror=alert(1)>" in texts
    assert not any("<script>" in m.value for m in at.markdown)
