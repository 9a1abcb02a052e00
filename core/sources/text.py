"""Scraped text is hostile: turn any markup into capped plain text before it goes anywhere.

Feeds put HTML (and sometimes scripts) in titles and summaries. ``to_text`` removes markup as
markup and nothing else: real HTML elements go, the contents of a *closed* ``script``/``style``
go (and are reported), entities are decoded once, control characters go, whitespace collapses,
mass mentions are defused and the length is capped (reported). Text that merely names a tag
(``Why the <title> element matters``, ``&lt;svg&gt;`` in HTML) is text and is kept, words after
it included; what it returns is plain text that every renderer shows as text (the dashboard
never renders HTML, Discord output goes through ``core.publish.escape``). Whatever is taken out
besides markup is listed in ``Text.removed``, so the run is not reported ``ok``.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
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


# Elements of HTML: only these are markup. Anything else that looks like a tag ("<title of
# the post>", "<ticker>", "<3") is text and is kept as written.
HTML_ELEMENTS = frozenset("""a abbr acronym address area article aside audio b base bdi bdo big blink
blockquote body br button canvas caption center cite code col colgroup data datalist dd del details
dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2
h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark
marquee math menu meta meter nav nobr noscript object ol optgroup option output p param picture
plaintext pre progress q rp rt ruby s samp script search section select slot small source span
strike strong style sub summary sup svg table tbody td template textarea tfoot th thead time title
tr track tt u ul var video wbr xmp""".split())


@dataclass(slots=True)
class Text:
    """Plain text and what was taken out of it (empty when nothing but markup was)."""

    text: str
    removed: list[str] = field(default_factory=list)


class _Stripper(HTMLParser):
    """Markup out, text kept. The content of script/style/... is dropped only when the element
    is closed: an unclosed ``<title>`` or ``<svg>`` in a headline is a word, not a document
    head, so it and every word after it are kept as written."""

    _SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "head", "title"})
    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                       "param", "source", "track", "wbr"})

    def __init__(self, strict: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.strict = strict  # text decoded once already: an element must close to be markup
        self.parts: list[str] = []
        self.removed: list[str] = []
        self._skipping: list[tuple[str, str, int]] = []  # (tag, raw start tag, len(parts) then)
        self._open: list[tuple[str, int]] = []  # strict mode: start tags waiting for their end

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag not in HTML_ELEMENTS:
            self.parts.append(raw)  # "<ticker>" is text
        elif tag in self._SKIP:
            self._skipping.append((tag, raw, len(self.parts)))
        elif self.strict and tag not in self._VOID:
            self._open.append((tag, len(self.parts)))
            self.parts.append(raw)  # becomes a word boundary when its end tag comes
        else:  # every tag is a word boundary ("by<a>x</a>" -> "by x")
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.parts.append(self.get_starttag_text() if tag not in HTML_ELEMENTS else " ")

    def handle_endtag(self, tag):
        for depth in range(len(self._skipping) - 1, -1, -1):
            if self._skipping[depth][0] == tag:
                start = self._skipping[depth][2]
                gone = "".join(self.parts[start:]).strip()
                del self.parts[start:], self._skipping[depth:]
                if gone:
                    self.removed.append(f"<{tag}> content removed ({len(gone)} characters)")
                self.parts.append(" ")
                return
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                for _t, idx in self._open[depth:]:
                    if _t == tag:
                        self.parts[idx] = " "
                self._open = [o for o in self._open[:depth]]
                self.parts.append(" ")
                return
        self.parts.append(f"</{tag}>" if tag not in HTML_ELEMENTS or self.strict else " ")

    def handle_data(self, data):
        self.parts.append(data)

    def unclosed_as_text(self) -> None:
        """At the end: a skip element that never closed was text all along."""
        if self.rawdata:  # an unclosed <script>/<style> holds the rest of the text back
            self.parts.append(html.unescape(self.rawdata))
            self.rawdata = ""
        for _tag, raw, start in reversed(self._skipping):
            self.parts.insert(start, raw)
        self._skipping.clear()


# A "<" that cannot open a tag or a comment ("</ x", "<3", "<?", "< b") is a character: escape it
# so html.parser cannot swallow the words after it as a bogus comment.
_LONE_LT = re.compile(r"<(?![A-Za-z]|/[A-Za-z]|!--)")


def _escape_lone_lt(value: str) -> str:
    """``<`` that opens no tag, and ``<!--`` that no ``-->`` closes, become ``&lt;``."""
    value = _LONE_LT.sub("&lt;", value)
    if "<!--" in value:
        head, sep, rest = value.rpartition("-->")
        tail = rest if sep else value
        value = (head + sep if sep else "") + tail.replace("<!--", "&lt;!--")
    return value


def _strip_once(value: str, strict: bool) -> Text:
    parser = _Stripper(strict)
    try:
        parser.feed(_escape_lone_lt(value))
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; never lose the text over an odd document
        return Text(html.unescape(value), ["markup could not be parsed; kept as written"])
    parser.unclosed_as_text()
    return Text("".join(parser.parts), parser.removed)


def strip_html(value: str) -> Text:
    """Markup to text; plain text passes through unchanged.

    Feeds escape HTML twice often enough (Reddit's RSS descriptions are ``&lt;div&gt;...``), so
    text that still holds markup after one pass gets a second, *strict* one: there an element
    is markup only when it is void (``<br>``, ``<img>``) or closed, so ``&lt;svg&gt; icons`` or
    ``Why the &lt;title&gt; element`` keep their words while ``&lt;p&gt;Hi&lt;/p&gt;`` is "Hi".
    """
    if not _TAG_HINT_RE.search(value):
        return Text(value)
    first = _strip_once(value, strict=False)
    if not re.search(r"<[a-zA-Z/!]", first.text):
        return first
    second = _strip_once(first.text, strict=True)
    return Text(second.text, first.removed + second.removed)


def to_text(value: object, limit: int, *, markup: bool = True) -> Text:
    """Any scraped value -> one line of plain text of at most ``limit`` characters, with a
    note for every piece of text taken out. ``markup=False`` for fields the feed declares as
    plain text (feedparser's ``type: text/plain``): only closed elements are markup there."""
    if value is None:
        return Text("")
    raw = str(value)
    removed = []
    if len(raw) > _RAW_MAX:
        raw = raw[:_RAW_MAX]
        removed.append(f"input cut at {_RAW_MAX} characters before parsing")
    text = _CONTROL_RE.sub("", raw)
    if _TAG_HINT_RE.search(text):
        # a plain-text field gets the strict pass only: "<b>x</b>" is still markup there, an
        # unclosed "<title>" is a word
        stripped = strip_html(text) if markup else _strip_once(text, strict=True)
        text, removed = stripped.text, removed + stripped.removed
        text = _CONTROL_RE.sub("", text)  # entities may decode to control characters
    text = _SPACE_RE.sub(" ", text).strip()
    text = _MENTION_RE.sub("@\u200b\\1", text)
    if len(text) > limit:
        removed.append(f"cut to {limit} characters (from {len(text)})")
        text = text[: limit - 1].rstrip() + "…"
    return Text(text, removed)


def plain_text(value: object, limit: int, *, markup: bool = True) -> str:
    """``to_text`` without the notes (ids, authors: where a cut is not worth a report)."""
    return to_text(value, limit, markup=markup).text


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
