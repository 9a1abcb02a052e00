"""What the company-news vendors share: one article list -> NewsItem rows, with reasons.

Vendor articles become the same ``NewsItem`` as RSS entries, so the pipeline gives them the
same ids (canonical URL) and clusters (title fingerprint): one story from RSS and NewsAPI is
one row / one cluster. Each adapter follows the registry's Source protocol (build query ->
extract -> transform) and adds ``request`` (URL + auth headers for a symbol) and ``sniff``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from core.models import NewsItem, to_naive_utc
from core.sources.feeds import FeedResult
from core.sources.text import SUMMARY_MAX, TITLE_MAX, clean_url, plain_text
from core.sources.vendor_http import VendorError, load_json, parse_time, utc_from_epoch

NEWS_LOOKBACK_DAYS = 3


def articles_to_result(raw: list[Any], source: str, kind: str, pick) -> FeedResult:
    """``pick(article) -> (url, title, summary, published, guid)``; bad entries get reasons."""
    out = FeedResult(source=source)
    if kind != "news":
        out.error = "vendor news APIs give news, not leads"
        return out
    for art in raw:
        if not isinstance(art, dict):
            out.rejected.append("article is not an object")
            continue
        url, title, summary, when, guid = pick(art)
        url = clean_url(url)
        title = plain_text(title, TITLE_MAX)
        summary = plain_text(summary, SUMMARY_MAX)
        if not title:
            out.rejected.append("article has no title")
            continue
        if not url and not guid:
            out.rejected.append("article has no URL and no id")
            continue
        out.items.append(NewsItem(source, url, title, summary, when, guid))
    if not out.items and not out.rejected:
        out.problems.append("no articles in the answer")
    return out


def when_iso(value) -> datetime | None:
    return parse_time(value) if isinstance(value, str) and value else None


def when_epoch(value) -> datetime | None:
    try:
        return utc_from_epoch(float(value)) if value else None
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def json_doc(name: str, body: bytes):
    return load_json(name, body)


__all__ = ["NEWS_LOOKBACK_DAYS", "VendorError", "articles_to_result", "json_doc", "to_naive_utc",
           "when_epoch", "when_iso"]
