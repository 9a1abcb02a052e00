"""Run health on the loopback feed server through the real executor: every feed failing makes
the run `failed` (with the reasons, a fingerprint and a failure on the job's breaker), some
failing makes it `partial` saying k of n, and the failing feeds are listed for the Overview."""
from __future__ import annotations

import pytest

from core.models import RunStatus, utcnow
from core.store import health_alerts, job_runs
from core.store.feeds import add_feeds
from jobs.execute import JobExecutor
from jobs.registry import default_registry
from tests.fakes.http_server import Hang

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def online(settings):
    return settings.model_copy(update={"offline": False, "http_timeout_s": 0.3, "http_deadline_s": 1.0,
                                       "job_retries": 0})


def _run_news(store, settings):
    registry = {k: v for k, v in default_registry(settings).items() if k == "news"}
    return JobExecutor(settings, registry, store).execute("news", trigger="manual")


def test_every_feed_failing_is_a_failed_run_with_reasons(store, online, fake_http):
    gone = fake_http.url("/gone.rss")
    hung = fake_http.fault("/hang.rss", Hang())
    add_feeds(store, [{"url": gone, "kind": "news", "name": "gone"},
                      {"url": hung, "kind": "news", "name": "hung"}])
    out = _run_news(store, online)
    assert out.status == RunStatus.FAILED
    assert out.error.startswith("all 2 sources failed: ")
    assert "gone: HTTP 404" in out.error and "hung: timed out" in out.error
    row = job_runs.get_run(store, out.run_id)
    assert row["status"] == "failed" and row["error"] == out.error and row["error_fingerprint"]
    assert row["counts"]["sources"] == 2 and row["counts"]["sources_failed"] == 2
    jobs = health_alerts.unhealthy_jobs(store).to_dicts()
    assert [(j["job"], j["status"], j["reason"]) for j in jobs] == [("news", "failed", out.error)]
    failing = health_alerts.failing_sources(store, utcnow())
    assert sorted(failing["source"].to_list()) == sorted([gone, hung])
    assert failing["last_success_at"].null_count() == 2


def test_some_feeds_failing_is_partial_and_says_k_of_n(store, online, fake_http):
    from pathlib import Path

    sec = (Path(__file__).resolve().parents[1] / "fixtures" / "feeds" / "edgarkit__pressreleases.rss").read_bytes()
    add_feeds(store, [{"url": fake_http.put("/sec.rss", sec), "kind": "news", "name": "sec"},
                      {"url": fake_http.url("/gone.rss"), "kind": "news", "name": "gone"}])
    out = _run_news(store, online)
    assert out.status == RunStatus.PARTIAL and out.error == "1 of 2 sources failed: gone: HTTP 404"
    assert out.fingerprint is None
    assert health_alerts.unhealthy_jobs(store)["status"].to_list() == ["partial"]


def test_no_feed_failing_is_ok_and_nothing_is_listed(store, online, fake_http):
    from pathlib import Path

    sec = (Path(__file__).resolve().parents[1] / "fixtures" / "feeds" / "edgarkit__pressreleases.rss").read_bytes()
    add_feeds(store, [{"url": fake_http.put("/sec.rss", sec), "kind": "news", "name": "sec"}])
    out = _run_news(store, online)
    assert out.status == RunStatus.OK and out.error is None
    assert health_alerts.unhealthy_jobs(store).is_empty()
    assert health_alerts.failing_sources(store, utcnow()).is_empty()
