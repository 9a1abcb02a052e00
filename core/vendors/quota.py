"""Call budgets per provider: counted, checked before each call, persisted between runs.

Two windows per provider: the UTC day and the current clock minute (fixed windows: simple to
show and to reason about; vendors' own minute windows may be sliding, so a minute limit of N
is honoured as N per clock minute). A limit the vendor *reports* (429, a "Note" in a 200)
blocks the provider until that window ends even if our count says otherwise -- the vendor's
count wins (another script may share the key).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from core.models import utcnow
from core.vendors.catalog import PROVIDERS


@dataclass(frozen=True)
class Usage:
    provider: str
    day: date
    calls_day: int = 0
    minute_start: datetime | None = None
    calls_minute: int = 0
    exhausted_until: datetime | None = None
    exhausted_reason: str | None = None


def _minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def next_day(now: datetime) -> datetime:
    return datetime(now.year, now.month, now.day) + timedelta(days=1)


class QuotaBook:
    """In-memory view of the persisted usage; ``changed()`` lists what to write back."""

    def __init__(self, settings, usages: dict[str, Usage] | None = None, clock=utcnow):
        self.settings = settings
        self.clock = clock
        self._usage = dict(usages or {})
        self._changed: set[str] = set()

    def usage(self, provider: str) -> Usage:
        now = self.clock()
        u = self._usage.get(provider) or Usage(provider, now.date())
        if u.day != now.date():
            u = replace(u, day=now.date(), calls_day=0)
        if u.minute_start != _minute(now):
            u = replace(u, minute_start=_minute(now), calls_minute=0)
        if u.exhausted_until is not None and u.exhausted_until <= now:
            u = replace(u, exhausted_until=None, exhausted_reason=None)
        return u

    def blocked(self, provider: str) -> str | None:
        """Why ``provider`` may not be called now (None: it may)."""
        u = self.usage(provider)
        if u.exhausted_until is not None:
            return (f"{provider}: out of quota until {u.exhausted_until:%Y-%m-%d %H:%M:%S} UTC "
                    f"({u.exhausted_reason})")
        per_min, per_day = PROVIDERS[provider].limits(self.settings)
        if per_day and u.calls_day >= per_day:
            return f"{provider}: daily limit of {per_day} calls used, resets {next_day(self.clock()):%Y-%m-%d %H:%M} UTC"
        if per_min and u.calls_minute >= per_min:
            return (f"{provider}: {per_min} calls per minute used, next minute at "
                    f"{_minute(self.clock()) + timedelta(minutes=1):%H:%M:%S} UTC")
        return None

    def count(self, provider: str) -> None:
        u = self.usage(provider)
        self._set(replace(u, calls_day=u.calls_day + 1, calls_minute=u.calls_minute + 1))

    def exhaust(self, provider: str, window: str | None, reason: str) -> None:
        """The vendor said the limit is reached: block until the window resets."""
        now = self.clock()
        # a minute limit blocks for a whole minute from now: the vendor's window may be sliding
        until = next_day(now) if window == "day" else now + timedelta(minutes=1)
        self._set(replace(self.usage(provider), exhausted_until=until, exhausted_reason=reason[:200]))

    def _set(self, u: Usage) -> None:
        self._usage[u.provider] = u
        self._changed.add(u.provider)

    def changed(self) -> list[Usage]:
        return [self._usage[p] for p in sorted(self._changed)]

    def all(self) -> list[Usage]:
        return [self.usage(p) for p in PROVIDERS]
