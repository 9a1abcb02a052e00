"""Reddit's official API through the shared HTTP layer, against a loopback fake of its protocol:
OAuth app-only token, expiry mid-run, 429 with X-Ratelimit-Reset, a 500, and paging across polls."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from pydantic import SecretStr

from core.sources.http import HttpClient
from core.sources.reddit import Cursor, RedditApi, parse_listing, subreddit_of
from tests.fakes.clock import SteppedClock
from tests.fakes.reddit_api import CLIENT_ID, CLIENT_SECRET, FakeReddit

pytestmark = pytest.mark.timeout(60)
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "reddit" / "praw__TestSubredditListings.test_new.json"


@pytest.fixture
def fake():
    with FakeReddit() as f:
        yield f


@pytest.fixture
def api_settings(settings, fake):
    return settings.model_copy(update={
        "reddit_client_id": SecretStr(CLIENT_ID), "reddit_client_secret": SecretStr(CLIENT_SECRET),
        "reddit_api_base": fake.base, "reddit_token_url": f"{fake.base}/api/v1/access_token",
        "reddit_user_agent": "signaldesk-test/1.0 (by /u/tester)", "reddit_max_pages": 5})


def _poll(settings, sub, cursor=None, clock=None):
    async def go():
        clock_ = clock or SteppedClock()
        async with HttpClient(settings, clock=clock_, sleep=clock_.sleep) as http:
            api = RedditApi(http, settings)
            first = await api.poll_new(sub, cursor)
            return first, api
    return asyncio.run(go())


def _names(result) -> list[str]:
    return [p.guid for page in result.pages for p in parse_listing(page).items]


def test_recorded_listing_parses():
    rec = json.loads(FIXTURE.read_text())
    [token, listing] = rec["interactions"][:2]
    assert token["request"]["body"] == "grant_type=client_credentials"
    res = parse_listing(listing["response"]["body"]["string"].encode())
    assert len(res.items) == 100 and res.error is None
    assert all(p.guid.startswith("t3_") and p.url.startswith("https://www.reddit.com/r/") for p in res.items)


def test_token_user_agent_and_secret_handling(api_settings, fake, caplog):
    fake.post("forhire", "[Hiring] python scraper", "will pay")
    res, _ = _poll(api_settings, "forhire")
    assert res.error is None and len(_names(res)) == 1
    [tok] = fake.token_requests()
    assert tok.method == "POST" and tok.headers["User-Agent"] == "signaldesk-test/1.0 (by /u/tester)"
    [lst] = fake.listing_requests()
    assert lst.headers["Authorization"] == "bearer token-1" and lst.query["limit"] == "100"
    assert CLIENT_SECRET not in caplog.text and "token-1" not in caplog.text


def test_paging_across_two_polls_loses_and_doubles_nothing(api_settings, fake):
    for i in range(30):
        fake.post("forhire", f"post {i}")
    settings = api_settings.model_copy(update={})
    fake.page_size_cap = 10  # pages of 10, so 25 new posts span three pages
    first, _ = _poll(settings, "forhire")
    seen = _names(first)
    assert len(seen) == 10  # a first poll reads the newest page only
    for i in range(25):
        fake.post("forhire", f"later {i}")
    second, _ = _poll(settings, "forhire", first.cursor)
    new = [n for n in _names(second) if n not in seen]
    assert len(new) == 25 and len(set(new)) == 25  # every post between the polls, once
    assert len(fake.listing_requests()) == 1 + 3 and second.cursor.name == new[0]


def test_token_expiry_mid_run_gets_a_new_token(api_settings, fake):
    fake.post("forhire", "a")

    async def go():
        async with HttpClient(api_settings) as http:
            api = RedditApi(http, api_settings)
            one = await api.poll_new("forhire")
            fake.expire_tokens()  # revoked / expired between two calls of the same run
            two = await api.poll_new("forhire")
            return one, two
    one, two = asyncio.run(go())
    assert one.error is None and two.error is None
    assert [r.headers["Authorization"] for r in fake.listing_requests()] == \
        ["bearer token-1", "bearer token-1", "bearer token-2"]
    assert len(fake.token_requests()) == 2


def test_429_waits_for_x_ratelimit_reset_then_succeeds(api_settings, fake):
    fake.post("forhire", "a")
    fake.fail_next(429, {"X-Ratelimit-Remaining": "0", "X-Ratelimit-Reset": "7", "X-Ratelimit-Used": "600"})
    clock = SteppedClock()
    res, _ = _poll(api_settings.model_copy(update={"http_deadline_s": 1000.0}), "forhire", clock=clock)
    assert res.error is None and len(_names(res)) == 1
    assert 7.0 in clock.slept  # waited exactly what Reddit asked, on the injected clock


def test_remaining_zero_pauses_the_host_until_reset(api_settings, fake):
    fake.post("forhire", "a")
    fake.remaining = 1.0  # the next answer says 0 left, reset in 300 s
    clock = SteppedClock()
    settings = api_settings.model_copy(update={"http_deadline_s": 1000.0})

    async def go():
        async with HttpClient(settings, clock=clock, sleep=clock.sleep) as http:
            api = RedditApi(http, settings)
            await api.poll_new("forhire")
            fake.remaining = 600.0
            return await api.poll_new("forhire")
    res = asyncio.run(go())
    assert res.error is None and 300.0 in clock.slept


def test_500_is_retried_and_a_failed_poll_keeps_the_cursor(api_settings, fake):
    fake.post("forhire", "a")
    fake.fail_next(500)
    res, _ = _poll(api_settings, "forhire")
    assert res.error is None and len(_names(res)) == 1  # the HTTP layer retried
    for _ in range(6):
        fake.fail_next(500)
    old = Cursor(res.cursor.created_utc, res.cursor.name)
    fake.post("forhire", "b")
    bad, _ = _poll(api_settings.model_copy(update={"http_deadline_s": 60.0}), "forhire", old)
    assert bad.error and "HTTP 500" in bad.error
    assert (bad.cursor.created_utc, bad.cursor.name) == (old.created_utc, old.name)


def test_subreddit_urls():
    assert subreddit_of("https://www.reddit.com/r/forhire/new/.rss") == "forhire"
    assert subreddit_of("https://old.reddit.com/r/slavelabour/") == "slavelabour"
    assert subreddit_of("https://hnrss.org/newest") is None
