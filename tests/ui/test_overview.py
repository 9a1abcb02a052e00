import pytest

from tests.ui.conftest import make_app, no_exceptions


@pytest.mark.timeout(60)
def test_overview_shows_kpis_alerts_and_chart(settings, seeded_store):
    at = make_app(settings)
    no_exceptions(at)
    labels = [m.label for m in at.metric]
    assert labels[:6] == ["News today", "Sentiment today", "New leads today", "30-day conversion",
                          "Strongest signal", "Job health"]
    assert int(at.metric[0].value) > 0
    # the synthetic store has a paused source and failed posts: both surface as alerts
    assert any("r/slavelabour" in w.value for w in at.warning)
    assert any("failed" in e.value for e in at.error)
    # stale: a scheduled job that never ran is flagged; jobs whose schedule is 'off' are not
    warnings = " ".join(w.value for w in at.warning)
    assert "prices_intraday" in warnings and "export" not in warnings and "news" not in warnings
    assert at.get("plotly_chart")


@pytest.mark.timeout(60)
def test_overview_empty_store_says_what_to_do(settings, store):
    at = make_app(settings)
    no_exceptions(at)
    assert any("No news yet" in i.value for i in at.info)
    assert at.metric[0].value == "0"
