"""Operational alerts (``post_alert``) through discord.py against the fake Discord API, and the
runner's stale-job check calling it: one escaped embed, once per (text, day) and target."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from pydantic import SecretStr

from core.models import RunStatus
from core.publish import DRY_RUN_REASON, post_alert, post_history
from core.store import job_runs
from jobs.runner import Runner
from tests.fakes.discord_api import FakeDiscord, payload_problems

pytestmark = pytest.mark.timeout(30)

DAY1 = datetime(2025, 3, 4, 9, 0)


@pytest.fixture
def fake_discord():
    with FakeDiscord() as fake:
        yield fake


@pytest.fixture
def hooked(settings, fake_discord):
    return settings.model_copy(update={"discord_webhook_url": SecretStr(fake_discord.webhook_url)})


def test_alert_posts_one_escaped_embed(store, hooked, fake_discord):
    report = post_alert(store, hooked, "signaldesk: news @everyone failed **3** times <@123>", now=DAY1)
    assert report.counts == {"sent": 1}
    [call] = fake_discord.calls("execute")
    body = call.body
    assert payload_problems(body) == []
    assert body["allowed_mentions"] == {"parse": []}
    [embed] = body["embeds"]
    assert embed["title"] == "signaldesk alert"
    assert "@everyone" not in embed["description"] and "<@123>" not in embed["description"]
    assert "\\*\\*3\\*\\*" in embed["description"]  # markdown escaped, not bold
    hist = post_history(store)
    assert hist["kind"].to_list() == ["alert"] and hist["status"].to_list() == ["sent"]


def test_same_alert_once_per_day_new_day_posts_again(store, hooked, fake_discord):
    text = "signaldesk: news: last success 2.1 h ago (threshold 2.0 h)"
    assert post_alert(store, hooked, text, now=DAY1).counts == {"sent": 1}
    # re-checked a minute later, and after a restart with the age moved on: same alert
    again = post_alert(store, hooked, text, now=DAY1 + timedelta(minutes=1))
    moved = post_alert(store, hooked, text.replace("2.1 h", "5.7 h"), now=DAY1 + timedelta(hours=3))
    assert again.counts == {"skipped": 1} and moved.counts == {"skipped": 1}
    assert "already sent" in again.outcomes[0].reason
    # another job's alert is a different alert; the next day the same text is posted again
    assert post_alert(store, hooked, "signaldesk: leads: no successful run in 3.0 h of trying",
                      now=DAY1).counts == {"sent": 1}
    assert post_alert(store, hooked, text, now=DAY1 + timedelta(days=1)).counts == {"sent": 1}
    assert len(fake_discord.calls("execute")) == 3


def test_alert_without_webhook_is_a_dry_run(store, settings, fake_discord):
    report = post_alert(store, settings, "signaldesk: prices_daily stale", now=DAY1)
    assert report.dry_run and report.reason == DRY_RUN_REASON
    assert report.counts == {"preview": 1}
    assert report.payloads[0]["embeds"][0]["description"] == "signaldesk\\: prices\\_daily stale"  # every special character escaped
    assert fake_discord.requests == []
    assert post_history(store)["status"].to_list() == ["preview"]


def test_stale_job_check_alerts_once_across_runner_restarts(store, hooked, fake_discord):
    started = DAY1 - timedelta(days=2)
    job_runs.start_run(store, "r1", "news", "schedule", started)
    job_runs.finish_run(store, "r1", RunStatus.FAILED.value, started + timedelta(seconds=5),
                        error="feed down")
    now = DAY1
    first = Runner(hooked, store=store, clock=lambda: now)
    assert "news" in first.check_stale()
    assert first.check_stale() == first.check_stale()  # the runner itself alerts once per episode
    now = DAY1 + timedelta(minutes=30)
    restarted = Runner(hooked, store=store, clock=lambda: now)  # forgets what it alerted
    assert "news" in restarted.check_stale()
    posted = [json.dumps(c.body) for c in fake_discord.calls("execute")]
    assert len([p for p in posted if "news" in p]) == 1
