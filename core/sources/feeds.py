"""RSS/Atom adapter: response bytes + headers -> NewsItem / SocialPost, with readable problems.

feedparser has no timeout, so bytes come from our own HTTP client (or a recorded file) and
are handed over as a stream: a ``bytes`` argument would be tried as a *file name* first.
Partly broken feeds (``bozo``) keep whatever entries feedparser recovered and say what was
wrong; documents that are not feeds (an HTML page, an empty body, binary garbage) give one
plain reason instead of entries.
"""
from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urljoin

import feedparser

from core.models import NewsItem, SocialPost
from core.sources.text import AUTHOR_MAX, SUMMARY_MAX, TITLE_MAX, clean_url, plain_text, to_text

Kind = Literal["news", "leads"]


@dataclass(slots=True)
class FeedResult:
    """What one document gave: items, entries left out (with why), and document problems."""

    source: str
    items: list = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # one reason per entry left out
    problems: list[str] = field(default_factory=list)  # document-level, e.g. malformed XML
    error: str | None = None  # set when the document gave nothing usable

    @property
    def entries_seen(self) -> int:
        return len(self.items) + len(self.rejected)


def json_body(body: bytes, out: FeedResult, encoding: str = "utf-8"):
    """``body`` decoded as JSON; None with ``out.error`` set when it is not JSON."""
    try:
        return json.loads(body.decode(encoding))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        out.error = f"not JSON: {str(exc)[:120]}"
        return None


def json_list(body: bytes, key: str, missing: str, out: FeedResult,
              encoding: str = "utf-8") -> list | None:
    """``body`` as JSON and the list under ``key``; None with ``out.error`` set when it isn't."""
    data = json_body(body, out, encoding)
    if out.error:
        return None
    found = data.get(key) if isinstance(data, dict) else None
    if not isinstance(found, list):
        out.error = missing
        return None
    return found


def parse_feed(body: bytes, headers: dict | None, *, source: str, kind: Kind,
               platform: str | None = None) -> FeedResult:
    """Parse one RSS/Atom document into unified models (``kind`` picks NewsItem or SocialPost)."""
    result = FeedResult(source=source)
    headers = {str(k).lower(): str(v) for k, v in (headers or {}).items()}
    body, reason = _gunzip(body or b"")
    reason = reason or _not_a_feed(body, headers)
    if reason:
        result.error = reason
        return result
    try:
        parsed = feedparser.parse(io.BytesIO(body), response_headers=headers,
                                  sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 - feedparser is meant not to raise; never let one feed stop a run
        result.error = f"the feed parser failed: {type(exc).__name__}: {str(exc)[:200]}"
        return result
    entries = parsed.get("entries") or []
    if parsed.get("bozo"):
        problem = describe_bozo(parsed.get("bozo_exception"))
        if not entries:
            result.error = _nothing_usable(problem, parsed, headers)
            return result
        result.problems.append(f"{problem} — kept {len(entries)} entries")
    if not entries:
        result.error = ("the feed has no entries" if parsed.get("version")
                        else "not an RSS or Atom feed (no feed elements found)")
        return result
    platform = platform or detect_platform(parsed)
    base = clean_url((parsed.get("feed") or {}).get("link")) or clean_url(headers.get("content-location"))
    removed: list[str] = []  # text taken out of kept entries (besides markup): never "ok"
    for entry in entries:
        try:
            item, why = _entry_to_model(entry, source=source, kind=kind, platform=platform, base=base,
                                        removed=removed)
        except Exception as exc:  # noqa: BLE001 - one odd entry must not lose the others
            item, why = None, f"entry could not be read: {type(exc).__name__}"
        if item is None:
            result.rejected.append(why)
        else:
            result.items.append(item)
    if removed:
        result.problems.append(f"text removed from entries: {summarise_reasons(removed)}")
    if not result.items:
        result.error = f"no usable entries: {summarise_reasons(result.rejected)}"
    return result


_HTML_RE = re.compile(rb"<!doctype html|<html[\s>]")
_FEED_RE = re.compile(rb"<(rss|feed|rdf:rdf|channel)[\s>]")


def _not_a_feed(body: bytes, headers: dict) -> str | None:
    if not body or not body.strip():
        return "empty document (0 bytes of content)"
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if _HTML_RE.search(head) and not _FEED_RE.search(head):
        return f"an HTML page, not a feed (content-type {ctype or 'unknown'})"
    if head.startswith((b"{", b"[")):
        return "a JSON document, not an RSS/Atom feed"
    sample = body[:4096]
    binary = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if binary > len(sample) * 0.1 and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary data, not a feed (not text)"
    return None


_GZIP_MAX = 50_000_000


def _gunzip(body: bytes) -> tuple[bytes, str | None]:
    """A gzip file (a recorded .gz, a server that compresses twice) -> its content, capped."""
    if not body.startswith(b"\x1f\x8b"):
        return body, None
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = d.decompress(body, _GZIP_MAX)
        if d.unconsumed_tail:
            return b"", f"gzip content larger than {_GZIP_MAX // 1_000_000} MB"
        return out, None
    except zlib.error as exc:
        return b"", f"broken gzip data ({exc})"


def _nothing_usable(problem: str, parsed, headers: dict) -> str:
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if "html" in ctype and not parsed.get("version"):
        return f"an HTML page, not a feed (content-type {ctype})"
    return f"{problem} — no entries could be recovered"


def describe_bozo(exc: BaseException | None) -> str:
    """feedparser's exception -> 'malformed XML at line N: ...' in plain words."""
    if exc is None:
        return "the feed is malformed"
    name = type(exc).__name__
    msg = str(exc)
    if hasattr(exc, "getMessage"):
        msg = exc.getMessage()
    if name == "SAXParseException" or hasattr(exc, "getLineNumber"):
        line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else "?"
        return f"malformed XML at line {line}: {msg}"
    if name == "CharacterEncodingOverride":
        return f"declared encoding was wrong, decoded anyway ({msg[:120]})"
    if name == "CharacterEncodingUnknown":
        return f"bad encoding: the document could not be decoded ({msg[:120]})"
    if name == "NonXMLContentType":
        return f"served with a non-XML content type ({msg[:120]})"
    return f"malformed feed ({name}: {msg[:160]})"


def detect_platform(parsed) -> str:
    """'reddit', 'hn' or 'rss' from the feed's own links and generator."""
    feed = parsed.get("feed") or {}
    hints = " ".join(str(feed.get(k, "")) for k in ("link", "id", "generator", "title"))
    hints += " ".join(str(link.get("href", "")) for link in feed.get("links", []) or [])
    hints = hints.lower()
    if "reddit.com" in hints:
        return "reddit"
    if "hnrss" in hints or "news.ycombinator.com" in hints or "hacker news" in hints:
        return "hn"
    return "rss"


_SUBREDDIT_RE = re.compile(r"reddit\.com/r/([A-Za-z0-9_]+)", re.IGNORECASE)


def _markup(detail) -> bool:
    """Whether feedparser says a field is HTML; a field it calls text/plain holds no tags."""
    return str((detail or {}).get("type") or "text/html").lower() != "text/plain"


def _entry_to_model(entry, *, source: str, kind: Kind, platform: str, base: str = "",
                    removed: list[str] | None = None):
    removed = [] if removed is None else removed
    title_t = to_text(entry.get("title"), TITLE_MAX, markup=_markup(entry.get("title_detail")))
    summary_raw, summary_markup = entry.get("summary"), _markup(entry.get("summary_detail"))
    if not summary_raw and entry.get("content"):
        summary_raw = " ".join(c.get("value", "") for c in entry["content"][:3])
        summary_markup = any(_markup(c) for c in entry["content"][:3])
    summary_t = to_text(summary_raw, SUMMARY_MAX, markup=summary_markup)
    title, summary = title_t.text, summary_t.text
    removed.extend(f"title: {r}" for r in title_t.removed)
    removed.extend(f"summary: {r}" for r in summary_t.removed)
    raw_link = str(entry.get("link") or "").strip()
    if raw_link and base and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", raw_link):
        raw_link = urljoin(base, raw_link)  # relative link: resolve against the feed's site
    link = clean_url(raw_link)
    guid = plain_text(entry.get("id") or entry.get("guid"), 500) or None
    when = _entry_time(entry)
    if kind == "leads" and platform == "hn":
        comments = clean_url(entry.get("comments"))
        if "news.ycombinator.com/item" in comments:
            link = comments  # the discussion is the lead; matches the Algolia adapter's URL
    if not title and not summary:
        return None, "entry has neither a title nor text"
    if not link and not guid:
        return None, "entry has no link and no id"
    if not title:
        title = plain_text(summary, 120)
    if kind == "news":
        return NewsItem(source=source, url=link, title=title, summary=summary,
                        published_at=when, guid=guid), ""
    author = plain_text(entry.get("author"), AUTHOR_MAX)
    post_source = source
    if platform == "reddit":
        m = _SUBREDDIT_RE.search(link or guid or "")
        if m:
            post_source = f"r/{m.group(1)}"
        author = author.removeprefix("/u/")
    return SocialPost(platform=platform, source=post_source, url=link, title=title, body=summary,
                      author=author, posted_at=when, guid=guid), ""


def _entry_time(entry) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        st = entry.get(key)
        if st:
            try:
                return datetime(*st[:6])  # feedparser normalises to UTC already
            except (TypeError, ValueError):
                continue
    return None


def summarise_reasons(reasons: list[str]) -> str:
    """['a', 'a', 'b'] -> '2× a; 1× b' (most common first)."""
    counts: dict[str, int] = {}
    for r in reasons:
        counts[r] = counts.get(r, 0) + 1
    return "; ".join(f"{n}× {r}" for r, n in sorted(counts.items(), key=lambda kv: -kv[1]))


_ATOM = "{http://www.w3.org/2005/Atom}"
_RSS1 = "{http://purl.org/rss/1.0/}"


_TEXT_TAGS = {"title": TITLE_MAX, "description": SUMMARY_MAX, f"{_ATOM}title": TITLE_MAX,
              f"{_ATOM}summary": SUMMARY_MAX, f"{_ATOM}content": SUMMARY_MAX,
              f"{_RSS1}title": TITLE_MAX, f"{_RSS1}description": SUMMARY_MAX,
              "{http://purl.org/rss/1.0/modules/content/}encoded": SUMMARY_MAX}


_REMOVABLE_HINT = re.compile(r"(?:<|&lt;|&#0*60;|&#x0*3c;)\s*(?:script|style|noscript|template|iframe|object|"
                             r"svg|head|title)", re.IGNORECASE)


def _same_verdict_as_full_parse(entry) -> bool:
    """False when the full parse would report this entry (no text at all, or text it would
    cut or strip of script/style content): such a document must not take the fast path, or a
    second replay of the same file would get another verdict than the first."""
    texts = [(el.text or "", limit) for el in entry if el.tag in _TEXT_TAGS
             for limit in (_TEXT_TAGS[el.tag],)]
    if not any(t.strip() for t, _ in texts):
        return False
    # only text past its cap or holding a removable element can lose anything: parse just those
    return not any(to_text(t, limit).removed for t, limit in texts
                   if len(t) > limit or _REMOVABLE_HINT.search(t))


def quick_keys(body: bytes) -> list[tuple[str, str | None]] | None:
    """(link, guid) of every entry of a *well-formed* feed, without feedparser; else None.

    The fast path for re-polls of a feed whose entries are all stored already: the C XML
    parser reads a 500-entry document in milliseconds, feedparser needs about a second. The
    keys go through the same ``clean_url``/``plain_text`` as ``parse_feed``; any entry the
    full parse might treat differently (no link and no id) makes the answer None, and a key
    that differs only means "unknown id", which sends the document through the full parse.
    Malformed documents always get the full parse, so their problems are reported each time, and
    so do documents with an entry the full parse would report (``_same_verdict_as_full_parse``).
    """
    if not body or len(body) > 20_000_000:
        return None
    try:
        root = ET.fromstring(body)
    except (ET.ParseError, ValueError, LookupError):
        return None
    entries = root.findall("./channel/item") or root.findall(f"./{_ATOM}entry") or \
        root.findall(f"./{_RSS1}item") or root.findall("./item")
    if not entries:
        return None
    keys = []
    for e in entries:
        if not _same_verdict_as_full_parse(e):
            return None
        link = guid = None
        if e.tag == f"{_ATOM}entry":
            for el in e.findall(f"{_ATOM}link"):
                if el.get("rel", "alternate") == "alternate" and el.get("href"):
                    link = el.get("href")
                    break
            guid = e.findtext(f"{_ATOM}id")
        else:
            link = e.findtext("link") or e.findtext(f"{_RSS1}link")
            guid_el = e.find("guid")
            guid = guid_el.text if guid_el is not None else None
            if not (link or "").strip() and guid_el is not None and \
                    guid_el.get("isPermaLink", "true").lower() != "false":
                link = guid  # feedparser does the same: a permalink guid is the link
        link = clean_url((link or "").strip())
        guid = plain_text(guid, 500) or None
        if not link and not guid:
            return None
        keys.append((link, guid))
    return keys
