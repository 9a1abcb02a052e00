"""Hacker News' monthly hiring threads through the Algolia API: each top-level comment is a post.

The account ``whoishiring`` opens, on the first weekday of each month, "Ask HN: Who is hiring?
(<Month Year>)", "Ask HN: Who wants to be hired?" and "Ask HN: Freelancer? Seeking freelancer?
(<Month Year>)". Discovery asks Algolia for that account's latest stories
(``search_by_date?tags=story,author_whoishiring``), so next month's threads are found without
configuration. A thread is then read whole (``items/<id>``: the story with its comment tree) and
every top-level comment becomes a ``SocialPost``: in the freelancer thread a comment starts with
``SEEKING FREELANCER`` (a request) or ``SEEKING WORK`` (an offer) — ``core.leads.tags`` reads
them; in "Who is hiring?" every top-level comment is a company hiring, which the post's
``flair`` ("Who is hiring?") says. Replies are discussion and are left out.
"""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from core.models import SocialPost
from core.sources.feeds import FeedResult, json_body
from core.sources.hn import algolia_time
from core.sources.text import AUTHOR_MAX, SUMMARY_MAX, TITLE_MAX, plain_text

ALGOLIA = "https://hn.algolia.com/api/v1"
ITEM_URL = "https://news.ycombinator.com/item?id={}"
THREADS = {  # title pattern -> the flair its top-level comments carry
    "freelancer": (re.compile(r"^Ask HN:\s*Freelancer\?\s*Seeking freelancer\?", re.IGNORECASE), None),
    "hiring": (re.compile(r"^Ask HN:\s*Who is hiring\?", re.IGNORECASE), "Who is hiring?"),
}


def discovery_url(base: str = ALGOLIA, hits: int = 20) -> str:
    return f"{base}/search_by_date?{urlencode({'tags': 'story,author_whoishiring', 'hitsPerPage': hits})}"


def thread_url(story_id: int | str, base: str = ALGOLIA) -> str:
    return f"{base}/items/{int(story_id)}"


def find_threads(body: bytes, months: int = 1) -> list[tuple[str, int, str]]:
    """(kind, story id, title) of the newest ``months`` threads of each kind, newest first."""
    data = json.loads(body.decode("utf-8"))
    hits = [h for h in (data.get("hits") or []) if isinstance(h, dict)]
    hits.sort(key=lambda h: h.get("created_at_i") or 0, reverse=True)
    out: list[tuple[str, int, str]] = []
    for kind, (pattern, _) in THREADS.items():
        found = [h for h in hits if pattern.match(str(h.get("title") or "")) and str(h.get("objectID", "")).isdigit()]
        out += [(kind, int(h["objectID"]), str(h["title"])) for h in found[:months]]
    return out


def is_thread(body: bytes) -> bool:
    head = body[:4096]
    return head.lstrip().startswith(b"{") and re.search(rb'"type"\s*:\s*"story"', head) is not None \
        and b'"children"' in body


def parse_thread(body: bytes, *, source: str = "hn thread") -> FeedResult:
    """An Algolia ``items/<id>`` answer -> one post per top-level comment."""
    out = FeedResult(source=source)
    story = json_body(body, out)
    if out.error:
        return out
    if not isinstance(story, dict) or not isinstance(story.get("children"), list):
        out.error = "not an HN item with comments (no 'children' list)"
        return out
    title = str(story.get("title") or "")
    flair = next((f for p, f in THREADS.values() if p.match(title)), None)
    thread = plain_text(title, 80) or "HN thread"
    for c in story["children"]:
        if not isinstance(c, dict) or not str(c.get("id", "")).isdigit():
            out.rejected.append("comment without a numeric id")
            continue
        text = plain_text(c.get("text") or "", SUMMARY_MAX)
        if not text:
            out.rejected.append("deleted or empty comment")
            continue
        first = re.split(r"(?<=[.!?])\s|\n", text, maxsplit=1)[0]
        out.items.append(SocialPost(
            platform="hn", source=thread, url=ITEM_URL.format(c["id"]),
            title=plain_text(first, min(TITLE_MAX, 200)), body=text,
            author=plain_text(c.get("author"), AUTHOR_MAX), posted_at=algolia_time(c), guid=f"hn:{c['id']}",
            flair=flair,
        ))
    if not story["children"]:
        out.error = "the thread has no comments yet"
    elif not out.items:
        out.error = "no usable comments"
    return out
    return None
