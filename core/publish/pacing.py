"""Request accounting and rate-limit pacing for the Discord transports (``deliver``).

Kept apart from the transports because it is about Discord's answers, not how we send:
``CallTracker`` counts every HTTP request through aiohttp's trace signals and remembers whether
the last one was answered (a request with no answer may still have posted); ``Pacer`` remembers
a target's bucket (``X-RateLimit-Remaining: 0``) and waits for its reset instead of firing into
a 429 — shared per target across batches in one process. Its clock and sleep are injectable so
tests check the timing logic without waiting.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

import aiohttp

log = logging.getLogger(__name__)


@dataclass
class CallTracker:
    """Counts HTTP requests and remembers the last answer, via aiohttp's trace signals."""

    calls: int = 0
    last_status: int | None = None
    unanswered: bool = False  # last request got no HTTP answer
    connect_failed: bool = False  # ... because no connection was made at all
    on_headers: Callable[[dict], None] | None = None

    def trace_config(self) -> aiohttp.TraceConfig:
        tc = aiohttp.TraceConfig()
        tc.on_request_start.append(self._start)
        tc.on_request_end.append(self._end)
        tc.on_request_exception.append(self._exception)
        return tc

    async def _start(self, session, ctx, params) -> None:
        self.calls += 1
        self.unanswered, self.connect_failed = True, False

    async def _end(self, session, ctx, params) -> None:
        self.unanswered = False
        self.last_status = params.response.status
        if self.on_headers is not None:
            self.on_headers(dict(params.response.headers))

    async def _exception(self, session, ctx, params) -> None:
        self.connect_failed = isinstance(params.exception, aiohttp.ClientConnectorError)


class Pacer:
    """Per-target memory of the rate-limit bucket: wait instead of firing into remaining=0."""

    _shared: ClassVar[dict[str, Pacer]] = {}

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep):
        self.clock, self.sleep = clock, sleep
        self.remaining: int | None = None
        self.reset_at = 0.0
        self.waited_s = 0.0

    @classmethod
    def for_target(cls, target: str) -> Pacer:
        return cls._shared.setdefault(target, cls())

    def observe(self, headers: dict) -> None:
        h = {k.lower(): v for k, v in headers.items()}
        try:
            if "x-ratelimit-remaining" in h:
                self.remaining = int(h["x-ratelimit-remaining"])
                self.reset_at = self.clock() + float(h.get("x-ratelimit-reset-after") or 0)
        except ValueError:
            pass

    def delay(self) -> float:
        if self.remaining == 0:
            return max(0.0, self.reset_at - self.clock())
        return 0.0

    async def wait(self) -> None:
        d = self.delay()
        if d > 0:
            log.info("rate-limit bucket empty; pacing", extra={"wait_s": round(d, 3)})
            self.waited_s += d
            await self.sleep(d)
        if self.remaining == 0 and self.clock() >= self.reset_at:
            self.remaining = None  # the bucket has refilled
