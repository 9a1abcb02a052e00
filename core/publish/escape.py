"""Make scraped text safe and short enough for Discord.

Leads and news are written by strangers. Before any of it reaches a message it is cleaned
(invisible and direction-changing characters removed), then *every* ASCII character that
Discord's markdown (or the dashboard preview's CommonMark) could read as syntax gets a backslash:
masked links, ``<https://...>`` and bare-URL autolinks (``:`` is escaped, so ``https\\://`` is
no link), headings, ``-#`` subtext, lists, block quotes, code, spoilers, emphasis, ``<t:...>``
timestamps, custom emoji, ``$...$`` maths. Escaping is per character, not per construct, so no
construct can be missed, and a backslash before ASCII punctuation renders as that character in
both renderers, so the visible text stays equal to the input. Every ``@`` is followed by a
zero-width space so ``@everyone`` or ``<@123>`` can never ping (``allowed_mentions`` stays
``{"parse": []}`` as a second lock). Lengths are measured in UTF-16 code units, which is never
less than the code-point count, so a text that fits here also fits Discord's limits.
"""
from __future__ import annotations

import re
import unicodedata

ZWSP = "\u200b"
ELLIPSIS = "…"

# Bidi embeddings/overrides/isolates and marks, zero-width spaces and joiners (ZWJ U+200D is
# kept: emoji sequences need it), word joiner, BOM, soft hyphen, Mongolian vowel separator.
_INVISIBLE = re.compile(
    "[\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff\u00ad\u180e]"
)
# Control characters other than newline and tab.
_CONTROL = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f]")
# ASCII punctuation that neither renderer gives a meaning: left as is (keeps texts short).
INERT = frozenset(",;'\"?%{}")
# Every other ASCII punctuation character is escaped, wherever it stands.
SPECIAL = frozenset("!#$&()*+-./:<=>@[\\]^_`|~")
_SPECIAL_RE = re.compile("[" + re.escape("".join(sorted(SPECIAL))) + "]")
_AT = re.compile("@(?!\u200b)")


def dlen(text: str) -> int:
    """Length as Discord could count it at worst (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def clean(text: object) -> str:
    """Plain text: no invisible/bidi/control characters, normalised newlines, trimmed."""
    if text is None:
        return ""
    s = str(text)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = unicodedata.normalize("NFC", s)
    s = _INVISIBLE.sub("", s)
    s = _CONTROL.sub("", s)
    s = re.sub(r"\n{3,}", "\n\n", s)
    return s.strip()


def escape_markdown(text: str) -> str:
    """A backslash before every markdown-special ASCII character: it shows literally."""
    return _SPECIAL_RE.sub(lambda m: "\\" + m.group(0), text)


def neutralise_mentions(text: str) -> str:
    """A zero-width space after every ``@``: no mention form can ping."""
    return _AT.sub("@" + ZWSP, text)


def safe(text: object) -> str:
    """Clean, escape markdown, neutralise mentions: the one call for any scraped string."""
    return neutralise_mentions(escape_markdown(clean(text)))


def truncate(text: str, limit: int) -> str:
    """Cut to at most ``limit`` (UTF-16 units) at a word boundary, ending with an ellipsis.

    Never leaves a dangling escape backslash or half a surrogate pair.
    """
    text = text.strip()
    if dlen(text) <= limit:
        return text
    if limit <= 0:
        return ""
    budget = limit - dlen(ELLIPSIS)
    # cut by code points until the UTF-16 length fits
    cut = text[:budget]
    while cut and dlen(cut) > budget:
        cut = cut[:-1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space >= len(cut) * 0.6:  # only back up to a word boundary if it costs little
        cut = cut[:space]
    cut = cut.rstrip()
    # an odd run of trailing backslashes would escape the ellipsis / eat a character
    trailing = len(cut) - len(cut.rstrip("\\"))
    if trailing % 2:
        cut = cut[:-1]
    # a cut inside a mention neutraliser ("@" then ZWSP) is harmless; a lone "@" at the end
    # followed by the ellipsis cannot form a mention either.
    return cut.rstrip() + ELLIPSIS


def safe_cut(text: object, limit: int, placeholder: str = "") -> str:
    """``safe`` then ``truncate``; ``placeholder`` when nothing printable is left."""
    out = truncate(safe(text), limit)
    return out if out else placeholder
