"""Lead feeds read through an API instead of a plain GET: Reddit's OAuth API and HN's threads.

``core.ingest`` hands over the lead feed rows; this module picks the ones it serves —

* a subreddit URL (``https://www.reddit.com/r/forhire/new/.rss``) when Reddit credentials are set
  (``SIGNALDESK_REDDIT_CLIENT_ID`` / ``_CLIENT_SECRET``); without them the RSS feed is fetched as
  before, the fallback;
* the HN discovery URL (``hn.algolia.com/api/v1/search_by_date?tags=story,author_whoishiring``):
  the newest "Freelancer? Seeking freelancer?" and "Who is hiring?" threads, read whole —

fetches them (no store connection open meanwhile) and returns documents for the one pipeline,
plus the Reddit cursors to save once those documents' rows are stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from core.models import Document
from core.sources import hn_threads
from core.sources.reddit import Cursor, RedditApi, subreddit_of


@dataclass
class ApiFetch:
    documents: list[Document] = field(default_factory=list)
    outcome: dict = field(default_factory=dict)  # feed url -> (ok, error)
    reasons: list[str] = field(default_factory=list)
    cursors: dict = field(default_factory=dict)  # "reddit:<sub>" -> (created_utc, fullname)


def reddit_enabled(settings) -> bool:
    return settings.reddit_client_id is not None and settings.reddit_client_secret is not None


def served_here(settings, url: str) -> bool:
    if "author_whoishiring" in url:  # the HN discovery search (hn.algolia.com or a local fake)
        return True
    return reddit_enabled(settings) and subreddit_of(url) is not None


def cursor_key(sub: str) -> str:
    return f"reddit:{sub.lower()}"


async def fetch_api_feeds(settings, rows: list[dict], cursors: dict, http) -> ApiFetch:
    """Poll every row (a feed dict with url/name) through its API; never raises for the network."""
    out = ApiFetch()
    reddit = RedditApi(http, settings) if reddit_enabled(settings) else None
    for row in rows:
        url, name = row["url"], row.get("name") or row["url"]
        sub = subreddit_of(url)
        if sub and reddit is not None:
            pos, marker = cursors.get(cursor_key(sub), (None, None))
            res = await reddit.poll_new(sub, Cursor(pos or 0.0, marker))
            out.documents += [Document(name, page, {}, "reddit", url=url, adapter="reddit_json")
                              for page in res.pages]
            if res.error:
                out.reasons.append(f"{name}: {res.error}")
            else:
                out.cursors[cursor_key(sub)] = (res.cursor.created_utc, res.cursor.name)
            out.outcome[url] = (res.error is None or bool(res.pages), res.error)
            continue
        found = await http.fetch(url)
        if not found.ok:
            out.reasons.append(f"{name}: {found.error or f'HTTP {found.status}'}")
            out.outcome[url] = (False, found.error)
            continue
        try:
            threads = hn_threads.find_threads(found.body, settings.hn_thread_months)
        except (ValueError, AttributeError, TypeError):
            out.reasons.append(f"{name}: the thread search answer was not Algolia JSON")
            out.outcome[url] = (False, "not Algolia JSON")
            continue
        if not threads:
            out.reasons.append(f"{name}: no hiring threads found")
        base = url.split("/search_by_date", 1)[0]
        for _kind, story_id, title in threads:
            res = await http.fetch(hn_threads.thread_url(story_id, base))
            if res.ok:
                out.documents.append(Document(title[:80], res.body, res.headers, "hn", url=res.url,
                                              adapter="hn_thread"))
            else:
                out.reasons.append(f"{title[:60]}: {res.error or f'HTTP {res.status}'}")
        out.outcome[url] = (True, None)
    return out
