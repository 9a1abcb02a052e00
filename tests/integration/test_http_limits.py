"""The HTTP layer's limits against the fake server on 127.0.0.1: per-host windows, the
concurrency bound, and 429s, which pause the whole host (Retry-After or back-off). Waits are
read from the server's request log or from a stepped clock, never slept in the test."""
from __future__ import annotations

import pytest

from tests.fakes.clock import SteppedClock
from tests.fakes.http_server import Delay, FakeHttpServer, TooManyRequests
from tests.integration.http_client import FEED, fast, fetch_all, fetch_one  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(20)


def test_429_with_a_small_retry_after_is_honoured(fake_http: FakeHttpServer, fast):
    fake_http.put("/busy.rss", FEED)
    clock = SteppedClock()
    # a roomy request timeout too: 0.2 s real time can expire on a loaded box and add an attempt
    roomy = fast.model_copy(update={"http_deadline_s": 5.0, "http_timeout_s": 5.0})
    r = fetch_one(roomy, fake_http.fault("/busy.rss", TooManyRequests(retry_after="1")),
                  clock=clock, sleep=clock.sleep)
    assert r.ok and r.attempts == 2 and clock.slept == [1.0]
    assert len(fake_http.requests_for("/busy.rss")) == 2


@pytest.mark.parametrize("max_attempts", [4, 1])
def test_a_429_pauses_the_whole_host_not_just_the_url(fake_http: FakeHttpServer, fast, max_attempts):
    """The server's limit is per host: after one URL's 429, the host's other URLs in the batch
    wait out the same Retry-After instead of each earning a 429 of its own; also when the URL
    that earned it has no attempt left and gives up (max_attempts=1)."""
    fake_http.put("/a.rss", FEED)
    fake_http.put("/b.rss", FEED)
    fake_http.fault("/a.rss", TooManyRequests(retry_after="2"))
    clock = SteppedClock()
    one_at_a_time = fast.model_copy(update={"http_deadline_s": 30.0, "http_timeout_s": 10.0,
                                            "http_concurrency": 1})
    a, b = fetch_all(one_at_a_time, [fake_http.url("/a.rss"), fake_http.url("/b.rss")],
                     clock=clock, sleep=clock.sleep, max_attempts=max_attempts)
    assert b.ok and b.attempts == 1
    if max_attempts == 1:
        assert a.error == "HTTP 429" and a.attempts == 1
        assert [r.path for r in fake_http.requests] == ["/a.rss", "/b.rss"]
        assert clock.slept == [2.0]          # /b waited the host's pause before it was sent
        return
    assert a.ok and a.attempts == 2
    # /b did not slip in while /a backed off: both waited the host's 2 s pause
    assert [r.path for r in fake_http.requests] == ["/a.rss", "/a.rss", "/b.rss"]
    assert clock.slept == [2.0, 2.0]


def test_a_long_429_pause_fails_the_hosts_other_urls_at_once_with_the_reason(fake_http: FakeHttpServer,
                                                                            fast):
    fake_http.put("/a.rss", FEED)
    fake_http.put("/b.rss", FEED)
    fake_http.fault("/a.rss", TooManyRequests(retry_after="120"))
    clock = SteppedClock()
    one_at_a_time = fast.model_copy(update={"http_deadline_s": 30.0, "http_timeout_s": 10.0,
                                            "http_concurrency": 1})
    a, b = fetch_all(one_at_a_time, [fake_http.url("/a.rss"), fake_http.url("/b.rss")],
                     clock=clock, sleep=clock.sleep)
    assert a.error.startswith("HTTP 429: gave up (Retry-After 120s exceeds deadline")
    assert b.error == f"HTTP 429 from 127.0.0.1:{fake_http.port}: host paused for 120.0s, past the deadline"
    assert fake_http.requests_for("/b.rss") == []            # never asked: the host said wait
    assert clock.slept == []                                 # and nobody sat the pause out


def test_429_with_retry_after_past_the_deadline_gives_up_at_once(fake_http: FakeHttpServer, fast):
    fake_http.put("/busy.rss", FEED)
    r = fetch_one(fast, fake_http.fault("/busy.rss", TooManyRequests(retry_after="120")))
    assert r.status == 429 and r.attempts == 1
    assert r.error.startswith("HTTP 429: gave up (Retry-After 120s exceeds deadline")
    assert r.elapsed_s < 1.0                                     # did not sit out the deadline


def test_per_host_limit_holds_on_the_servers_clock(fake_http: FakeHttpServer, fast):
    urls = [fake_http.put(f"/f{i}.rss", FEED) for i in range(9)]
    s = fast.model_copy(update={"http_deadline_s": 5.0})
    results = fetch_all(s, urls, host_limits={"127.0.0.1": (3, 0.4)})
    assert all(r.ok for r in results)
    times = sorted(r.time for r in fake_http.requests)
    assert len(times) == 9
    # at most 3 requests in any 0.4 s window, as the server saw them (small network jitter allowed)
    assert all(times[i + 3] - times[i] >= 0.4 - 0.03 for i in range(len(times) - 3)), times
    assert times[-1] - times[0] >= 0.8 - 0.03                       # the limit really held them back


def test_a_rate_limit_slot_past_the_deadline_is_a_reason(fake_http: FakeHttpServer, fast):
    urls = [fake_http.put(f"/f{i}.rss", FEED) for i in range(3)]
    results = fetch_all(fast, urls, host_limits={"127.0.0.1": (2, 30.0)})
    assert [r.ok for r in results].count(True) == 2
    (late,) = [r for r in results if not r.ok]
    assert late.error.startswith(f"rate limit for 127.0.0.1:{fake_http.port}: next slot in") and late.attempts == 0
    assert len(fake_http.requests) == 2


def test_concurrency_is_bounded_by_settings(fake_http: FakeHttpServer, fast):
    urls = [fake_http.put(f"/slow{i}.rss", FEED) for i in range(6)]
    for i in range(6):
        fake_http.fault(f"/slow{i}.rss", Delay(0.15))
    s = fast.model_copy(update={"http_concurrency": 2, "http_timeout_s": 2.0, "http_deadline_s": 5.0})
    results = fetch_all(s, urls)
    assert all(r.ok for r in results)
    times = sorted(r.time for r in fake_http.requests)
    # two at a time: the 3rd request only starts once one of the first two (0.15 s each) is done
    assert all(times[i + 2] - times[i] >= 0.15 - 0.03 for i in range(len(times) - 2)), times


def test_a_429_pauses_its_port_only(fake_http: FakeHttpServer, fast):
    with FakeHttpServer() as other:
        fake_http.put("/a.rss", FEED)
        other.put("/b.rss", FEED)
        busy = fake_http.fault("/a.rss", TooManyRequests(retry_after="120", times=5))
        clock = SteppedClock()
        a, b = fetch_all(fast.model_copy(update={"http_deadline_s": 30.0, "http_timeout_s": 10.0,
                                                 "http_concurrency": 1}),
                         [busy, other.url("/b.rss")],
                         clock=clock, sleep=clock.sleep)
    assert a.error.startswith("HTTP 429") and b.ok  # same host name, another port: not paused
