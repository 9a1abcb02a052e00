"""A monotonic clock and its ``sleep`` for code that takes ``clock=`` / ``sleep=`` (the HTTP
client, the host rate limiter): sleeping moves the clock, so waits are asserted, not waited.
Network timeouts still run on the event loop's own clock."""
from __future__ import annotations

import asyncio


class SteppedClock:
    """``clock()`` reads ``now``; ``await clock.sleep(s)`` records ``s`` in ``slept``, lets the
    other tasks run once (they see the clock before the time passes), then adds ``s``."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        await asyncio.sleep(0)
        self.now += seconds
