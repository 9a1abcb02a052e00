"""Schedule strings from settings -> APScheduler triggers, and the registry built from them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs.registry import default_registry, load_registry
from jobs.schedule import ScheduleError, every_seconds, missed_since, next_fire, parse_schedule

pytestmark = pytest.mark.timeout(30)
NY = "America/New_York"


@pytest.mark.parametrize("text", ["off", "OFF", " off ", ""])
def test_off_means_no_trigger(text):
    assert parse_schedule(text) is None


@pytest.mark.parametrize("text,seconds", [
    ("every 30s", 30), ("every 10m", 600), ("every 1h", 3600), ("every 1.5m", 90), ("every  2 h", 7200),
])
def test_every(text, seconds):
    trigger = parse_schedule(text)
    assert isinstance(trigger, IntervalTrigger)
    assert every_seconds(trigger) == seconds


def test_cron_runs_in_market_timezone():
    trigger = parse_schedule("30 16 * * mon-fri", NY)
    assert isinstance(trigger, CronTrigger)
    # Friday 2026-01-09 12:00 UTC -> next is 16:30 New York the same day = 21:30 UTC (EST)
    nxt = next_fire(trigger, datetime(2026, 1, 9, 12, 0))
    assert nxt == datetime(2026, 1, 9, 21, 30)
    # after Friday's run, the next one is Monday
    assert next_fire(trigger, datetime(2026, 1, 9, 22, 0)) == datetime(2026, 1, 12, 21, 30)
    # in July (EDT) the same wall-clock time is 20:30 UTC
    assert next_fire(trigger, datetime(2026, 7, 6, 12, 0)) == datetime(2026, 7, 6, 20, 30)


def test_intraday_cron_every_five_minutes_in_market_hours():
    trigger = parse_schedule("*/5 9-16 * * mon-fri", NY)
    start = datetime(2026, 1, 9, 14, 2, tzinfo=timezone.utc)  # 09:02 New York
    fires, t = [], start
    for _ in range(3):
        t = trigger.get_next_fire_time(None, t + timedelta(seconds=1))
        fires.append(t.astimezone(ZoneInfo(NY)).strftime("%H:%M"))
    assert fires == ["09:05", "09:10", "09:15"]
    # nothing on Saturday
    sat = trigger.get_next_fire_time(None, datetime(2026, 1, 10, 15, 0, tzinfo=timezone.utc))
    assert sat.astimezone(ZoneInfo(NY)).weekday() == 0


@pytest.mark.parametrize("text", [
    "every 10", "every m", "every 0s", "sometimes", "* * * *", "* * * * * *", "61 * * * *", "* * * * funday",
])
def test_bad_schedules_say_so(text):
    with pytest.raises(ScheduleError) as err:
        parse_schedule(text, NY)
    assert repr(text) in str(err.value) or text in str(err.value)


def test_default_registry_reads_schedules_from_settings(settings):
    registry = default_registry(settings)
    assert set(registry) == {"prices_intraday", "prices_daily", "news", "leads", "learn", "digest", "export"}
    assert registry["digest"].schedule_text(settings) == "off"
    assert registry["export"].schedule_text(settings) == "off"
    changed = settings.model_copy(update={"schedule_news": "every 2m", "stale_after_overrides": {"news": 60.0}})
    assert registry["news"].schedule_text(changed) == "every 2m"
    assert registry["news"].stale_threshold_s(changed) == 60.0
    assert registry["leads"].stale_threshold_s(changed) == settings.stale_after_s
    for spec in registry.values():  # every default schedule parses
        parse_schedule(spec.schedule_text(settings), settings.market_timezone)


def test_load_registry_rejects_non_registries():
    with pytest.raises(TypeError):
        load_registry("jobs.schedule:_UNIT_S")


def test_missed_runs_during_downtime_coalesce_into_one():
    now = datetime(2026, 1, 9, 15, 0)  # Friday 10:00 New York
    every = parse_schedule("every 10m")
    assert missed_since(every, now - timedelta(hours=3), now, 600) == now  # 18 missed -> one run now
    assert missed_since(every, now - timedelta(minutes=4), now, 600) is None  # not due yet
    assert missed_since(every, None, now, 600) == now  # never ran: run at start
    cron = parse_schedule("*/5 9-16 * * mon-fri", NY)
    assert missed_since(cron, now - timedelta(minutes=17), now, 600) == datetime(2026, 1, 9, 15, 0)
    assert missed_since(cron, now - timedelta(minutes=2), now - timedelta(seconds=1), 600) is None
    daily = parse_schedule("30 16 * * mon-fri", NY)
    friday_close = datetime(2026, 1, 9, 21, 30)
    assert missed_since(daily, friday_close - timedelta(days=1), friday_close + timedelta(minutes=5), 600) \
        == friday_close  # down over the close, back 5 min later: catch up
    assert missed_since(daily, friday_close - timedelta(days=1), friday_close + timedelta(hours=5), 600) is None
    assert missed_since(daily, None, now, 600) is None
    assert missed_since(None, None, now, 600) is None
