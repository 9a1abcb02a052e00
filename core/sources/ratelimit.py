"""Waiting policy of the HTTP layer: back-off, Retry-After and per-host request windows.

Kept apart from the client so every rule here is a pure function of (inputs, clock reading)
and can be tested with a fake clock and a seeded random generator, without sleeping.

- Back-off is exponential with *full jitter* (a random delay between 0 and the exponential
  ceiling): clients that failed together do not retry together.
- ``Retry-After`` (seconds or an HTTP-date, RFC 9110 10.2.3) is turned into seconds.
- Per-host limits are a *sliding-window log*: at most N requests start in any window of P
  seconds. Unlike a token bucket it never allows a burst of 2N around a window edge, which is
  what a fair-access policy such as the SEC's "10 requests per second" asks for.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]

#: Hosts with a published fair-access policy. SEC asks for at most 10 requests per second;
#: we stay well under it (10 per 2 s) because an IP that exceeds it is blocked for minutes.
DEFAULT_HOST_LIMITS: dict[str, tuple[int, float]] = {"www.sec.gov": (10, 2.0)}


def backoff_delays(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based) before the next one.

    Full jitter: uniform in [0, min(cap, base * 2**(attempt-1))]. The ceiling doubles per
    attempt (base, 2*base, 4*base ...) and never exceeds ``cap``.
    """
    if attempt < 1:
        raise ValueError("attempt is 1-based")
    ceiling = min(cap, base * (2 ** min(attempt - 1, 62)))
    return rng.uniform(0.0, ceiling)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks us to wait; None when absent or unreadable.

    ``now`` is an aware or naive-UTC datetime (default: the current time); an HTTP-date in the
    past means "retry now" (0.0).
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def window_wait(grants: deque[float], now: float, limit: int, per: float) -> float:
    """Seconds until a new request may start under "``limit`` per ``per`` seconds".

    ``grants`` holds the start times of earlier requests (in any order: a grant is moved to
    its real send time once known); entries that left the window are dropped from it (the
    only mutation). 0.0 means a request may start now.
    """
    live = sorted(t for t in grants if t > now - per)
    if len(live) != len(grants):
        grants.clear()
        grants.extend(live)
    if len(live) < limit:
        return 0.0
    return live[len(live) - limit] + per - now


class HostRateLimiter:
    """Sliding-window request limits per host (``host`` or ``host:port``: the HTTP client keys
    by authority, so a 429 from one port does not pause the others); hosts without a limit
    are never held.

    Single event loop only: ``try_acquire`` checks and records in one step with no ``await``
    in between, so two tasks cannot take the same slot.
    """

    def __init__(self, limits: Mapping[str, tuple[int, float]] | None = None,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep):
        self.limits: dict[str, tuple[int, float]] = {}
        for host, (count, per) in (limits or {}).items():
            if count < 1 or per <= 0:
                raise ValueError(f"host limit for {host} must be >= 1 request per > 0 s")
            self.limits[host.lower()] = (int(count), float(per))
        self._clock = clock
        self._sleep = sleep
        self._grants: dict[str, deque[float]] = {}
        self._paused: dict[str, float] = {}   # host -> clock time until which it is paused

    def _limit(self, key: str) -> tuple[int, float] | None:
        """The limit of ``host`` or ``host:port`` (a limit set for a host name covers its ports)."""
        key = key.lower()
        if key in self.limits:
            return self.limits[key]
        name = key[1:key.find("]")] if key.startswith("[") else key.rsplit(":", 1)[0] if key.count(":") == 1 else key
        return self.limits.get(name)

    def pause(self, host: str, seconds: float) -> None:
        """Hold every request to ``host`` for ``seconds`` (it answered 429: the server's limit
        is per host, so the other URLs of that host wait too). A later pause never shortens
        an earlier one."""
        if seconds > 0:
            key = host.lower()
            self._paused[key] = max(self._paused.get(key, 0.0), self._clock() + seconds)

    def paused_for(self, host: str) -> float:
        """Seconds left on ``host``'s pause (0.0: not paused)."""
        until = self._paused.get(host.lower())
        return max(0.0, until - self._clock()) if until is not None else 0.0

    def wait_time(self, host: str) -> float:
        """Seconds until ``host`` has a free slot (0.0: now): its pause, then its window."""
        paused = self.paused_for(host)
        limit = self._limit(host)
        if limit is None:
            return paused
        grants = self._grants.setdefault(host.lower(), deque())
        return max(paused, window_wait(grants, self._clock(), *limit))

    def try_acquire(self, host: str) -> float | None:
        """Take a slot for ``host`` if one is free now: the grant time, else None."""
        now = self._clock()
        if self.paused_for(host) > 0:
            return None
        limit = self._limit(host)
        if limit is None:
            return now
        grants = self._grants.setdefault(host.lower(), deque())
        if window_wait(grants, now, *limit) > 0:
            return None
        grants.append(now)
        return now

    def mark_sent(self, host: str, granted: float, sent: float) -> None:
        """Move a grant to the moment its request really left (after connecting).

        Connection set-up can take longer for one request than for the next on a reused
        connection; counting from the send time keeps the limit true as the server sees it.
        """
        grants = self._grants.get(host.lower())
        if grants is None:
            return
        try:
            grants.remove(granted)
        except ValueError:
            return
        grants.append(max(granted, sent))

    async def acquire(self, host: str, until: float | None = None) -> bool:
        """Wait for and take a slot; False (nothing taken) if it would come after ``until``."""
        while True:
            if self.try_acquire(host) is not None:
                return True
            wait = self.wait_time(host)
            if until is not None and self._clock() + wait > until:
                return False
            await self._sleep(wait)
