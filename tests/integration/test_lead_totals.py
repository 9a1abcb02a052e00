"""The all-time lead totals: filled by migration 151, kept exact for the learner's edge cases."""
from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from core.leads import learning
from core.store import Store, lead_funnel, lead_totals
from core.store.funnel import lead_outcomes, learned_weights, set_lead_status
from core.store.leads import insert_leads
from core.store.migrate import apply_migrations
from tests.integration.test_pre_aggregates import leads_frame

pytestmark = pytest.mark.timeout(60)
T0 = datetime(2026, 3, 2)
KEYWORDS = [["bot", "bot", "scraper"], ["bot", None], None, [], ["dashboard"], ["scraper", "bot"]]


def stored(con) -> dict[str, list]:
    tables = ("lead_funnel_daily", "lead_keyword_daily", "lead_status_totals", "lead_keyword_totals")
    return {t: con.sql(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def assert_learns_as_from_every_lead(store: Store) -> None:
    assert_frame_equal(learning.posteriors_from_totals(*lead_totals.totals(store)),
                       learning.posteriors(lead_outcomes(store)), check_exact=True)


def test_migration_151_backfills_the_totals_of_stored_leads(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    assert apply_migrations(con, up_to=141)[-1] == 141
    con.execute("""
        INSERT INTO leads (id, platform, fetched_at, posted_at, matched_keywords, status)
        SELECT 'l' || i, 'reddit', ?::TIMESTAMP + to_hours(i), CASE WHEN i % 4 = 0 THEN NULL
               ELSE ?::TIMESTAMP + to_hours(i) END, list_extract(?, 1 + i % 6),
               list_extract(['new', 'won', 'lost', 'ignored', 'contacted'], 1 + i % 5)
        FROM range(60) t(i)""", [T0, T0, KEYWORDS])
    assert 151 in apply_migrations(con)
    migrated = stored(con)
    lead_funnel.rebuild(con)
    assert migrated == stored(con) and migrated["lead_keyword_totals"]
    con.close()
    store = Store(path)
    assert_learns_as_from_every_lead(store)
    assert learning.refresh(store)["decided"] == 36


def test_duplicate_and_null_keywords_count_once_and_learning_is_unchanged(store):
    rows = [(i, 24 * i, 24 * i, "hn", []) for i in range(len(KEYWORDS))]
    insert_leads(store, leads_frame(rows).with_columns(
        pl.Series("matched_keywords", KEYWORDS, dtype=pl.List(pl.String))))
    set_lead_status(store, ["l0", "l1", "l5"], "won", now=T0)
    set_lead_status(store, ["l2", "l4"], "lost", now=T0)
    with store.read() as con:
        bot = con.sql("SELECT status, leads FROM lead_keyword_totals WHERE keyword = 'bot' ORDER BY ALL").fetchall()
    assert bot == [("won", 3)]  # l0 lists it twice, l1 beside a null
    assert_learns_as_from_every_lead(store)
    learning.refresh(store)
    want = learning.posteriors(lead_outcomes(store)).select(learned_weights(store).columns[:7])
    assert_frame_equal(learned_weights(store).select(want.columns).sort("term"), want.sort("term"),
                       check_dtypes=False, check_exact=True)
    set_lead_status(store, ["l0", "l1", "l5"], "new", now=T0)  # undecided again: no won row is left
    with store.read() as con:
        totals = stored(con)
    assert [r for r in totals["lead_keyword_totals"] if r[0] == "bot"] == [("bot", "new", 3)]
    assert totals["lead_status_totals"] == [("lost", 2), ("new", 4)]
    assert "skipped" not in learning.refresh(store)
    assert "skipped" in learning.refresh(store)
