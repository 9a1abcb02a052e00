"""Market-hours schedules on the XNYS calendar: holidays skipped, early closes respected."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jobs.market_calendar import MarketHoursTrigger, in_session, next_session
from jobs.registry import default_registry
from jobs.schedule import next_fire, parse_schedule

NY = "America/New_York"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def fires(trigger, start: datetime, n: int) -> list[datetime]:
    """The next ``n`` fire times, as APScheduler would ask for them (naive UTC)."""
    out, prev, now = [], None, start
    for _ in range(n):
        nxt = trigger.get_next_fire_time(prev, now)
        if nxt is None:
            break
        out.append(nxt.astimezone(UTC).replace(tzinfo=None))
        prev, now = nxt, nxt.astimezone(UTC) + timedelta(seconds=1)
    return out


@pytest.mark.timeout(30)
def test_no_intraday_runs_on_thanksgiving_and_none_after_the_early_close():
    trig = MarketHoursTrigger(parse_schedule("*/5 9-16 * * mon-fri", NY), "session")
    # Wed 2026-11-25 evening: the next run is Friday 27th 09:30 ET (Thursday is a holiday)
    first = next_fire(trig, datetime(2026, 11, 25, 23, 0))
    assert first == datetime(2026, 11, 27, 14, 30)
    friday = fires(trig, utc(2026, 11, 27, 14, 0), 60)
    friday = [t for t in friday if t.date() == first.date()]
    assert friday[0] == datetime(2026, 11, 27, 14, 30)
    assert friday[-1] == datetime(2026, 11, 27, 18, 0)  # 13:00 ET early close, inclusive
    assert len(friday) == 43  # 09:30..13:00 every 5 minutes


@pytest.mark.timeout(30)
def test_daily_job_skips_holidays_but_runs_on_early_close_days():
    trig = MarketHoursTrigger(parse_schedule("30 16 * * mon-fri", NY), "day")
    assert next_fire(trig, datetime(2026, 11, 25, 22, 0)) == datetime(2026, 11, 27, 21, 30)
    # New Year's Day 2027 is a Friday holiday: from Thursday evening the next run is Monday
    assert next_fire(trig, datetime(2026, 12, 31, 22, 0)) == datetime(2027, 1, 4, 21, 30)


@pytest.mark.timeout(30)
def test_in_session_and_next_session():
    assert in_session(datetime(2026, 11, 27, 17, 59))
    assert not in_session(datetime(2026, 11, 27, 18, 1))   # after the 13:00 ET early close
    assert not in_session(datetime(2026, 11, 26, 15, 0))   # Thanksgiving
    nxt = next_session(datetime(2026, 11, 26, 15, 0))
    assert nxt["session"].isoformat() == "2026-11-27" and nxt["early_close"] and not nxt["open_now"]
    assert nxt["close"] == datetime(2026, 11, 27, 18, 0)


def test_price_jobs_use_the_calendar_and_others_do_not(settings):
    reg = default_registry(settings)
    assert isinstance(reg["prices_intraday"].trigger(settings), MarketHoursTrigger)
    assert isinstance(reg["prices_daily"].trigger(settings), MarketHoursTrigger)
    assert not isinstance(reg["news"].trigger(settings), MarketHoursTrigger)
