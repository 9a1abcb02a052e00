"""The operator's main flows in a real Chromium, checked against the store the dashboard wrote.

One dashboard process (session fixture) serves the page tour, the lead status change, the
keyword edit and the CSV export; a second one, whose webhook points at the fake Discord API
on 127.0.0.1, serves the digest post. Every wait is on something visible (a heading, a toast,
a success line) or on the fake's record, never on a clock. The store is read through core
functions: the dashboard holds no DuckDB connection between reruns, and ``Store`` retries on
the file lock.
"""
from __future__ import annotations

from datetime import timedelta

import polars as pl
import pytest
from playwright.sync_api import expect

from core.models import utcnow
from core.store import Store, funnel, keywords, lead_inbox, posts
from core.store import exports as export_q
from tests.e2e.conftest import choose, edit_grid_cell, no_exception, open_page, shot, track_runs, wait_runs

pytestmark = pytest.mark.e2e

PAGES = ["Overview", "Signals", "News", "Leads inbox", "Keywords", "Conversions", "Discord", "Jobs",
         "Exports", "Settings"]
SLUG = {"Leads inbox": "leads"}


def _store(settings) -> Store:
    return Store.from_settings(settings)


@pytest.mark.timeout(150)
def test_every_page_opens_from_the_sidebar_without_an_exception(page, dashboard):
    page.goto(dashboard.url)
    page.get_by_role("heading", name="Overview", exact=True).wait_for()
    nav = page.get_by_test_id("stSidebarNavLink")
    listed = [title for title in PAGES if nav.filter(has=page.get_by_text(title, exact=True)).count()]
    assert listed[:1] == ["Overview"] and len(listed) >= 8, listed  # pages missing a file are not listed
    for title in listed:
        open_page(page, title)
        no_exception(page)
        shot(page, SLUG.get(title, title.lower()))


@pytest.mark.timeout(90)
def test_marking_a_lead_contacted_writes_one_lead_event(page, dashboard):
    store = _store(dashboard.settings)
    inbox = lead_inbox.lead_inbox(store, "new")
    assert not inbox.is_empty(), "the seeded sample should leave new leads in the inbox"
    lead_id, title = inbox["id"][0], inbox["title"][0]  # the page opens on the best-scored new lead
    before = export_q.read_rows(store, "lead_events")

    page.goto(dashboard.url)
    open_page(page, "Leads inbox")
    page.get_by_text(title, exact=True).first.wait_for()
    track_runs(page)
    page.get_by_role("button", name="Contacted", exact=True).click()
    wait_runs(page)
    # What the operator sees: the lead left the "new" inbox, and the confirmation (kept in
    # session_state across the rerun, not a toast that the rerun would lose) is shown.
    expect(page.get_by_text(title, exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stAlert").filter(has_text="Lead marked contacted")).to_be_visible()
    no_exception(page)

    after = export_q.read_rows(store, "lead_events")
    new = after.join(before, on=["lead_id", "to_status", "changed_at"], how="anti")
    assert new.height == 1, new
    row = new.row(0, named=True)
    assert (row["lead_id"], row["from_status"], row["to_status"]) == (lead_id, "new", "contacted")
    assert funnel.lead_events(store).filter(pl.col("lead_id") == lead_id).height >= 1
    assert lead_inbox.leads_by_ids(store, [lead_id])["status"][0] == "contacted"


@pytest.mark.timeout(90)
def test_inbox_shows_intent_and_the_offers_view(page, dashboard):
    store = _store(dashboard.settings)
    offers = lead_inbox.lead_inbox(store, "new", intent="offer")
    assert not offers.is_empty(), "the r/forhire sample holds [For Hire] offers"
    page.goto(dashboard.url)
    open_page(page, "Leads inbox")
    page.get_by_test_id("stText").filter(has_text="Intent: request").first.wait_for()  # intent + reason
    expect(page.get_by_test_id("stText").filter(has_text="Rank: request").first).to_be_visible()
    track_runs(page)
    page.get_by_test_id("stRadio").get_by_text("Offers", exact=True).click()
    wait_runs(page)
    # the lead shown below the table is now the best offer (the table itself is a canvas grid)
    page.get_by_test_id("stText").filter(has_text="Intent: offer").first.wait_for()
    expect(page.get_by_test_id("stText").filter(has_text=offers["title"][0]).first).to_be_visible()
    no_exception(page)


@pytest.mark.timeout(90)
def test_editing_a_keyword_weight_saves_it(page, dashboard):
    store = _store(dashboard.settings)
    table = keywords.keyword_table(store)  # the order the editor shows
    row = min(4, table.height - 1)
    term, old = table["term"][row], table["weight"][row]
    new_weight = 3.7 if abs(old - 3.7) > 1e-9 else 4.1  # the column steps by 0.1

    page.goto(dashboard.url)
    open_page(page, "Keywords")
    grid = page.get_by_test_id("stDataFrame").first.get_by_test_id("stDataFrameResizable")
    grid.wait_for()
    columns = table.columns
    edit_grid_cell(page, grid, row, columns.index("weight") - columns.index("term"), str(new_weight))
    track_runs(page)
    page.get_by_role("button", name="Save keywords").click()
    wait_runs(page)
    no_exception(page)

    saved = keywords.list_keywords(store).filter(pl.col("term") == term)
    assert saved["weight"].to_list() == [pytest.approx(new_weight)]
    others = keywords.list_keywords(store).filter(pl.col("term") != term).sort("term")
    unchanged = table.filter(pl.col("term") != term).sort("term")
    assert others["weight"].to_list() == unchanged["weight"].to_list()


@pytest.mark.timeout(90)
def test_csv_download_matches_the_store(page, dashboard, tmp_path):
    store = _store(dashboard.settings)
    page.goto(dashboard.url)
    open_page(page, "Exports")
    choose(page, "Dataset", "lead_events")
    page.get_by_test_id("stMetric").filter(has_text="Rows to export").wait_for()
    page.get_by_role("button", name="Prepare CSV download").click()
    button = page.get_by_test_id("stDownloadButton").filter(has_text="Download CSV")
    with page.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "lead_events.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    no_exception(page)

    today = utcnow().date()
    expected = export_q.count_rows(store, "lead_events", today - timedelta(days=30), today)
    frame = pl.read_csv(path)
    assert expected >= 2  # the fixture's seeded history at least
    assert frame.height == expected
    assert frame.columns == export_q.empty_frame(store, "lead_events").columns
    metric = page.get_by_test_id("stMetric").filter(has_text="Rows to export")
    expect(metric.get_by_test_id("stMetricValue")).to_have_text(f"{expected:,}")


def _post_digest(page) -> None:
    page.get_by_role("button", name="Post digest").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Post to Discord?").wait_for()
    dialog.get_by_role("button", name="Confirm post").click()
    dialog.wait_for(state="hidden")
    page.get_by_role("heading", name="Last post").wait_for()


@pytest.mark.timeout(150)
def test_digest_is_previewed_and_posted_exactly_once(page, discord_dashboard, fake_discord):
    store = _store(discord_dashboard.settings)
    page.goto(discord_dashboard.url)
    open_page(page, "Discord")
    page.get_by_role("heading", name="Preview").wait_for()
    expect(page.get_by_text("Dry run:")).to_have_count(0)  # the webhook is configured
    n_messages = page.get_by_text("Message 1 of ").first
    n_messages.wait_for()
    n = int(n_messages.inner_text().rsplit(" ", 1)[1])
    page.get_by_text("Top new leads").first.wait_for()
    shot(page, "discord-preview")
    assert fake_discord.calls("execute") == []

    _post_digest(page)
    report = page.get_by_test_id("stAlert").filter(has_text=f"{n} sent")
    report.wait_for()
    no_exception(page)
    calls = fake_discord.calls("execute")
    assert len(calls) == n, [c.path for c in calls]
    for call in calls:
        assert call.method == "POST" and call.path.endswith(f"/{fake_discord.webhook_token}")
        assert call.query.get("wait") in ("1", "true")  # so Discord answers with the message id
        assert call.body["allowed_mentions"]["parse"] == []
        assert "Daily digest" in call.body["content"]
    assert [m["request"] for m in fake_discord.messages] == [c.body for c in calls]
    history = posts.post_history(store, 10)
    assert history["status"].to_list() == ["sent"]
    assert history["discord_message_id"][0] == str(fake_discord.messages[-1]["id"])
    sent_metric = page.get_by_test_id("stMetric").filter(has_text="Sent")
    expect(sent_metric.get_by_test_id("stMetricValue")).to_have_text("1")
    shot(page, "discord-posted")
    empty = page.get_by_text("Nothing posted yet.")
    choose(page, "Status", "sent")  # the post history table, filtered: it has the sent row
    expect(empty).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()
    choose(page, "Status", "failed")
    expect(empty).to_be_visible()
    choose(page, "Status", "any")

    _post_digest(page)  # a second click: the ledger skips what was sent
    page.get_by_test_id("stAlert").filter(has_text="skipped").wait_for()
    no_exception(page)
    assert len(fake_discord.calls("execute")) == n
    assert posts.post_history(store, 10)["status"].to_list() == ["sent"]
