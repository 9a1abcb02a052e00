"""Pure decisions that keep the runner healthy: retry back-off, circuit breaker, adaptive polling.

No I/O and no clock of their own: callers pass ``now`` and a random generator, so tests
drive them with a fake clock. ``core/source_health.py`` applies them to the store.

- back-off: ``base * 2**attempt`` capped, with "equal jitter" (half fixed, half random) so
  many clients retrying at once spread out but nobody retries immediately.
- breaker: after ``failures`` consecutive failures a source is paused for ``pause_s``,
  doubling with each further failure up to ``max_pause_s``. When the pause ends one trial
  run goes through (half-open): success closes the breaker, failure re-opens it longer.
- adaptive polling: a poll that brought new items shortens the interval, an empty one
  lengthens it, always within ``[min_s, max_s]``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (0 = first retry): in [d/2, d], d = min(cap, base*2^attempt)."""
    if attempt < 0:
        raise ValueError("attempt must be >= 0")
    rng = rng or random.Random()
    ceiling = min(cap, base * (2 ** min(attempt, 62)))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


@dataclass(frozen=True)
class BreakerPolicy:
    failures: int = 3  # consecutive failures that open the breaker
    pause_s: float = 300.0
    max_pause_s: float = 6 * 3600.0
    factor: float = 2.0

    @classmethod
    def from_settings(cls, settings) -> BreakerPolicy:
        return cls(settings.breaker_failures, settings.breaker_pause_s, settings.breaker_max_pause_s)


@dataclass(frozen=True)
class PollPolicy:
    min_s: float = 60.0
    max_s: float = 3600.0
    faster: float = 0.5  # interval multiplier after a poll that found new items
    slower: float = 1.5  # ... after a poll that found nothing new

    @classmethod
    def from_settings(cls, settings) -> PollPolicy:
        return cls(settings.poll_min_s, max(settings.poll_max_s, settings.poll_min_s))


@dataclass(frozen=True)
class SourceHealth:
    """The health columns of one ``source_state`` row."""

    source: str
    consecutive_failures: int = 0
    paused_until: datetime | None = None
    last_error: str | None = None
    poll_interval_s: float | None = None
    next_poll_at: datetime | None = None
    last_fetch_at: datetime | None = None
    last_success_at: datetime | None = None
    last_new_at: datetime | None = None

    @classmethod
    def from_row(cls, source: str, row: dict | None) -> SourceHealth:
        if not row:
            return cls(source)
        fields = {k: row.get(k) for k in cls.__dataclass_fields__ if k != "source"}
        fields["consecutive_failures"] = int(fields["consecutive_failures"] or 0)
        return cls(source, **fields)

    def to_row(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def pause_seconds(consecutive_failures: int, policy: BreakerPolicy) -> float | None:
    """How long to pause after this many consecutive failures; None while under the threshold."""
    if consecutive_failures < policy.failures:
        return None
    extra = consecutive_failures - policy.failures
    return min(policy.max_pause_s, policy.pause_s * policy.factor ** min(extra, 60))


def is_paused(state: SourceHealth, now: datetime) -> bool:
    return state.paused_until is not None and state.paused_until > now


def is_due(state: SourceHealth, now: datetime) -> bool:
    """Not paused, and its adaptive poll time has come (a source never polled is due)."""
    if is_paused(state, now):
        return False
    return state.next_poll_at is None or state.next_poll_at <= now


def next_poll_interval(current: float | None, new_items: int, policy: PollPolicy) -> float:
    """Busy feeds are polled more often, quiet ones less, within the policy's bounds."""
    interval = policy.min_s if current is None else current
    interval *= policy.faster if new_items > 0 else policy.slower
    return max(policy.min_s, min(policy.max_s, interval))


def after_outcome(state: SourceHealth, ok: bool, new_items: int, error: str | None, now: datetime,
                  breaker: BreakerPolicy, poll: PollPolicy) -> SourceHealth:
    """The source's health after one fetch: breaker counters, pause, next poll time."""
    if ok:
        interval = next_poll_interval(state.poll_interval_s, new_items, poll)
        return replace(
            state, consecutive_failures=0, paused_until=None, last_error=None,
            poll_interval_s=interval, next_poll_at=now + timedelta(seconds=interval),
            last_fetch_at=now, last_success_at=now,
            last_new_at=now if new_items > 0 else state.last_new_at,
        )
    failures = state.consecutive_failures + 1
    pause = pause_seconds(failures, breaker)
    interval = state.poll_interval_s if state.poll_interval_s is not None else poll.min_s
    return replace(
        state, consecutive_failures=failures,
        paused_until=now + timedelta(seconds=pause) if pause is not None else None,
        last_error=(error or "failed")[:500],
        poll_interval_s=interval, next_poll_at=now + timedelta(seconds=interval),
        last_fetch_at=now,
    )


def pause_reason(state: SourceHealth) -> str:
    """Plain words for the dashboard and the skipped-run record."""
    until = state.paused_until.strftime("%Y-%m-%d %H:%M:%S UTC") if state.paused_until else "?"
    return (f"paused until {until} after {state.consecutive_failures} consecutive failures; "
            f"last error: {state.last_error or 'unknown'}")
