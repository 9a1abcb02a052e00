"""Scraped text is hostile: turn any markup into capped plain text before it goes anywhere.

Feeds put HTML (and sometimes scripts) in titles and summaries, and a Discord post or a
dashboard cell must never render it. ``plain_text`` drops every tag and the contents of
``script``/``style``, unescapes entities, removes control characters, collapses whitespace,
defuses Discord mass mentions (``@everyone``/``@here`` get a zero-width space; the publisher
also sends ``allowed_mentions=none``) and caps the length.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

TITLE_MAX = 300
SUMMARY_MAX = 2_000
AUTHOR_MAX = 100
URL_MAX = 2_000
# Cut raw input before parsing so a 100 MB field cannot make the stripper slow.
_RAW_MAX = 200_000

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")
_SPACE_RE = re.compile(r"\s+")
_MENTION_RE = re.compile(r"@(everyone|here)", re.IGNORECASE)
_TAG_HINT_RE = re.compile(r"<[a-zA-Z/!?]|&[#a-zA-Z0-9]+;")
_TAGLIKE_RE = re.compile(r"<[a-zA-Z/!?]")


class _Stripper(HTMLParser):
    _SKIP = {"script", "style", "noscript", "template", "iframe", "object", "svg", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self._skip_depth += 1
        else:  # every tag is a word boundary ("by<a>x</a>" -> "by x")
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        else:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip_depth:
            self.parts.append(data)


def strip_html(value: str) -> str:
    """Markup to text; plain text passes through (entities unescaped)."""
    if not _TAG_HINT_RE.search(value):
        return value
    parser = _Stripper()
    try:
        parser.feed(value)
        parser.close()
    except Exception:  # html.parser is lenient; be safe on anything odd
        return html.unescape(re.sub(r"<[^>]*>", " ", value))
    text = "".join(parser.parts)
    # A second round: entity-escaped markup ("&lt;script&gt;") becomes markup after unescaping.
    if "<" in text and re.search(r"<[a-zA-Z/!]", text):
        text = re.sub(r"<(script|style)\b.*?(</\1\s*>|$)", " ", text, flags=re.IGNORECASE | re.DOTALL)
        text = re.sub(r"<[^>]*>?", " ", text)
    return text


def plain_text(value: object, limit: int) -> str:
    """Any scraped value -> one line of plain text of at most ``limit`` characters."""
    if value is None:
        return ""
    text = _CONTROL_RE.sub("", str(value)[:_RAW_MAX])
    text = _CONTROL_RE.sub("", strip_html(text))  # entities may decode to control characters
    if _TAGLIKE_RE.search(text):  # last guard: nothing that a renderer could take for a tag
        text = re.sub(r"<[^>]*>?", " ", text)
    text = _SPACE_RE.sub(" ", text).strip()
    text = _MENTION_RE.sub("@\u200b\\1", text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_url(value: object) -> str:
    """An http(s) URL without whitespace, or '' (javascript:, data: and the like are dropped)."""
    if not value:
        return ""
    url = _CONTROL_RE.sub("", str(value)).strip()
    if len(url) > URL_MAX or any(c.isspace() for c in url):
        return ""
    if not re.match(r"^https?://[^/\s]+", url, re.IGNORECASE):
        return ""
    return url
