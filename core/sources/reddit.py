"""Reddit through its official API: OAuth app-only token, ``/r/<sub>/new`` listings, paging.

Reddit's API rules: an OAuth token (``POST /api/v1/access_token`` with
``grant_type=client_credentials`` and the app's id/secret as HTTP Basic auth), a descriptive
User-Agent, and the ``X-Ratelimit-Used/Remaining/Reset`` quota (100 queries per minute per
client id). The quota headers are obeyed in the shared HTTP layer (``core.sources.http``):
when ``Remaining`` reaches 0 the host is paused until ``Reset``; a 429 waits for ``Reset`` too.

Paging: a poll reads ``/r/<sub>/new?limit=100`` and follows ``after`` (older pages) until it
reaches a post at or before the newest one the previous poll saw (the cursor: ``created_utc``
and fullname), at most ``reddit_max_pages`` pages. Posts between two polls are therefore all
read even when more than 100 arrived; overlap is harmless (dedup drops known ids). Anchoring on
time rather than on ``before=<fullname>`` means a deleted anchor post cannot blind the poller.

``parse_listing`` (JSON -> SocialPost) is also the adapter for recorded listings
(``jobs replay --kind leads listing.json``).
"""
from __future__ import annotations

import base64
import json
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from core.models import SocialPost
from core.sources.feeds import FeedResult, json_body
from core.sources.text import AUTHOR_MAX, SUMMARY_MAX, TITLE_MAX, clean_url, plain_text

SUBREDDIT_RE = re.compile(r"^https?://(?:www\.|old\.|new\.)?reddit\.com/r/([A-Za-z0-9_]{2,21})(?:/|$)",
                          re.IGNORECASE)
TOKEN_MARGIN_S = 60.0  # refresh a token this long before Reddit says it expires


def subreddit_of(url: str) -> str | None:
    """'https://www.reddit.com/r/forhire/new/.rss' -> 'forhire' (None for other URLs)."""
    m = SUBREDDIT_RE.match(url or "")
    return m.group(1) if m else None


def is_listing(body: bytes) -> bool:
    return body[:2048].lstrip().startswith(b"{") and re.search(rb'"kind"\s*:\s*"Listing"', body) is not None


def parse_listing(body: bytes, *, source: str = "reddit") -> FeedResult:
    """A Reddit ``Listing`` of ``t3`` links -> posts (title, selftext, flair, author, time)."""
    out = FeedResult(source=source)
    data = json_body(body, out)
    if out.error:
        return out
    children = (data.get("data") or {}).get("children") if isinstance(data, dict) else None
    if not isinstance(children, list) or data.get("kind") != "Listing":
        out.error = "not a Reddit listing (no data.children of a 'Listing')"
        return out
    for child in children:
        post, why = _link(child, source)
        if post is None:
            out.rejected.append(why)
        else:
            out.items.append(post)
    if not children:
        out.error = "the listing is empty"
    elif not out.items:
        out.error = "no usable posts in the listing"
    return out


def _link(child, source: str) -> tuple[SocialPost | None, str]:
    if not isinstance(child, dict) or child.get("kind") != "t3" or not isinstance(child.get("data"), dict):
        return None, "not a link (t3) entry"
    d = child["data"]
    name = str(d.get("name") or (f"t3_{d['id']}" if d.get("id") else ""))
    title = plain_text(d.get("title"), TITLE_MAX)
    if not name or not title:
        return None, "link without an id or a title"
    permalink = str(d.get("permalink") or "")
    url = clean_url(f"https://www.reddit.com{permalink}" if permalink.startswith("/") else permalink) \
        or clean_url(d.get("url"))
    sub = plain_text(d.get("subreddit"), 40)
    return SocialPost(
        platform="reddit", source=f"r/{sub}" if sub else source, url=url, title=title,
        body=plain_text(d.get("selftext") or "", SUMMARY_MAX), author=plain_text(d.get("author"), AUTHOR_MAX),
        posted_at=_when(d.get("created_utc")), guid=name,
        flair=plain_text(d.get("link_flair_text"), 60) or None,
    ), ""


def _when(ts) -> datetime | None:
    try:
        return datetime.fromtimestamp(float(ts), UTC).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def listing_page(body: bytes) -> tuple[list[tuple[str, float]], str | None]:
    """[(fullname, created_utc)] of a listing page (newest first) and its ``after`` cursor."""
    data = json.loads(body.decode("utf-8"))
    d = data.get("data") or {}
    items = [(c["data"].get("name"), float(c["data"].get("created_utc") or 0))
             for c in d.get("children") or [] if isinstance(c, dict) and isinstance(c.get("data"), dict)]
    return items, d.get("after")


# ---- the OAuth client -------------------------------------------------------------------------

@dataclass
class Token:
    value: str
    expires_at: float  # monotonic seconds

    def fresh(self, now: float) -> bool:
        return now < self.expires_at - TOKEN_MARGIN_S


@dataclass
class Cursor:
    """Where the last poll of a subreddit got to: the newest post it saw."""

    created_utc: float = 0.0
    name: str | None = None


@dataclass
class PollResult:
    subreddit: str
    pages: list[bytes] = field(default_factory=list)  # listing documents, newest first
    cursor: Cursor = field(default_factory=Cursor)
    error: str | None = None
    requests: int = 0


class RedditApi:
    """App-only OAuth client over the shared ``HttpClient``; one instance per run."""

    def __init__(self, http, settings, clock=time.monotonic):
        self.http, self.settings, self.clock = http, settings, clock
        self.token: Token | None = None

    def _ua(self) -> dict[str, str]:
        return {"User-Agent": self.settings.reddit_user_agent}

    async def _token(self, force: bool = False) -> str | None:
        if self.token and not force and self.token.fresh(self.clock()):
            return self.token.value
        cid = self.settings.reddit_client_id.get_secret_value()
        secret = self.settings.reddit_client_secret.get_secret_value()
        basic = base64.b64encode(f"{cid}:{secret}".encode()).decode()
        res = await self.http.fetch(self.settings.reddit_token_url, method="POST",
                                    data={"grant_type": "client_credentials"},
                                    headers={**self._ua(), "Authorization": f"Basic {basic}"})
        if not res.ok:
            raise RedditError(f"token request failed: {res.error or f'HTTP {res.status}'}")
        try:
            answer = json.loads(res.body)
            self.token = Token(answer["access_token"], self.clock() + float(answer.get("expires_in", 3600)))
        except (ValueError, KeyError, TypeError):
            raise RedditError("token answer was not the expected JSON") from None
        return self.token.value

    async def get(self, path: str, params: dict) -> object:
        url = f"{self.settings.reddit_api_base.rstrip('/')}{path}?{urlencode(params)}"
        for attempt in range(2):
            token = await self._token(force=attempt > 0)
            res = await self.http.fetch(url, headers={**self._ua(), "Authorization": f"bearer {token}"})
            if res.status == 401 and attempt == 0:
                continue  # the token expired (or was revoked) mid-run: get a new one, once
            return res
        return res

    async def poll_new(self, subreddit: str, cursor: Cursor | None = None) -> PollResult:
        """Pages of ``/r/<sub>/new`` back to ``cursor`` (the newest post of the last poll)."""
        cursor = cursor or Cursor()
        out = PollResult(subreddit, cursor=Cursor(cursor.created_utc, cursor.name))
        after, newest = None, None
        try:
            for _ in range(self.settings.reddit_max_pages):
                params = {"limit": 100, "raw_json": 1}
                if after:
                    params["after"] = after
                res = await self.get(f"/r/{subreddit}/new", params)
                out.requests += 1
                if not res.ok:
                    out.error = f"r/{subreddit}: {res.error or f'HTTP {res.status}'}"
                    break
                items, after = listing_page(res.body)
                out.pages.append(res.body)
                if items and newest is None:
                    newest = Cursor(items[0][1], items[0][0])
                reached = any(ts < cursor.created_utc or name == cursor.name for name, ts in items)
                if not items or not after or reached or not cursor.created_utc:
                    break  # first poll reads one page; later polls read back to the cursor
        except RedditError as exc:
            out.error = f"r/{subreddit}: {exc}"
        except (ValueError, KeyError, TypeError, AttributeError):
            out.error = f"r/{subreddit}: the listing was not the expected JSON"
        # the cursor moves only when the poll got back to it: a failed page keeps the old one,
        # so the next poll reads the gap again instead of skipping it
        if out.error is None and newest is not None and newest.created_utc >= cursor.created_utc:
            out.cursor = newest
        return out


class RedditError(Exception):
    """Reddit refused or answered nonsense; the message is safe to show (no secrets)."""
