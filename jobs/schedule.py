"""Schedules as the operator writes them in settings, turned into APScheduler triggers.

Three forms: ``off``; ``every 30s`` / ``every 10m`` / ``every 1h``; or a 5-field cron line
``minute hour day month day_of_week`` (APScheduler's cron syntax, e.g. ``*/5 9-16 * * mon-fri``),
evaluated in the market timezone so "16:30" means the exchange's 16:30 all year round.

Day-of-week numbers are crontab's (0 or 7 = Sunday, 1 = Monday ... 6 = Saturday), so
"30 16 * * 1-5" is Monday to Friday as in every crontab. APScheduler itself counts 0 = Monday,
even in ``CronTrigger.from_crontab``, which would silently run that line Tuesday to Saturday;
numbers are therefore rewritten to day names before APScheduler sees them. Names (mon-fri)
pass through unchanged.

When both the day-of-month and the day-of-week field are restricted, a day matching either
runs, as in crontab(5) ("0 9 1 * mon": the 1st and every Monday; APScheduler alone would
need a Monday that is the 1st). A field starting with ``*`` ("*/2") is not restricted, as
in vixie cron and cronie, which look at its first character: "0 9 */2 * mon" is odd-day Mondays.

Daylight-saving changes follow cron(8): on the autumn day a fixed time inside the repeated
hour ("30 1 * * *") runs once, on the first pass, while schedules with ``*`` in the minute or
hour field keep their rhythm through both passes; on the spring day a time inside the
skipped hour runs once, an hour later on the wall clock (APScheduler's own handling).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

_EVERY = re.compile(r"^every\s+(\d+(?:\.\d+)?)\s*([smh])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600}
_CRONTAB_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")  # crontab 0-7
_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DOW_PART = re.compile(r"^(\*|(\d+)(?:-(\d+))?)(?:/(\d+))?$")


class ScheduleError(ValueError):
    """A schedule string that is none of the three accepted forms."""


def crontab_day_of_week(field: str) -> str:
    """A day-of-week field with crontab numbers, as APScheduler day names ("1-5" ->
    "mon,tue,wed,thu,fri"); parts without digits (names: "mon-fri") are kept as they are."""
    if not any(c.isdigit() for c in field):
        return field
    days: set[str] = set()
    names: list[str] = []
    for part in field.split(","):
        if not any(c.isdigit() for c in part):
            names.append(part)
            continue
        m = _DOW_PART.match(part)
        if not m:
            raise ScheduleError(f"day of week {field!r}: use crontab numbers 0-7 (0 and 7 are "
                                "Sunday) or names like mon-fri, not both in one part")
        if m.group(4) and m.group(2) and not m.group(3):
            raise ScheduleError(f"day of week {field!r}: a step needs a range (1-5/2 or */2), "
                                "as in crontab")
        lo, hi = (0, 6) if m.group(1) == "*" else (int(m.group(2)), int(m.group(3) or m.group(2)))
        step = int(m.group(4) or 1)
        if not (0 <= lo <= hi <= 7) or step < 1:
            raise ScheduleError(f"day of week {field!r}: numbers run 0-7 (0 and 7 are Sunday), "
                                "low to high, with a step of at least 1")
        days.update(_CRONTAB_DAYS[d] for d in range(lo, hi + 1, step))
    return ",".join([d for d in _WEEK if d in days] + names)


def _second_pass(dt: datetime) -> bool:
    """``dt`` is the second occurrence of a wall-clock time repeated by a DST change."""
    return bool(dt.fold) and dt.replace(fold=0).utcoffset() != dt.utcoffset()


class MarketCronTrigger(CronTrigger):
    """APScheduler's cron trigger with cron(8)'s rule for the repeated autumn hour: a fixed
    time (no ``*`` in the minute or hour field) fires on the first pass only. Without it,
    "30 1 * * *" fires twice that night, at 01:30 EDT and again at 01:30 EST."""

    def __init__(self, *, fixed_time: bool, **fields: object) -> None:
        super().__init__(**fields)
        self.fixed_time = fixed_time

    def __getstate__(self) -> dict:  # a persistent job store would pickle triggers
        return {**super().__getstate__(), "fixed_time": self.fixed_time}

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self.fixed_time = state.get("fixed_time", False)

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        nxt = super().get_next_fire_time(previous_fire_time, now)
        if not self.fixed_time:
            return nxt
        for _ in range(60):  # at most one repeated hour of fire times to step over
            if nxt is None or not _second_pass(nxt):
                return nxt
            # ask from the instant after it, in UTC: APScheduler adds to the local time and
            # loses ``fold``, which would land back on the first pass
            nxt = super().get_next_fire_time(None, nxt.astimezone(UTC) + timedelta(seconds=1))
        return nxt


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
        return IntervalTrigger(seconds=seconds, timezone=UTC)
    fields = value.split(" ")
    if len(fields) != 5:
        raise ScheduleError(
            f"schedule {text!r} is not 'off', 'every 10m' (s/m/h) or a 5-field cron line "
            "'minute hour day month day_of_week'"
        )
    minute, hour, day, month, dow = fields
    # cron (vixie/cronie) calls a day field unrestricted when it starts with '*' ("*/2"
    # too): read that from the field as written, before numbers become day names
    either = not day.startswith("*") and not dow.startswith("*")
    try:
        dow = crontab_day_of_week(dow)

        def cron(day: str, dow: str) -> MarketCronTrigger:
            return MarketCronTrigger(minute=minute, hour=hour, day=day, month=month,
                                     day_of_week=dow, timezone=tz, fixed_time="*" not in minute + hour)

        if either:
            # crontab(5): with both day fields restricted, a day matching EITHER runs
            # ("0 9 1 * mon" = the 1st and every Monday); APScheduler would want both
            return OrTrigger([cron(day, "*"), cron("*", dow)])
        return cron(day, dow)
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
    aware = now.replace(tzinfo=UTC)
    if isinstance(trigger, IntervalTrigger):
        return now + trigger.interval
    nxt = trigger.get_next_fire_time(None, aware)
    return nxt.astimezone(UTC).replace(tzinfo=None) if nxt else None


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
    aware_now = now.replace(tzinfo=UTC)
    t = trigger.get_next_fire_time(None, last_run.replace(tzinfo=UTC) + timedelta(seconds=1))
    latest = None
    for _ in range(20_000):
        if t is None or t > aware_now:
            break
        latest = t
        # on from the UTC instant: local wall-clock + 1 s loses ``fold`` and would step back
        # from the repeated autumn hour's second pass into its first
        t = trigger.get_next_fire_time(t, t.astimezone(UTC) + timedelta(seconds=1))
    if latest is None or (aware_now - latest).total_seconds() > grace_s:
        return None
    return latest.astimezone(UTC).replace(tzinfo=None)
