"""Source adapters behind one small Protocol (OpenBB's fetcher shape): build the query,
extract the raw answer, transform it into unified models. Adding a vendor = one adapter
registered here; the pipeline picks the adapter by name or by sniffing the document.
"""
from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from core.sources.feeds import FeedResult, parse_feed
from core.sources.vendor_http import VendorError


@runtime_checkable
class Source(Protocol):
    name: str

    def build_query(self, target: str) -> str:
        """Feed URL, search words ... -> the URL to fetch."""

    def extract(self, body: bytes, headers: dict) -> Any:
        """Response bytes -> the vendor's raw shape (cheap; no models yet)."""

    def transform(self, raw: Any, *, source: str, kind: str, platform: str | None) -> FeedResult:
        """Raw -> NewsItem / SocialPost plus readable reasons for what was left out."""


class FeedSource:
    """RSS and Atom documents (news sites, reddit .rss, hnrss)."""

    name = "rss"

    def build_query(self, target: str) -> str:
        return target

    def extract(self, body: bytes, headers: dict) -> tuple[bytes, dict]:
        return body, headers  # feedparser does extract and transform in one pass

    def transform(self, raw, *, source: str, kind: str, platform: str | None) -> FeedResult:
        body, headers = raw
        return parse_feed(body, headers, source=source, kind=kind, platform=platform)


class _JsonDocument:
    """A JSON answer fetched as is: the URL is the query, the body the raw shape."""

    name = ""

    def build_query(self, target: str) -> str:
        return target

    def extract(self, body: bytes, headers: dict) -> bytes:
        return body


def _not_news(source: str, what: str) -> FeedResult:
    return FeedResult(source=source, error=f"{what} gives posts (leads), not news")


class HnAlgoliaSource(_JsonDocument):
    """Hacker News stories through the Algolia search API (JSON)."""

    name = "hn_algolia"

    def build_query(self, target: str) -> str:
        from core.sources.hn import build_query

        return target if target.startswith("http") else build_query(target)

    def transform(self, raw, *, source: str, kind: str, platform: str | None) -> FeedResult:
        from core.sources.hn import parse_search

        if kind != "leads":
            return _not_news(source, "Hacker News search")
        return parse_search(raw, source=source)


class JsonFeedSource(_JsonDocument):
    """JSON Feed documents (jsonfeed.org)."""

    name = "jsonfeed"

    def transform(self, raw, *, source: str, kind: str, platform: str | None) -> FeedResult:
        from core.sources.jsonfeed import parse_json_feed

        return parse_json_feed(raw, source=source, kind=kind, platform=platform)


class RedditListingSource(_JsonDocument):
    """Reddit API ``Listing`` JSON (``/r/<sub>/new``), live through OAuth or a recorded file."""

    name = "reddit_json"

    def transform(self, raw, *, source: str, kind: str, platform: str | None) -> FeedResult:
        from core.sources.reddit import parse_listing

        if kind != "leads":
            return _not_news(source, "a Reddit listing")
        return parse_listing(raw, source=source)


class HnThreadSource(_JsonDocument):
    """The top-level comments of a monthly HN thread (Algolia ``items/<id>`` JSON)."""

    name = "hn_thread"

    def transform(self, raw, *, source: str, kind: str, platform: str | None) -> FeedResult:
        from core.sources.hn_threads import parse_thread

        if kind != "leads":
            return _not_news(source, "an HN thread")
        return parse_thread(raw, source=source)


SOURCES: dict[str, Source] = {s.name: s for s in (FeedSource(), HnAlgoliaSource(), JsonFeedSource(),
                                                   RedditListingSource(), HnThreadSource())}


def _add_news_vendors() -> None:
    """Company-news vendors (issue #16) as adapters named ``<provider>_news``."""
    from core.sources.news import NEWS_VENDORS

    SOURCES.update({f"{name}_news": v for name, v in NEWS_VENDORS.items()})


_add_news_vendors()


def get_source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise KeyError(f"no source adapter {name!r}; known: {sorted(SOURCES)}") from None


def source_for(url: str | None, body: bytes | None = None) -> Source:
    """Pick the adapter for a feed URL or, for recorded files, by sniffing the document."""
    if url and "hn.algolia.com" in url:
        return SOURCES["hn_algolia"]
    if body is not None:
        head = body[:4096].lstrip()
        if head.startswith(b"{"):
            if b"jsonfeed.org/version" in head:
                return SOURCES["jsonfeed"]
            if b'"hits"' in body[:65536]:
                return SOURCES["hn_algolia"]
            from core.sources.hn_threads import is_thread
            from core.sources.reddit import is_listing

            if is_listing(body):
                return SOURCES["reddit_json"]
            if is_thread(body):
                return SOURCES["hn_thread"]
        if head.startswith((b"{", b"[")):
            vendor = _sniff_vendor(body)
            if vendor:
                return SOURCES[f"{vendor}_news"]
    return SOURCES["rss"]


def _sniff_vendor(body: bytes) -> str | None:
    import json

    from core.sources.news import sniff_news_provider

    try:
        return sniff_news_provider(json.loads(body))
    except (ValueError, UnicodeDecodeError):
        return None


def parse_document(body: bytes, headers: dict | None, *, source: str, kind: str,
                   platform: str | None = None, adapter: str | None = None,
                   url: str | None = None) -> FeedResult:
    """extract + transform with the right adapter; never raises on bad input."""
    src = get_source(adapter) if adapter else source_for(url, body)
    try:
        raw = src.extract(body, dict(headers or {}))
        return src.transform(raw, source=source, kind=kind, platform=platform)
    except VendorError as exc:  # a vendor's error or limit answer, recorded in its words
        return FeedResult(source=source, error=exc.reason)
    except Exception as exc:  # noqa: BLE001 - an adapter bug must cost one document, not the run
        return FeedResult(source=source, error=f"{src.name} adapter failed: {type(exc).__name__}: {exc}"[:300])
