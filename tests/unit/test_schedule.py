"""Schedule strings from settings -> APScheduler triggers, and the registry built from them."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
    start = datetime(2026, 1, 9, 14, 2, tzinfo=UTC)  # 09:02 New York
    fires, t = [], start
    for _ in range(3):
        t = trigger.get_next_fire_time(None, t + timedelta(seconds=1))
        fires.append(t.astimezone(ZoneInfo(NY)).strftime("%H:%M"))
    assert fires == ["09:05", "09:10", "09:15"]
    # nothing on Saturday
    sat = trigger.get_next_fire_time(None, datetime(2026, 1, 10, 15, 0, tzinfo=UTC))
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


# -- crontab day numbers and daylight-saving changes -----------------------------------------

def _fires(text: str, start: datetime, until: datetime) -> list[datetime]:
    """Fire times (naive UTC) from ``start`` to ``until``, asking as the runner does: with
    the previous fire time and a UTC 'now' just after it."""
    trigger = parse_schedule(text, NY)
    out, prev = [], None
    now = start.replace(tzinfo=UTC)
    for _ in range(500):
        nxt = trigger.get_next_fire_time(prev, now)
        if nxt is None or nxt.astimezone(UTC) > until.replace(tzinfo=UTC):
            return out
        out.append(nxt.astimezone(UTC).replace(tzinfo=None))
        prev, now = nxt, nxt.astimezone(UTC) + timedelta(seconds=1)
    raise AssertionError("fire times do not advance")


@pytest.mark.parametrize("dow,days", [
    ("1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"]), ("0", ["Sun"]), ("7", ["Sun"]),
    ("*/2", ["Tue", "Thu", "Sat", "Sun"]), ("1-5/2", ["Mon", "Wed", "Fri"]),
    ("5-7", ["Fri", "Sat", "Sun"]), ("mon-fri", ["Mon", "Tue", "Wed", "Thu", "Fri"]),
    ("mon,3", ["Mon", "Wed"]), ("5,sun", ["Fri", "Sun"]),  # names and numbers in separate parts
])
def test_day_of_week_numbers_are_crontabs(dow, days):
    """APScheduler counts 0 = Monday (even in from_crontab): '1-5' would run Tue-Sat."""
    fires = _fires(f"30 16 * * {dow}", datetime(2026, 1, 4), datetime(2026, 1, 11))  # Sun..Sun
    got = sorted({f.strftime("%a") for f in fires}, key=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
                                                           "Sun"].index)
    assert got == days


@pytest.mark.parametrize("dow", ["8", "mon-5", "5-1", "1/0", "1/2"])  # crontab: a step needs a range
def test_bad_day_of_week_numbers_say_so(dow):
    with pytest.raises(ScheduleError, match="day of week"):
        parse_schedule(f"30 16 * * {dow}", NY)


def test_a_fixed_time_in_the_repeated_autumn_hour_runs_once():
    # 2026-11-01: New York clocks go 01:59 EDT -> 01:00 EST; 01:30 happens twice
    fires = _fires("30 1 * * *", datetime(2026, 10, 31, 12), datetime(2026, 11, 2, 12))
    assert fires == [datetime(2026, 11, 1, 5, 30), datetime(2026, 11, 2, 6, 30)]
    both = _fires("0,30 1 * * *", datetime(2026, 10, 31, 12), datetime(2026, 11, 1, 12))
    assert both == [datetime(2026, 11, 1, 5, 0), datetime(2026, 11, 1, 5, 30)]


def test_wildcard_schedules_keep_their_rhythm_through_the_repeated_hour():
    half_hourly = _fires("*/30 * * * *", datetime(2026, 11, 1, 4), datetime(2026, 11, 1, 7))
    assert half_hourly == [datetime(2026, 11, 1, 4, 0) + timedelta(minutes=30 * i) for i in range(7)]
    in_hour_one = _fires("*/15 1 * * *", datetime(2026, 11, 1), datetime(2026, 11, 1, 12))
    assert len(in_hour_one) == 8  # both passes of 01:00-01:59


def test_a_time_in_the_skipped_spring_hour_runs_once_that_day():
    # 2027-03-14: 02:00 EST -> 03:00 EDT; 02:30 does not exist
    fires = _fires("30 2 * * *", datetime(2027, 3, 13, 12), datetime(2027, 3, 15, 12))
    assert fires == [datetime(2027, 3, 14, 7, 30), datetime(2027, 3, 15, 6, 30)]


def test_missed_since_never_catches_up_the_second_pass():
    trigger = parse_schedule("30 1 * * *", NY)
    ran_first_pass = datetime(2026, 11, 1, 5, 30, 5)
    assert missed_since(trigger, ran_first_pass, datetime(2026, 11, 1, 6, 40), grace_s=3600) is None


def test_missed_since_walks_forward_through_the_repeated_hour():
    """A wildcard schedule fires in both passes of 01:00-01:59; counting on from a second-pass
    time must not step back into the first pass (wall-clock + 1 s loses ``fold``)."""
    half_hourly = parse_schedule("*/30 * * * *", NY)
    last_run = datetime(2026, 11, 1, 4, 0)              # 00:00 EDT
    now = datetime(2026, 11, 1, 6, 50)                  # 01:50 EST, the second pass
    assert missed_since(half_hourly, last_run, now, grace_s=3600) == datetime(2026, 11, 1, 6, 30)
    assert missed_since(half_hourly, last_run, datetime(2026, 11, 1, 6, 35), grace_s=600) == \
        datetime(2026, 11, 1, 6, 30)


def test_day_of_month_and_day_of_week_restricted_together_mean_either():
    """crontab(5): '0 9 1 * mon' runs on the 1st and on every Monday."""
    fires = _fires("0 9 1 * mon", datetime(2026, 5, 25), datetime(2026, 6, 16))
    days = [f.strftime("%m-%d %a") for f in fires]
    assert days == ["05-25 Mon", "06-01 Mon", "06-08 Mon", "06-15 Mon"]  # June 1st is a Monday
    fires = _fires("0 9 1 * 1", datetime(2026, 6, 25), datetime(2026, 7, 14))
    assert [f.strftime("%m-%d %a") for f in fires] == ["06-29 Mon", "07-01 Wed", "07-06 Mon",
                                                         "07-13 Mon"]
    # one restricted field alone keeps its plain meaning
    assert len(_fires("0 9 1 * *", datetime(2026, 6, 2), datetime(2026, 8, 2))) == 2


def test_cron_triggers_survive_pickling_with_their_dst_rule():
    import pickle

    trigger = pickle.loads(pickle.dumps(parse_schedule("30 1 * * *", NY)))
    after_first_pass = datetime(2026, 11, 1, 5, 30, 1, tzinfo=UTC)
    nxt = trigger.get_next_fire_time(None, after_first_pass)
    assert nxt.astimezone(UTC) == datetime(2026, 11, 2, 6, 30, tzinfo=UTC)


def test_a_day_of_week_starting_with_a_star_is_not_restricted():
    """cron (vixie/cronie) marks a day field 'unrestricted' by its first character: '*/2'
    keeps the AND of both day fields, in day of week as in day of month."""
    fires = _fires("0 9 1 * */2", datetime(2026, 6, 25), datetime(2026, 9, 2))
    # AND: the 1st only when it is a Sun/Tue/Thu/Sat (2026-07-01 Wed no, 08-01 Sat, 09-01 Tue)
    assert [f.strftime("%m-%d %a") for f in fires] == ["08-01 Sat", "09-01 Tue"]
    fires = _fires("0 9 */2 * 1", datetime(2026, 6, 25), datetime(2026, 7, 21))
    assert [f.strftime("%m-%d %a") for f in fires] == ["06-29 Mon", "07-13 Mon"]  # odd Mondays


def test_an_or_schedule_pickles_and_is_counted_by_missed_since():
    import pickle

    trigger = pickle.loads(pickle.dumps(parse_schedule("30 1 1 * sun", NY)))
    # 2026-11-01 is the 1st AND a Sunday AND the autumn change: one fire, on the first pass
    fires, now = [], datetime(2026, 10, 31, 12, tzinfo=UTC)
    for _ in range(3):
        nxt = trigger.get_next_fire_time(None, now)
        fires.append(nxt.astimezone(UTC).replace(tzinfo=None))
        now = nxt.astimezone(UTC) + timedelta(seconds=1)
    assert fires == [datetime(2026, 11, 1, 5, 30), datetime(2026, 11, 8, 6, 30),
                     datetime(2026, 11, 15, 6, 30)]
    assert missed_since(trigger, datetime(2026, 10, 25, 5, 30, 5), datetime(2026, 11, 8, 7),
                        grace_s=3600) == datetime(2026, 11, 8, 6, 30)
    assert next_fire(trigger, datetime(2026, 11, 20)) == datetime(2026, 11, 22, 6, 30)
