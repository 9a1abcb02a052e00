"""Schedules as the operator writes them in settings, turned into APScheduler triggers.

Three forms: ``off``; ``every 30s`` / ``every 10m`` / ``every 1h``; or a 5-field cron line
``minute hour day month day_of_week`` (APScheduler's cron syntax, e.g. ``*/5 9-16 * * mon-fri``),
evaluated in the market timezone so "16:30" means the exchange's 16:30 all year round.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

_EVERY = re.compile(r"^every\s+(\d+(?:\.\d+)?)\s*([smh])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600}


class ScheduleError(ValueError):
    """A schedule string that is none of the three accepted forms."""


def parse_schedule(text: str, tz: str = "UTC") -> BaseTrigger | None:
    """The trigger for ``text``, or None for ``off``. Raises ScheduleError in plain words."""
    value = " ".join((text or "").strip().lower().split())
    if value in ("off", ""):
        return None
    m = _EVERY.match(value)
    if m:
        seconds = float(m.group(1)) * _UNIT_S[m.group(2)]
        if seconds <= 0:
            raise ScheduleError(f"schedule {text!r}: the interval must be more than zero")
        return IntervalTrigger(seconds=seconds, timezone=timezone.utc)
    fields = value.split(" ")
    if len(fields) != 5:
        raise ScheduleError(
            f"schedule {text!r} is not 'off', 'every 10m' (s/m/h) or a 5-field cron line "
            "'minute hour day month day_of_week'"
        )
    minute, hour, day, month, dow = fields
    try:
        return CronTrigger(minute=minute, hour=hour, day=day, month=month, day_of_week=dow,
                           timezone=tz)
    except (ValueError, KeyError) as exc:
        raise ScheduleError(f"schedule {text!r}: {exc}") from exc


def every_seconds(trigger: BaseTrigger | None) -> float | None:
    """The period of an interval trigger (None for cron or off)."""
    if isinstance(trigger, IntervalTrigger):
        return trigger.interval.total_seconds()
    return None


def next_fire(trigger: BaseTrigger | None, now: datetime) -> datetime | None:
    """Next fire time after ``now`` (naive UTC in, naive UTC out); None when off.

    For ``every ...`` schedules the runner counts from its own start, so this is an estimate.
    """
    if trigger is None:
        return None
    aware = now.replace(tzinfo=timezone.utc)
    if isinstance(trigger, IntervalTrigger):
        return now + trigger.interval
    nxt = trigger.get_next_fire_time(None, aware)
    return nxt.astimezone(timezone.utc).replace(tzinfo=None) if nxt else None


def missed_since(trigger: BaseTrigger | None, last_run: datetime | None, now: datetime,
                 grace_s: float) -> datetime | None:
    """The latest fire time missed between the last run and ``now`` (naive UTC), if it should
    still run: the runner was down, and on start the misses coalesce into ONE run.

    ``every`` schedules: due when a whole period passed since the last run (or never ran).
    Cron schedules: the latest missed time, if it is less than ``grace_s`` old (a daily 16:30
    job missed by five hours is skipped, not run at 21:30); never-run cron jobs wait.
    """
    if trigger is None:
        return None
    if isinstance(trigger, IntervalTrigger):
        if last_run is None or now - last_run >= trigger.interval:
            return now
        return None
    if last_run is None:
        return None
    aware_now = now.replace(tzinfo=timezone.utc)
    t = trigger.get_next_fire_time(None, last_run.replace(tzinfo=timezone.utc) + timedelta(seconds=1))
    latest = None
    for _ in range(20_000):
        if t is None or t > aware_now:
            break
        latest = t
        t = trigger.get_next_fire_time(t, t + timedelta(seconds=1))
    if latest is None or (aware_now - latest).total_seconds() > grace_s:
        return None
    return latest.astimezone(timezone.utc).replace(tzinfo=None)
