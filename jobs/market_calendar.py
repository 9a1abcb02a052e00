"""Market-hours schedules on the exchange's real calendar (exchange_calendars, XNYS).

A cron line like ``*/5 9-16 * * mon-fri`` knows weekdays, not exchanges: it would run on
Thanksgiving and keep fetching after a 13:00 early close. A price job's trigger is therefore
wrapped: ``session`` fire times must fall inside a trading session (open to close, both
inclusive, early closes respected); ``day`` fire times must fall on a session day (the
after-the-close daily fetch still runs on an early-close day). The calendar is built once per
process (under a second) and covers 2020 to two years ahead.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from apscheduler.triggers.base import BaseTrigger

EXCHANGE = "XNYS"
CALENDAR_START = "2020-01-01"
MODES = ("session", "day")
_MAX_STEPS = 20_000  # fire times skipped before giving up (a year of 5-minute slots off-hours)


@lru_cache(maxsize=4)
def calendar(name: str = EXCHANGE):
    import exchange_calendars as xc
    import pandas as pd

    # from 2020 (missed-run look-backs, tests with fixed dates) to two years ahead: ~0.7 s once
    end = (pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=730)).normalize().tz_localize(None)
    return xc.get_calendar(name, start=CALENDAR_START, end=end)


def _ts(moment: datetime):
    import pandas as pd

    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return pd.Timestamp(aware).tz_convert("UTC")


def is_session_day(moment: datetime, name: str = EXCHANGE) -> bool:
    """Is the exchange-local date of ``moment`` a trading session?"""
    cal = calendar(name)
    local = _ts(moment).tz_convert(cal.tz).date()
    try:
        return bool(cal.is_session(str(local)))
    except Exception:  # noqa: BLE001 - outside the calendar's range: say no rather than guess
        return False


def in_session(moment: datetime, name: str = EXCHANGE) -> bool:
    """Is ``moment`` within a session, open and close included (early closes respected)?"""
    if not is_session_day(moment, name):
        return False
    cal = calendar(name)
    day = str(_ts(moment).tz_convert(cal.tz).date())
    t = _ts(moment)
    return cal.session_open(day) <= t <= cal.session_close(day)


def next_session(now: datetime, name: str = EXCHANGE) -> dict | None:
    """The session in progress or the next one: open/close (naive UTC), early close or not."""
    cal = calendar(name)
    t = _ts(now)
    try:
        day = cal.minute_to_session(t, direction="next") if not cal.is_open_on_minute(t) else \
            cal.minute_to_session(t)
    except Exception:  # noqa: BLE001 - reported to the caller, never lost
        return None
    opens, closes = cal.session_open(day), cal.session_close(day)
    regular = closes.tz_convert(cal.tz).time() == datetime(2000, 1, 1, 16, 0).time()
    return {"session": day.date(), "open": opens.tz_convert("UTC").to_pydatetime().replace(tzinfo=None),
            "close": closes.tz_convert("UTC").to_pydatetime().replace(tzinfo=None),
            "early_close": not regular, "open_now": bool(cal.is_open_on_minute(t))}


class MarketHoursTrigger(BaseTrigger):
    """``inner``'s fire times, keeping only those the exchange calendar allows (``mode``)."""

    def __init__(self, inner: BaseTrigger, mode: str, exchange: str = EXCHANGE):
        if mode not in MODES:
            raise ValueError(f"market-hours mode must be one of {MODES}")
        self.inner, self.mode, self.exchange = inner, mode, exchange

    def allowed(self, moment: datetime) -> bool:
        return in_session(moment, self.exchange) if self.mode == "session" else is_session_day(moment, self.exchange)

    def get_next_fire_time(self, previous_fire_time, now):
        nxt = self.inner.get_next_fire_time(previous_fire_time, now)
        for _ in range(_MAX_STEPS):
            if nxt is None or self.allowed(nxt):
                return nxt
            after = nxt.astimezone(UTC) + timedelta(seconds=1)
            nxt = self.inner.get_next_fire_time(nxt, after)
        return None

    def __str__(self) -> str:
        return f"{self.inner} on {self.exchange} {'sessions' if self.mode == 'session' else 'session days'}"


def restrict(trigger: BaseTrigger | None, mode: str | None, exchange: str = EXCHANGE) -> BaseTrigger | None:
    """Wrap a cron trigger for a market-hours job; interval ("every ...") and off pass as they are."""
    from apscheduler.triggers.interval import IntervalTrigger

    if trigger is None or mode is None or isinstance(trigger, IntervalTrigger):
        return trigger
    return MarketHoursTrigger(trigger, mode, exchange)
