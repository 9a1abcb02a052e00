"""JSON Feed (jsonfeed.org, versions 1 and 1.1) -> NewsItem / SocialPost.

Some blogs and newsletters publish only JSON Feed. Items carry ``id``, ``url``, ``title``,
``content_text``/``content_html``/``summary``, ``date_published`` and ``authors`` (1.1) or
``author`` (1.0). Same cleaning and reasons as the RSS adapter.
"""
from __future__ import annotations

from datetime import datetime

from core.models import NewsItem, SocialPost, to_naive_utc
from core.sources.feeds import FeedResult, json_list
from core.sources.text import AUTHOR_MAX, SUMMARY_MAX, TITLE_MAX, clean_url, plain_text


def is_json_feed(body: bytes) -> bool:
    head = body[:4096].lstrip()
    return head.startswith(b"{") and b"jsonfeed.org/version" in head


def parse_json_feed(body: bytes, *, source: str, kind: str, platform: str | None = None) -> FeedResult:
    out = FeedResult(source=source)
    items = json_list(body, "items", "a JSON Feed without an 'items' list", out, encoding="utf-8-sig")
    if items is None:
        return out
    if not items:
        out.error = "the feed has no entries"
        return out
    platform = platform or "rss"
    for it in items:
        if not isinstance(it, dict):
            out.rejected.append("item is not an object")
            continue
        title = plain_text(it.get("title"), TITLE_MAX, markup=False)  # JSON Feed: titles are plain text
        plain = it.get("content_text") or it.get("summary")
        text = plain_text(plain, SUMMARY_MAX, markup=False) if plain else \
            plain_text(it.get("content_html"), SUMMARY_MAX)
        link = clean_url(it.get("url") or it.get("external_url"))
        guid = plain_text(it.get("id"), 500) or None
        if not title and not text:
            out.rejected.append("entry has neither a title nor text")
            continue
        if not link and not guid:
            out.rejected.append("entry has no link and no id")
            continue
        title = title or plain_text(text, 120)
        when = _when(it.get("date_published") or it.get("date_modified"))
        if kind == "news":
            out.items.append(NewsItem(source, link, title, text, when, guid))
        else:
            authors = it.get("authors") or ([it["author"]] if isinstance(it.get("author"), dict) else [])
            name = authors[0].get("name", "") if authors and isinstance(authors[0], dict) else ""
            out.items.append(SocialPost(platform, source, link, title, text,
                                        plain_text(name, AUTHOR_MAX), when, guid))
    if not out.items:
        out.error = "no usable entries"
    return out


def _when(raw) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return to_naive_utc(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError:
        return None
