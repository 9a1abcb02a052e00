"""The scheduled digest job through the real job executor: its run record must say whether
the digest reached Discord (the Jobs page and the breaker read that record)."""
from __future__ import annotations

import pytest
from pydantic import SecretStr

from core.models import RunStatus
from core.store import job_runs
from jobs.execute import JobExecutor
from jobs.registry import default_registry
from tests.fakes.discord_api import FakeDiscord

pytestmark = pytest.mark.timeout(30)


@pytest.fixture
def fake_discord():
    with FakeDiscord() as fake:
        yield fake


def _run_digest(store, settings):
    out = JobExecutor(settings, default_registry(settings), store=store).execute("digest", "manual")
    return out, job_runs.get_run(store, out.run_id)


def test_digest_that_discord_rejects_is_a_failed_run_with_the_reason(store, settings, fake_discord):
    wrong = f"{fake_discord.api_base}/webhooks/{fake_discord.webhook_id}/wrong-token"
    s = settings.model_copy(update={"discord_webhook_url": SecretStr(wrong)})
    out, row = _run_digest(store, s)
    assert len(fake_discord.calls("execute")) == 1  # it really tried, Discord said 404
    assert out.status == RunStatus.FAILED and row["status"] == "failed"
    assert "not_found" in (row["error"] or "") and "wrong-token" not in row["error"]


def test_digest_with_unusable_webhook_url_is_a_failed_run(store, settings):
    s = settings.model_copy(update={"discord_webhook_url": SecretStr("https://example.com/not-a-webhook")})
    out, _ = _run_digest(store, s)
    assert out.status == RunStatus.FAILED
    assert "does not look like" in (out.error or "")


def test_digest_sent_is_ok_and_records_what_went_out(store, settings, fake_discord):
    s = settings.model_copy(update={"discord_webhook_url": SecretStr(fake_discord.webhook_url)})
    out, _ = _run_digest(store, s)
    assert out.status == RunStatus.OK, out.error
    assert out.counts["posts"] == {"sent": 1} and out.counts["messages"] == 1
    assert "payloads" not in out.counts  # the run record is a summary, not the message bodies
    again, _ = _run_digest(store, s)  # same day: nothing twice, and that is not a failure
    assert again.status == RunStatus.OK and again.counts["posts"] == {"skipped": 1}
    assert len(fake_discord.messages) == 1


def test_digest_dry_run_is_ok(store, settings):
    out, _ = _run_digest(store, settings)
    assert out.status == RunStatus.OK and out.counts["dry_run"] is True
    assert out.counts["posts"] == {"preview": 1}


def test_digest_health_counts_a_partial_run_as_a_success(store):
    from datetime import datetime

    from core.store.digest import digest_data

    started = datetime(2026, 11, 26, 9, 0)
    job_runs.start_run(store, "r1", "news", "schedule", started)
    job_runs.finish_run(store, "r1", RunStatus.PARTIAL.value, datetime(2026, 11, 26, 9, 1),
                        counts={"rejected": 1})
    health = {h["job"]: h for h in digest_data(store, now=datetime(2026, 11, 26, 12)).health}
    assert health["news"]["last_status"] == "partial"
    assert health["news"]["last_success_at"] == datetime(2026, 11, 26, 9, 1)
