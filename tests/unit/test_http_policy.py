"""The waiting policy of the HTTP layer as pure functions: back-off, Retry-After, host windows.

No network and no real sleeping: a fake clock that only moves when the code under test sleeps.
"""
from __future__ import annotations

import asyncio
import random
from collections import deque
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.sources.http import FetchResult, MemoryValidatorCache
from core.sources.ratelimit import (
    DEFAULT_HOST_LIMITS,
    HostRateLimiter,
    backoff_delays,
    parse_retry_after,
    window_wait,
)
from tests.fakes.clock import SteppedClock

pytestmark = pytest.mark.timeout(30)


# -- back-off ---------------------------------------------------------------------------------

def test_backoff_ceiling_doubles_then_stops_at_cap():
    rng = random.Random(7)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (60, 8.0)]:
        delays = [backoff_delays(attempt, 0.5, 8.0, rng) for _ in range(300)]
        assert all(0.0 <= d <= ceiling for d in delays)
        # full jitter really spreads over the range, not a fixed value
        assert max(delays) > 0.8 * ceiling and min(delays) < 0.2 * ceiling


def test_backoff_is_reproducible_with_a_seeded_rng():
    a = [backoff_delays(n, 0.1, 5.0, random.Random(42)) for n in range(1, 6)]
    b = [backoff_delays(n, 0.1, 5.0, random.Random(42)) for n in range(1, 6)]
    assert a == b


def test_backoff_rejects_attempt_zero():
    with pytest.raises(ValueError):
        backoff_delays(0, 0.5, 8.0, random.Random(1))


# -- Retry-After --------------------------------------------------------------------------------

NOW = datetime(2026, 3, 4, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("value, seconds", [
    ("120", 120.0),
    (" 0 ", 0.0),
    ("Wed, 04 Mar 2026 12:00:30 GMT", 30.0),       # HTTP-date 30 s ahead
    ("Wed, 04 Mar 2026 11:59:00 GMT", 0.0),        # in the past: retry now
    ("soon", None),
    ("", None),
    (None, None),
    ("-5", None),
])
def test_parse_retry_after(value, seconds):
    assert parse_retry_after(value, NOW) == seconds


def test_parse_retry_after_accepts_naive_utc_now():
    assert parse_retry_after("Wed, 04 Mar 2026 12:01:00 GMT", NOW.replace(tzinfo=None)) == 60.0


# -- sliding window -----------------------------------------------------------------------------

def test_window_wait_counts_only_requests_inside_the_window():
    grants = deque([0.0, 0.5, 1.0])
    assert window_wait(grants, 1.2, limit=3, per=2.0) == pytest.approx(0.8)   # oldest leaves at 2.0
    assert window_wait(grants, 2.0, limit=3, per=2.0) == 0.0
    assert list(grants) == [0.5, 1.0]                                        # expired entry dropped


async def _take(limiter: HostRateLimiter, host: str, n: int, clock: SteppedClock) -> list[float]:
    times = []
    for _ in range(n):
        assert await limiter.acquire(host)
        times.append(clock.now)
    return times


def test_sec_default_limit_is_ten_per_two_seconds():
    assert DEFAULT_HOST_LIMITS["www.sec.gov"] == (10, 2.0)
    clock = SteppedClock()
    limiter = HostRateLimiter(DEFAULT_HOST_LIMITS, clock, clock.sleep)
    times = asyncio.run(_take(limiter, "WWW.SEC.GOV", 25, clock))
    assert times[:10] == [1000.0] * 10                  # a burst of ten is allowed
    assert times[10] == pytest.approx(1002.0)           # the eleventh waits for the window
    assert times[20] == pytest.approx(1004.0)
    for i in range(len(times) - 10):
        assert times[i + 10] - times[i] >= 2.0 - 1e-9


def test_unlisted_hosts_are_never_held():
    clock = SteppedClock()
    limiter = HostRateLimiter({"www.sec.gov": (1, 10.0)}, clock, clock.sleep)
    times = asyncio.run(_take(limiter, "example.org", 50, clock))
    assert set(times) == {1000.0} and clock.slept == []


def test_acquire_refuses_a_slot_past_the_deadline_and_takes_nothing():
    clock = SteppedClock()
    limiter = HostRateLimiter({"h": (2, 10.0)}, clock, clock.sleep)
    asyncio.run(_take(limiter, "h", 2, clock))
    assert asyncio.run(limiter.acquire("h", until=clock.now + 5.0)) is False
    assert clock.slept == []                             # gave up at once instead of waiting
    assert limiter.wait_time("h") == pytest.approx(10.0)
    assert asyncio.run(limiter.acquire("h", until=clock.now + 11.0)) is True
    assert clock.now == pytest.approx(1010.0)


def test_a_paused_host_waits_out_its_pause_limited_or_not():
    clock = SteppedClock()
    limiter = HostRateLimiter({"limited": (10, 1.0)}, clock, clock.sleep)
    for host in ("limited", "Unlisted.example"):
        limiter.pause(host, 30.0)
        assert limiter.paused_for(host.upper()) == pytest.approx(30.0)
        assert limiter.try_acquire(host) is None and limiter.wait_time(host) == pytest.approx(30.0)
    limiter.pause("limited", 5.0)                        # a shorter pause never shortens one
    assert limiter.paused_for("limited") == pytest.approx(30.0)
    assert limiter.wait_time("other.example") == 0.0     # other hosts are not held
    assert asyncio.run(limiter.acquire("limited")) is True
    assert clock.now == pytest.approx(1030.0) and limiter.paused_for("limited") == 0.0


def test_a_grant_counts_from_when_its_request_really_left():
    clock = SteppedClock(0.0)
    limiter = HostRateLimiter({"h": (1, 1.0)}, clock, clock.sleep)
    granted = limiter.try_acquire("h")
    assert granted == 0.0 and limiter.try_acquire("h") is None
    limiter.mark_sent("h", granted, 0.3)          # connecting took 0.3 s
    clock.now = 1.0
    assert limiter.wait_time("h") == pytest.approx(0.3)   # the window runs from the send time
    limiter.mark_sent("h", 12345.0, 1.0)          # an unknown grant changes nothing
    assert limiter.wait_time("h") == pytest.approx(0.3)


def test_window_wait_accepts_grants_out_of_order():
    grants = deque([0.5, 0.1, 0.3])               # moved to their send times
    assert window_wait(grants, 0.6, limit=3, per=1.0) == pytest.approx(0.5)   # 0.1 + 1.0 - 0.6
    assert window_wait(grants, 1.15, limit=3, per=1.0) == 0.0
    assert sorted(grants) == [0.3, 0.5]


def test_limits_must_be_positive():
    with pytest.raises(ValueError):
        HostRateLimiter({"h": (0, 1.0)})
    with pytest.raises(ValueError):
        HostRateLimiter({"h": (1, 0.0)})


@hsettings(max_examples=60, deadline=None)
@given(limit=st.integers(1, 6), per=st.floats(0.1, 5.0),
       gaps=st.lists(st.floats(0.0, 2.0), min_size=1, max_size=40))
def test_no_window_ever_holds_more_than_the_limit(limit, per, gaps):
    """Requests arriving at arbitrary times: started requests never exceed limit per window."""
    clock = SteppedClock(0.0)
    limiter = HostRateLimiter({"h": (limit, per)}, clock, clock.sleep)

    async def run() -> list[float]:
        starts = []
        for gap in gaps:
            clock.now += gap
            await limiter.acquire("h")
            starts.append(clock.now)
        return starts

    starts = asyncio.run(run())
    assert starts == sorted(starts)
    for i in range(len(starts) - limit):
        assert starts[i + limit] - starts[i] >= per - 1e-9


# -- small pieces of the client -------------------------------------------------------------------

def test_fetch_result_ok_only_for_a_clean_200():
    base = dict(url="u", final_url="u", headers={}, attempts=1, elapsed_s=0.1)
    assert FetchResult(status=200, body=b"x", not_modified=False, error=None, **base).ok
    assert not FetchResult(status=304, body=b"", not_modified=True, error=None, **base).ok
    assert not FetchResult(status=200, body=b"", not_modified=False, error="response larger than 1 MB cap",
                           **base).ok
    assert not FetchResult(status=None, body=b"", not_modified=False, error="timed out after 2.0s", **base).ok


def test_memory_validator_cache_round_trip():
    cache = MemoryValidatorCache()
    assert cache.get("u") == (None, None)
    cache.put("u", '"abc"', "Thu, 02 Jan 2025 03:04:05 GMT")
    assert cache.get("u") == ('"abc"', "Thu, 02 Jan 2025 03:04:05 GMT")



@pytest.mark.parametrize("origin, target, refused", [
    ("feeds.example.com", "169.254.169.254", True),   # cloud metadata
    ("feeds.example.com", "127.0.0.1", True),
    ("feeds.example.com", "localhost", True),
    ("feeds.example.com", "10.0.0.8", True),
    ("feeds.example.com", "192.168.1.1", True),
    ("feeds.example.com", "fe80::1", True),
    ("feeds.example.com", "::1", True),
    ("feeds.example.com", "0.0.0.0", True),
    ("feeds.example.com", "fd00::5", True),
    ("feeds.example.com", "cdn.example.net", False),
    ("feeds.example.com", "93.184.216.34", False),
    ("127.0.0.1", "127.0.0.1", False),                # a feed on this machine may stay here
    ("10.0.0.2", "10.0.0.8", False),                   # an intranet feed within the intranet
])
def test_redirects_to_private_targets_only_from_private_feeds(origin, target, refused):
    from core.sources.destinations import redirect_refusal

    assert (redirect_refusal(origin, target) is not None) == refused
