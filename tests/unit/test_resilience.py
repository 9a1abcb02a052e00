"""Back-off, circuit breaker, adaptive polling and error fingerprints: pure functions, fake clock."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.models import RunStatus, SourceCounts
from core.resilience import (
    BreakerPolicy,
    PollPolicy,
    SourceHealth,
    after_outcome,
    backoff_delay,
    is_due,
    is_paused,
    next_poll_interval,
    pause_seconds,
)
from jobs import errors

T0 = datetime(2026, 1, 5, 12, 0, 0)
BREAKER = BreakerPolicy(failures=3, pause_s=60, max_pause_s=600)
POLL = PollPolicy(min_s=60, max_s=3600)

pytestmark = pytest.mark.timeout(30)


class FakeClock:
    def __init__(self, start: datetime):
        self.now = start

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


# --- back-off -----------------------------------------------------------------------------

def test_backoff_grows_then_caps():
    rng = random.Random(7)
    ceilings = [min(30.0, 1.0 * 2 ** a) for a in range(8)]
    for attempt, ceiling in enumerate(ceilings):
        d = backoff_delay(attempt, base=1.0, cap=30.0, rng=rng)
        assert ceiling / 2 <= d <= ceiling
    assert backoff_delay(50, base=1.0, cap=30.0, rng=rng) <= 30.0


def test_backoff_jitter_spreads_retries():
    rng = random.Random(1)
    delays = {round(backoff_delay(3, 1.0, 60.0, rng), 6) for _ in range(50)}
    assert len(delays) > 40  # clients retrying together do not retry in lockstep


def test_backoff_rejects_negative_attempt():
    with pytest.raises(ValueError):
        backoff_delay(-1, 1.0, 10.0, random.Random(0))


@given(st.integers(0, 1000), st.floats(0.001, 100), st.floats(0.001, 1000))
def test_backoff_always_within_bounds(attempt, base, cap):
    d = backoff_delay(attempt, base, cap, random.Random(attempt))
    ceiling = min(cap, base * 2 ** min(attempt, 62))
    assert ceiling / 2 <= d <= ceiling


# --- breaker ------------------------------------------------------------------------------

def fail(state: SourceHealth, clock: FakeClock, msg: str = "timeout") -> SourceHealth:
    return after_outcome(state, False, 0, msg, clock.now, BREAKER, POLL)


def test_breaker_opens_after_k_failures_and_resumes_by_itself():
    clock = FakeClock(T0)
    s = SourceHealth("feed")
    s = fail(s, clock)
    s = fail(s, clock)
    assert not is_paused(s, clock.now) and s.consecutive_failures == 2
    s = fail(s, clock, "HTTP 503")
    assert is_paused(s, clock.now)
    assert s.paused_until == T0 + timedelta(seconds=60)
    assert s.last_error == "HTTP 503"
    assert not is_due(s, clock.now)
    clock.advance(59)
    assert is_paused(s, clock.now)
    clock.advance(2)
    assert not is_paused(s, clock.now)  # resumes with no operator action
    s = after_outcome(s, True, 2, None, clock.now, BREAKER, POLL)
    assert s.consecutive_failures == 0 and s.paused_until is None and s.last_error is None


def test_breaker_pause_grows_on_each_failed_trial_and_caps():
    clock = FakeClock(T0)
    s = SourceHealth("feed")
    pauses = []
    for _ in range(10):
        s = fail(s, clock)
        if s.paused_until:
            pauses.append((s.paused_until - clock.now).total_seconds())
            clock.now = s.paused_until  # half-open: one trial when the pause ends
    assert pauses == [60, 120, 240, 480, 600, 600, 600, 600]


def test_pause_seconds_threshold():
    assert pause_seconds(2, BREAKER) is None
    assert pause_seconds(3, BREAKER) == 60


# --- adaptive polling ---------------------------------------------------------------------

def test_busy_feed_polled_more_often_quiet_feed_less_within_bounds():
    clock = FakeClock(T0)
    busy, quiet = SourceHealth("busy", poll_interval_s=600), SourceHealth("quiet", poll_interval_s=600)
    for _ in range(20):
        busy = after_outcome(busy, True, 5, None, clock.now, BREAKER, POLL)
        quiet = after_outcome(quiet, True, 0, None, clock.now, BREAKER, POLL)
    assert busy.poll_interval_s == POLL.min_s
    assert quiet.poll_interval_s == POLL.max_s
    assert quiet.next_poll_at == clock.now + timedelta(seconds=3600)
    assert busy.last_new_at == clock.now and quiet.last_new_at is None


def test_next_poll_interval_moves_toward_activity():
    assert next_poll_interval(600, 3, POLL) == 300
    assert next_poll_interval(600, 0, POLL) == 900
    assert next_poll_interval(None, 0, POLL) == 90  # new sources start eager


def test_due_only_after_next_poll():
    clock = FakeClock(T0)
    s = after_outcome(SourceHealth("f"), True, 0, None, clock.now, BREAKER, POLL)
    assert not is_due(s, clock.now)
    clock.advance(s.poll_interval_s)
    assert is_due(s, clock.now)
    assert is_due(SourceHealth("never-seen"), clock.now)


# --- error fingerprints, status ---------------------------------------------------------

def _raise(msg: str):
    raise TimeoutError(msg)


def _caught(msg: str) -> BaseException:
    try:
        _raise(msg)
    except TimeoutError as exc:
        return exc
    raise AssertionError


def test_fingerprint_groups_same_error_with_different_numbers():
    a = errors.exception_fingerprint(_caught("timeout after 3.2s on id 123"))
    b = errors.exception_fingerprint(_caught("timeout after 4.1s on id 456"))
    c = errors.exception_fingerprint(_caught("connection refused by host"))
    assert a == b
    assert a != c


def test_fingerprint_normalises_urls_hex_and_uuids_but_keeps_type_and_frame():
    m1 = "GET https://a.example/x?page=2 failed: object 9f86d081884c7d65 req 1b4e28ba-2fa1-11d2-883f-0016d3cca427"
    m2 = "GET https://b.example/y failed: object deadbeef0042 req 6fa459ea-ee8a-3ca4-894e-db77e160355e"
    assert errors.normalize_message(m1) == errors.normalize_message(m2)
    assert errors.fingerprint("TimeoutError", m1, "a.py:f") == errors.fingerprint("TimeoutError", m2, "a.py:f")
    assert errors.fingerprint("TimeoutError", m1, "a.py:f") != errors.fingerprint("ValueError", m1, "a.py:f")
    assert errors.fingerprint("TimeoutError", m1, "a.py:f") != errors.fingerprint("TimeoutError", m1, "b.py:g")


def test_readable_error_removes_secrets():
    secret = "s3cr3t-token-value"
    exc = RuntimeError(f"POST https://discord.com/api/webhooks/123/abcDEF-xyz failed, token={secret}")
    text = errors.readable_error(exc, [secret])
    assert "abcDEF" not in text and secret not in text
    assert text.startswith("RuntimeError: POST")


def test_transient_classification():
    assert errors.is_transient(TimeoutError("x"))
    assert errors.is_transient(ConnectionResetError("x"))
    assert not errors.is_transient(ValueError("bad input"))
    assert not errors.is_transient(ModuleNotFoundError("core.ingest"))
    assert not errors.is_transient(FileNotFoundError("x"))


def test_status_from_counts():
    assert errors.status_for(errors.to_counts(SourceCounts(fetched=3, new=3))) == RunStatus.OK
    assert errors.status_for(errors.to_counts(SourceCounts(fetched=3, new=2, rejected=1))) == RunStatus.PARTIAL
    quiet = SourceCounts(reasons=["CNBC: not modified (304)", "SEC: skipped (paused or not due yet)"])
    assert errors.status_for(errors.to_counts(quiet)) == RunStatus.OK
    broken_feed = SourceCounts(fetched=5, new=5, reasons=["CNBC: not modified (304)", "SEC: HTTP 503"])
    assert errors.status_for(errors.to_counts(broken_feed)) == RunStatus.PARTIAL
    nested = {"learning": {"terms": 4}, "signals": {"failed": 1}}
    assert errors.status_for(errors.to_counts(nested)) == RunStatus.PARTIAL
    assert errors.new_items({"a": {"new": 2}, "new": 1}) == 3
