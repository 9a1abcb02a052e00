"""The shared HTTP layer against a real HTTP server on 127.0.0.1 that misbehaves on purpose.

Every failure must end within its deadline with a readable reason, and must not hold up the
other URLs of the same batch. Timings in assertions are the client's own ``elapsed_s`` and the
server's request log, not sleeps in the test.
"""
from __future__ import annotations

import asyncio
import logging
import random
import socket

import pytest

from core.sources.http import USER_AGENT, FetchResult, HttpClient, MemoryValidatorCache
from core.store import Store
from core.store.http_cache import StoreValidatorCache
from tests.fakes.http_server import (
    DropMidBody,
    FailTimes,
    FakeHttpServer,
    Hang,
    HugeBody,
    Redirect,
    RedirectLoop,
    WrongContentType,
)
from tests.integration.http_client import FEED, FIXTURES, fast, fetch_all, fetch_one  # noqa: F401 (fixture)

SLACK_S = 0.25   # scheduling slack on a busy 2-core machine

pytestmark = pytest.mark.timeout(20)


def assert_within_deadline(r: FetchResult, deadline: float) -> None:
    assert r.elapsed_s <= deadline + SLACK_S, (r.elapsed_s, r.error)


# -- the normal path ---------------------------------------------------------------------------

def test_serves_a_recorded_feed_with_user_agent_and_validators(fake_http: FakeHttpServer, fast):
    urls = fake_http.serve_dir(FIXTURES)
    cache = MemoryValidatorCache()
    r = fetch_one(fast, urls["pressreleases.rss"], validators=cache)
    assert r.ok and r.error is None and r.attempts == 1
    assert r.body == FEED
    assert r.headers["content-type"].startswith("application/rss+xml")
    assert r.final_url == r.url
    etag, last_modified = cache.get(r.url)
    assert etag == r.headers["etag"] and last_modified == r.headers["last-modified"]
    sent = fake_http.requests_for("/pressreleases.rss")[0].headers
    assert sent["user-agent"] == USER_AGENT
    assert "if-none-match" not in sent


def test_etag_round_trip_returns_not_modified_and_costs_no_body(fake_http: FakeHttpServer, fast):
    url = fake_http.put("/feed.rss", FEED)
    cache = MemoryValidatorCache()
    first = fetch_one(fast, url, validators=cache)
    second = fetch_one(fast, url, validators=cache)
    assert first.ok and first.body == FEED
    assert second.not_modified and second.status == 304 and second.body == b"" and second.error is None
    assert not second.ok
    sent = fake_http.requests_for("/feed.rss")[1].headers
    assert sent["if-none-match"] == first.headers["etag"]
    assert sent["if-modified-since"] == first.headers["last-modified"]
    # a changed feed gets a new ETag: full body again, and the new validator is kept
    fake_http.put("/feed.rss", FEED + b"<!-- changed -->")
    third = fetch_one(fast, url, validators=cache)
    assert third.ok and third.body.endswith(b"<!-- changed -->")
    assert cache.get(url)[0] == third.headers["etag"] != first.headers["etag"]


def test_gzip_is_decoded_and_the_cap_counts_decoded_bytes(fake_http: FakeHttpServer, fast):
    ok = fetch_one(fast, fake_http.put("/gz.rss", FEED, gzip=True))
    assert ok.ok and ok.body == FEED and ok.headers.get("content-encoding") == "gzip"
    assert "gzip" in fake_http.requests_for("/gz.rss")[0].headers["accept-encoding"]
    bomb = fetch_one(fast, fake_http.put("/bomb.rss", b"\0" * 5_000_000, gzip=True))
    assert bomb.error == "response larger than 1 MB cap" and bomb.body == b""


def test_wrong_content_type_is_passed_through_for_the_adapter_to_judge(fake_http: FakeHttpServer, fast):
    r = fetch_one(fast, fake_http.fault("/feed", WrongContentType()))
    assert r.ok and r.headers["content-type"].startswith("text/html") and b"<html>" in r.body


def test_a_followed_redirect_reports_the_final_url(fake_http: FakeHttpServer, fast):
    fake_http.put("/new.rss", FEED)
    r = fetch_one(fast, fake_http.fault("/old.rss", Redirect("/new.rss")))
    assert r.ok and r.final_url == fake_http.url("/new.rss")


# -- faults ---------------------------------------------------------------------------------------

def test_a_feed_that_never_answers_ends_at_its_deadline_with_a_reason(fake_http: FakeHttpServer, fast):
    r = fetch_one(fast, fake_http.fault("/hang", Hang()), max_attempts=10)
    assert r.status is None and r.body == b""
    assert r.error.startswith("timed out after 0.2s") and "deadline of 1s reached" in r.error
    assert r.attempts >= 2 and len(fake_http.requests_for("/hang")) == r.attempts
    assert_within_deadline(r, 1.0)


def test_a_hung_feed_does_not_hold_up_the_rest_of_the_batch(fake_http: FakeHttpServer, fast):
    hang = fake_http.fault("/hang", Hang())
    feeds = [fake_http.put(f"/ok{i}.rss", FEED) for i in range(3)]
    results = fetch_all(fast, [hang, *feeds])
    assert [r.url for r in results] == [hang, *feeds]          # input order kept
    hung, *rest = results
    assert hung.error and all(r.ok for r in rest)
    assert max(r.elapsed_s for r in rest) < hung.elapsed_s / 2


def test_a_fast_fetch_completes_while_a_hung_one_is_still_pending(fake_http: FakeHttpServer, fast):
    hang, ok = fake_http.fault("/hang", Hang()), fake_http.put("/ok.rss", FEED)

    async def go():
        async with HttpClient(fast) as http:
            pending = asyncio.create_task(http.fetch(hang))
            done = await http.fetch(ok)
            still_pending = not pending.done()
            return done, still_pending, await pending

    done, still_pending, hung = asyncio.run(go())
    assert done.ok and still_pending and hung.error


def test_five_500s_then_200_succeeds_when_attempts_allow(fake_http: FakeHttpServer, fast):
    fake_http.put("/flaky.rss", FEED)
    r = fetch_one(fast, fake_http.fault("/flaky.rss", FailTimes(5)), max_attempts=6)
    assert r.ok and r.body == FEED and r.attempts == 6
    assert len(fake_http.requests_for("/flaky.rss")) == 6


def test_five_500s_with_too_few_attempts_says_so(fake_http: FakeHttpServer, fast):
    fake_http.put("/flaky.rss", FEED)
    r = fetch_one(fast, fake_http.fault("/flaky.rss", FailTimes(5)), max_attempts=4)
    assert r.error == "HTTP 500 (4 attempts)" and r.status == 500 and r.body == b""


def test_five_500s_with_a_small_deadline_end_in_a_reason(fake_http: FakeHttpServer, fast):
    fake_http.put("/flaky.rss", FEED)
    short = fast.model_copy(update={"http_deadline_s": 0.3})
    r = fetch_one(short, fake_http.fault("/flaky.rss", FailTimes(5)), max_attempts=10,
                  backoff_base_s=0.2, backoff_cap_s=0.2, rng=random.Random(0))
    # back-off up to 0.2 s per retry inside a 0.3 s deadline: it retries, but never six times
    assert r.error.startswith("HTTP 500 (") and "deadline of 0.3s reached" in r.error, r.error
    assert 2 <= r.attempts < 6 and r.status == 500
    assert_within_deadline(r, 0.3)


def test_a_50mb_body_is_capped_without_reading_it_all(fake_http: FakeHttpServer, fast):
    streamed, announced = fetch_all(fast, [fake_http.fault("/huge", HugeBody()),
                                           fake_http.fault("/huge-cl", HugeBody(content_length=True))])
    assert streamed.error == "response larger than 1 MB cap" and streamed.body == b""
    assert announced.error == "response larger than 1 MB cap (Content-Length 52428800)"
    assert streamed.attempts == announced.attempts == 1          # a size problem is not retried
    assert not streamed.ok and not announced.ok


def test_a_redirect_loop_is_named_at_its_first_repeat(fake_http: FakeHttpServer, fast):
    fake_http.fault("/loop-a", Redirect("/loop-b"))
    r = fetch_one(fast, fake_http.fault("/loop-b", Redirect("/loop-a")))
    assert r.error == "redirect loop (back to an earlier URL after 2 redirects)" and r.attempts == 1
    assert [q.path for q in fake_http.requests] == ["/loop-b", "/loop-a"]     # no hammering
    self_loop = fetch_one(fast, fake_http.fault("/loop", RedirectLoop()))
    assert self_loop.error == "redirect loop (back to an earlier URL after 1 redirect)"


def test_a_long_redirect_chain_stops_at_the_limit(fake_http: FakeHttpServer, fast):
    for i in range(10):
        fake_http.fault(f"/r{i}", Redirect(f"/r{i + 1}"))
    r = fetch_one(fast, fake_http.url("/r0"), max_redirects=3)
    assert r.error == "too many redirects (more than 3)" and len(fake_http.requests) == 4


def test_redirect_hops_are_rate_limited_and_guarded(fake_http: FakeHttpServer, fast):
    fake_http.put("/new.rss", FEED)
    fake_http.fault("/old.rss", Redirect("/new.rss"))
    fake_http.fault("/older.rss", Redirect("/old.rss"))
    # each hop takes a rate-limit slot: two hops fit a limit of 2, three do not
    assert fetch_one(fast, fake_http.url("/old.rss"), host_limits={"127.0.0.1": (2, 30.0)}).ok
    fake_http.requests.clear()
    r = fetch_one(fast, fake_http.url("/older.rss"), host_limits={"127.0.0.1": (2, 30.0)})
    assert r.error.startswith("rate limit for 127.0.0.1") and len(fake_http.requests) == 2
    # a redirect to a real host is refused in offline mode, like a direct URL would be
    away = fetch_one(fast, fake_http.fault("/away", Redirect("https://www.sec.gov/news/pressreleases.rss")))
    assert away.error == "redirect refused: offline mode: not fetching from www.sec.gov"


def test_a_connection_dropped_mid_body_is_retried_then_reported(fake_http: FakeHttpServer, fast):
    fake_http.put("/drop.rss", FEED)
    r = fetch_one(fast, fake_http.fault("/drop.rss", DropMidBody()), max_attempts=3)
    assert r.error == "connection dropped mid-body (3 attempts)" and r.body == b""
    assert len(fake_http.requests_for("/drop.rss")) == 3


def test_404_is_not_retried(fake_http: FakeHttpServer, fast):
    r = fetch_one(fast, fake_http.url("/missing.rss"))
    assert r.status == 404 and r.error == "HTTP 404" and r.attempts == 1


def test_a_closed_port_is_retried_then_reported(fast):
    with socket.socket() as s:          # a port that was free a moment ago: nobody listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = fetch_one(fast, f"http://127.0.0.1:{port}/feed", max_attempts=2)
    assert r.error.startswith("cannot connect") and r.attempts == 2 and r.status is None


def test_offline_settings_refuse_non_loopback_hosts_without_touching_the_network(settings):
    assert settings.offline
    r = fetch_one(settings, "https://www.sec.gov/news/pressreleases.rss")
    assert r.error == "offline mode: not fetching from www.sec.gov" and r.attempts == 0


def test_invalid_urls_are_reported_not_raised(fast):
    r1, r2 = fetch_all(fast, ["ftp://127.0.0.1/x", "not a url"])
    assert r1.error.startswith("invalid URL") and r2.error.startswith("invalid URL")


def test_one_log_line_per_failed_fetch_with_the_key_masked(fake_http: FakeHttpServer, fast, caplog):
    fake_http.put("/api", FEED)
    url = fake_http.fault("/api", FailTimes(10)) + "?token=SECRET123"
    with caplog.at_level(logging.DEBUG, logger="core.sources.http"):
        r = fetch_one(fast, url, max_attempts=2)
    failed = [rec for rec in caplog.records if rec.levelno >= logging.WARNING]
    assert r.error == "HTTP 500 (2 attempts)" and len(failed) == 1
    rec = failed[0]
    assert rec.name == "core.sources.http" and rec.host == "127.0.0.1" and rec.status == 500
    assert rec.reason == r.error and rec.url == fake_http.url("/api") + "?token=***"
    assert all("SECRET123" not in str(vars(x)) and "SECRET123" not in x.getMessage() for x in caplog.records)


# -- validators in the store ----------------------------------------------------------------------

def test_store_validator_cache_round_trip_keeps_other_columns(store: Store):
    with store.write() as con:
        con.execute("INSERT INTO source_state (source, consecutive_failures, last_error) "
                    "VALUES ('http://a/feed', 3, 'HTTP 500')")
    cache = StoreValidatorCache(store)
    assert cache.load(["http://a/feed", "http://b/feed"]) == 1
    assert cache.get("http://a/feed") == (None, None)
    cache.put("http://a/feed", '"e1"', "Thu, 02 Jan 2025 03:04:05 GMT")
    cache.put("http://b/feed", '"e2"', None)
    cache.put("http://b/feed", '"e2"', None)          # unchanged: still one pending write
    assert cache.pending == 2 and cache.flush() == 2 and cache.flush() == 0

    fresh = StoreValidatorCache(store)
    assert fresh.load(["http://a/feed", "http://b/feed", "http://c/feed"]) == 2
    assert fresh.get("http://a/feed") == ('"e1"', "Thu, 02 Jan 2025 03:04:05 GMT")
    assert fresh.get("http://b/feed") == ('"e2"', None)
    assert fresh.get("http://c/feed") == (None, None)
    with store.read() as con:
        row = con.execute("SELECT consecutive_failures, last_error FROM source_state "
                          "WHERE source = 'http://a/feed'").fetchone()
    assert row == (3, "HTTP 500")                      # the health columns were not touched


def test_conditional_get_across_runs_through_the_store(fake_http: FakeHttpServer, fast, store: Store):
    urls = [fake_http.put("/a.rss", FEED), fake_http.put("/b.rss", FEED + b" ")]

    def run_once() -> list[FetchResult]:
        cache = StoreValidatorCache(store)
        cache.load(urls)
        results = fetch_all(fast, urls, validators=cache)
        cache.flush()
        return results

    first, second = run_once(), run_once()
    assert all(r.ok for r in first)
    assert all(r.not_modified and r.body == b"" for r in second)
    assert [r.headers["if-none-match"] for r in fake_http.requests[2:]] == [r.headers["etag"] for r in first] \
        or sorted(r.headers["if-none-match"] for r in fake_http.requests[2:]) == \
        sorted(r.headers["etag"] for r in first)
