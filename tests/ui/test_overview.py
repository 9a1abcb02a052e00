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
    assert at.get("plotly_chart")


@pytest.mark.timeout(60)
def test_stale_jobs_follow_the_runners_rule(settings, store):
    """A job whose last success is older than its threshold is flagged; one that never ran (the
    runner may not have started) and one that is off are not: the same rule as `jobs list`."""
    from datetime import timedelta

    from core.models import utcnow

    long_ago = utcnow() - timedelta(hours=30)
    with store.write() as con:
        con.execute("INSERT INTO job_runs (run_id, job, started_at, finished_at, status) "
                    "VALUES ('r1', 'news', ?, ?, 'ok'), ('r2', 'export', ?, ?, 'ok')",
                    [long_ago, long_ago, long_ago, long_ago])
    at = make_app(settings)
    no_exceptions(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "Job **news** is stale" in warnings and "last success 30.0 h ago" in warnings
    assert "export" not in warnings and "prices_daily" not in warnings


@pytest.mark.timeout(60)
def test_overview_empty_store_says_what_to_do(settings, store):
    at = make_app(settings)
    no_exceptions(at)
    assert any("No news yet" in i.value for i in at.info)
    assert at.metric[0].value == "0"
