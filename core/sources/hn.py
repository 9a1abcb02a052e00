"""Hacker News through the Algolia search API: JSON -> SocialPost.

``https://hn.algolia.com/api/v1/search_by_date?query=...&tags=story`` answers
``{"hits": [{objectID, title, url, author, story_text, created_at, created_at_i, points,
num_comments, _tags}], "nbHits", "page", "nbPages", "hitsPerPage", ...}``. The post's URL is
always the HN discussion (``news.ycombinator.com/item?id=<objectID>``), the same URL the
hnrss feed adapter uses, so one story polled through both sources is one row.
"""
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from core.models import SocialPost, to_naive_utc
from core.sources.feeds import FeedResult, json_list
from core.sources.text import AUTHOR_MAX, SUMMARY_MAX, TITLE_MAX, clean_url, plain_text

API = "https://hn.algolia.com/api/v1/search_by_date"
ITEM_URL = "https://news.ycombinator.com/item?id={}"


def build_query(query: str, *, tags: str = "story", hits_per_page: int = 50) -> str:
    """The search URL for one query (newest first)."""
    return f"{API}?{urlencode({'query': query, 'tags': tags, 'hitsPerPage': hits_per_page})}"


def parse_search(body: bytes, *, source: str = "hn search") -> FeedResult:
    """Algolia search JSON -> posts; a broken answer gives a reason, not an exception."""
    out = FeedResult(source=source)
    hits = json_list(body, "hits", "no 'hits' list in the answer (not an Algolia search response)", out)
    if hits is None:
        return out
    for hit in hits:
        if not isinstance(hit, dict) or not str(hit.get("objectID", "")).isdigit():
            out.rejected.append("hit without a numeric objectID")
            continue
        title = plain_text(hit.get("title") or hit.get("story_title"), TITLE_MAX, markup=False)  # HN titles: plain
        if not title:
            out.rejected.append("hit without a title")
            continue
        if not hit.get("story_text") and not hit.get("url") and hit.get("comment_text"):
            out.rejected.append("a comment, not a story")
            continue
        body_text = plain_text(hit.get("story_text") or "", SUMMARY_MAX)
        link = clean_url(hit.get("url"))
        if link and not body_text:
            body_text = f"Article: {link}"
        out.items.append(SocialPost(
            platform="hn", source=source, url=ITEM_URL.format(hit["objectID"]), title=title,
            body=body_text, author=plain_text(hit.get("author"), AUTHOR_MAX),
            posted_at=algolia_time(hit), guid=f"hn:{hit['objectID']}",
        ))
    if not hits:
        out.error = "the search returned no hits"
    elif not out.items:
        out.error = "no usable hits"
    return out


def algolia_time(hit: dict) -> datetime | None:
    """An Algolia hit's or item's creation time (epoch ``created_at_i``, else ISO ``created_at``), naive UTC."""
    ts = hit.get("created_at_i")
    if isinstance(ts, (int, float)) and ts > 0:
        return datetime.fromtimestamp(ts, UTC).replace(tzinfo=None)
    raw = hit.get("created_at")
    if isinstance(raw, str):
        try:
            return to_naive_utc(datetime.fromisoformat(raw.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None
