"""The offline demo: a store seeded from data/sample (years-old recordings) shows its data on
every page, saying when a "last N days" window was moved back to the newest rows.

The sample is seeded once per module into a template data dir (seeding replays feeds and
charts and computes signals: seconds); each test copies the store file (milliseconds).
"""
from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from core import signals as core_signals
from core.config import Settings
from core.models import utcnow
from core.replay import replay_files
from core.seed import sample_files, seed_if_empty
from core.store import Store, lead_inbox, time_windows
from tests.ui.conftest import make_app, no_exceptions


@pytest.fixture(scope="module")
def sample_template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("sample-template") / "var"
    settings = Settings(_env_file=None, data_dir=data_dir, offline=True, store_lock_wait_s=10.0)
    summary = seed_if_empty(Store.from_settings(settings), settings)
    return settings.store_path, summary


@pytest.fixture
def sample_store(settings, sample_template) -> Store:
    path, _ = sample_template
    settings.store_path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, settings.store_path)
    return Store.from_settings(settings)


def infos(at) -> list[str]:
    return [i.value for i in at.info]


@pytest.mark.timeout(60)
def test_seed_computes_signals_and_learned_weights(sample_template):
    _, summary = sample_template
    derived = summary["derived"]
    assert derived["signals"]["symbols"] == 1 and derived["signals"]["signals"] >= 40  # AAPL 2020 daily bars
    assert derived["learning"]["leads"] > 0


@pytest.mark.timeout(60)
def test_news_falls_back_to_the_days_before_the_newest_story(settings, sample_store):
    newest = time_windows.newest(sample_store, "news", "published_at")
    assert newest < utcnow() - timedelta(days=7)  # the sample is old: the plain window is empty
    at = make_app(settings, "views/news.py")
    no_exceptions(at)
    assert any(f"No stories in the last 7 days — showing the 7 days up to the newest one ({newest:%Y-%m-%d}"
               in i for i in infos(at))
    table = at.dataframe[0].value
    assert len(table) > 0 and table["published_at"].max() == newest
    assert (table["published_at"] >= newest - timedelta(days=7)).all()


@pytest.mark.timeout(60)
def test_signals_page_shows_the_sample_aapl_signals_and_chart(settings, sample_store):
    at = make_app(settings, "views/signals.py")
    no_exceptions(at)
    assert list(at.dataframe[0].value["symbol"]) == ["AAPL"]
    assert any("No signals in the last 7 days — showing the most recent ones (newest: 2020-11-06)" in i
               for i in infos(at))
    assert any("No daily bars of AAPL in the last 180 days" in i for i in infos(at))
    assert at.get("plotly_chart")  # the candlesticks of the 2020 bars
    assert not any("Only " in w.value for w in at.warning)  # 50 bars: past the indicator warm-up


@pytest.mark.timeout(60)
def test_signals_empty_state_names_the_bars_waiting_for_the_learn_job(settings, store):
    replay_files(store, settings, "prices", sample_files()["prices"])
    at = make_app(settings, "views/signals.py")
    no_exceptions(at)
    assert any("although the store holds 50 daily bars" in i for i in infos(at))


@pytest.mark.timeout(60)
def test_signals_warn_when_too_few_bars_for_the_indicators(settings, store):
    short = [p for p in sample_files()["prices"] if "2020-01-01-to-2020-01-03" in p.name]
    replay_files(store, settings, "prices", short)
    core_signals.refresh(store, settings)
    at = make_app(settings, "views/signals.py")
    no_exceptions(at)
    assert any("Only 1 daily bar of AAPL:" in w.value and "34 bars" in w.value for w in at.warning)


@pytest.mark.timeout(60)
def test_exports_default_range_covers_the_newest_rows(settings, sample_store):
    at = make_app(settings, "views/exports.py")
    no_exceptions(at)
    for dataset in ("prices", "news", "leads"):
        at.selectbox(key="ex_dataset").select(dataset).run()
        no_exceptions(at)
        assert int(at.metric[0].value.replace(",", "")) > 0, dataset
        assert any(f"No {dataset} rows in the last 30 days" in i for i in infos(at)), dataset


@pytest.mark.timeout(60)
def test_overview_charts_the_month_up_to_the_newest_story(settings, sample_store):
    at = make_app(settings, "views/overview.py")
    no_exceptions(at)
    assert any("No news in the last 30 days" in i for i in infos(at))
    assert at.get("plotly_chart")


@pytest.mark.timeout(60)
def test_conversions_explain_that_outcomes_come_from_the_inbox(settings, sample_store):
    at = make_app(settings, "views/conversions.py")
    no_exceptions(at)
    assert any("No leads posted in the last 90 days" in i for i in infos(at))
    assert any("No outcomes yet" in i and "Leads inbox" in i for i in infos(at))


@pytest.mark.timeout(60)
def test_status_change_confirmation_survives_the_rerun(settings, sample_store):
    pytest.importorskip("core.store.funnel")
    at = make_app(settings, "views/leads.py")
    lead_id = at.selectbox(key="lead_pick").value
    at.button(key="one_contacted").click().run()
    no_exceptions(at)
    assert [s.value for s in at.success] == ["Lead marked contacted"]
    assert lead_inbox.leads_by_ids(sample_store, [lead_id])["status"][0] == "contacted"


@pytest.mark.timeout(60)
def test_note_saved_confirmation_is_shown(settings, sample_store):
    pytest.importorskip("core.store.funnel")
    at = make_app(settings, "views/leads.py")
    at.text_area[0].input("call back on Monday")
    next(b for b in at.button if b.label == "Save note").click().run()
    no_exceptions(at)
    assert "Note saved" in [s.value for s in at.success]
