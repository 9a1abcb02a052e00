"""Every page renders on a seeded store and on an empty one; actions change the store."""
import pytest

from core.store import feeds as feeds_store
from tests.ui.conftest import make_app, no_exceptions

PAGES = ["views/overview.py", "views/signals.py", "views/news.py", "views/leads.py", "views/keywords.py",
         "views/conversions.py", "views/discord.py", "views/jobs.py", "views/exports.py",
         "views/settings.py"]


@pytest.mark.timeout(90)
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_seeded_and_empty_store(settings, seeded_store, tmp_path, page):
    at = make_app(settings, page)
    no_exceptions(at)
    empty = settings.model_copy(update={"data_dir": tmp_path / "empty"})
    at_empty = make_app(empty, page)
    no_exceptions(at_empty)


@pytest.mark.timeout(60)
def test_signals_page_has_ranking_chart_weights_and_equity(settings, seeded_store):
    at = make_app(settings, "views/signals.py")
    no_exceptions(at)
    assert len(at.dataframe[0].value) == 6  # one latest row per symbol
    assert len(at.get("plotly_chart")) == 2  # candlesticks + equity curve
    assert "trend" in list(at.dataframe[1].value["component"])


@pytest.mark.timeout(60)
def test_signals_empty_store_says_what_to_run(settings, store):
    at = make_app(settings, "views/signals.py")
    assert any("No signals yet" in i.value for i in at.info)


@pytest.mark.timeout(60)
def test_news_search_filters_by_text_and_ticker(settings, seeded_store):
    at = make_app(settings, "views/news.py")
    no_exceptions(at)
    assert len(at.dataframe[0].value) > 0
    at.text_input(key="news_ticker").input("aapl").run()
    no_exceptions(at)
    tickers = at.dataframe[0].value["tickers"]
    assert len(tickers) > 0 and all("AAPL" in t for t in tickers)
    at.text_input(key="news_text").input("100%_'; --").run()
    no_exceptions(at)
    assert any("No stories match" in i.value for i in at.info)


@pytest.mark.timeout(60)
def test_news_clusters_list_their_sources(settings, seeded_store):
    at = make_app(settings, "views/news.py")
    cluster_tables = [d.value for d in at.dataframe if "source_list" in d.value.columns]
    assert cluster_tables and (cluster_tables[0]["sources"] >= 2).all()


@pytest.mark.timeout(60)
def test_conversions_shows_funnel_and_groupings(settings, seeded_store):
    at = make_app(settings, "views/conversions.py")
    no_exceptions(at)
    assert [s.value for s in at.main.subheader] == ["Funnel", "Time to convert", "By keyword", "By platform",
                                               "By week"]
    platforms = at.dataframe[1].value
    assert set(platforms["group"]) == {"reddit", "hn", "rss"}


@pytest.mark.timeout(60)
def test_jobs_run_now_queues_a_request(settings, seeded_store):
    at = make_app(settings, "views/jobs.py")
    no_exceptions(at)
    schedule = next(d.value for d in at.dataframe if "stale_after_h" in d.value.columns)
    stale = dict(zip(schedule["job"], schedule["stale_after_h"]))
    assert stale["news"] == settings.stale_after_s / 3600  # shown in hours, not raw seconds
    at.button(key="run_news").click().run()
    no_exceptions(at)
    with seeded_store.read() as con:
        assert con.execute("SELECT job FROM job_requests").fetchall() == [("news",)]
    assert any("fp0" in str(d.value.get("fingerprint", "")) for d in at.dataframe
               if "fingerprint" in d.value.columns)


@pytest.mark.timeout(60)
def test_discord_preview_confirm_records_dry_run(settings, seeded_store):
    at = make_app(settings, "views/discord.py")
    no_exceptions(at)
    assert any("Dry run" in i.value for i in at.info)
    rendered = [m.value for m in at.markdown]
    assert any("[open](https://example.com/lead/" in v for v in rendered)  # links rendered, as in Discord
    assert not any("[open](" in t.value for t in at.text)  # never shown as raw text
    assert not any(m.allow_html for m in at.markdown)
    assert "Raw JSON" in [e.label for e in at.expander]
    at.button(key="dc_post").click().run()
    at.button(key="dc_confirm").click().run()
    no_exceptions(at)
    with seeded_store.read() as con:
        assert con.execute("SELECT count(*) FROM posts WHERE status = 'preview'").fetchall()[0][0] == 1
    assert any("nothing was sent" in i.value for i in at.info)


@pytest.mark.timeout(60)
def test_exports_counts_downloads_and_writes(settings, seeded_store):
    at = make_app(settings, "views/exports.py")
    no_exceptions(at)
    at.selectbox(key="ex_dataset").select("leads").run()
    rows = int(at.metric[0].value.replace(",", ""))
    assert rows > 0
    at.text_input(key="ex_f_leads_platform").input("reddit").run()
    assert 0 < int(at.metric[0].value.replace(",", "")) < rows
    at.button(key="ex_prepare").click().run()
    no_exceptions(at)
    assert at.get("download_button")
    at.button(key="ex_write").click().run()
    no_exceptions(at)
    written = list(settings.exports_path.glob("leads-*.csv"))
    assert len(written) == 1 and written[0].read_text().startswith("id,")


@pytest.mark.timeout(60)
def test_settings_adds_feed_and_validates_input(settings, store):
    at = make_app(settings, "views/settings.py")
    no_exceptions(at)
    at.text_input[0].input("not a url'; DROP TABLE feeds; --")
    form_button = next(b for b in at.button if b.label == "Add feed")
    form_button.click().run()
    assert any("must start with http" in e.value for e in at.error)
    at.text_input[0].input("https://www.reddit.com/r/forhire/new/.rss")
    at.text_input[1].input("r/forhire; DROP TABLE feeds")
    at.radio[0].set_value("leads")
    next(b for b in at.button if b.label == "Add feed").click().run()
    no_exceptions(at)
    feeds = feeds_store.list_feeds(store)
    assert feeds["name"].to_list() == ["r/forhire; DROP TABLE feeds"]
    assert feeds["kind"].to_list() == ["leads"]


@pytest.mark.timeout(60)
def test_settings_saves_watchlist(settings, store):
    at = make_app(settings, "views/settings.py")
    at.session_state["wl_editor"] = {"edited_rows": {}, "deleted_rows": [],
                                     "added_rows": [{"symbol": "aapl", "name": "Apple"}]}
    at.run()
    next(b for b in at.button if b.label == "Save watchlist").click().run()
    no_exceptions(at)
    assert feeds_store.list_watchlist(store)["symbol"].to_list() == ["AAPL"]
