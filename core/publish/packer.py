"""Discord's size limits, and packing many embeds into as few messages as they allow.

Sending one message per item is what got the old scripts rate-limited. Here every item is one
embed, each embed is clamped to the per-field limits, and embeds go into messages greedily in
order until either the 10-embed or the 6,000-character limit would break. Pure functions.
"""
from __future__ import annotations

import copy

from core.publish.escape import dlen, truncate

CONTENT_MAX = 2000
EMBEDS_PER_MESSAGE = 10
EMBED_TOTAL_MAX = 6000  # all embeds of one message together
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
URL_MAX = 2048
EMPTY_FIELD = "—"


def embed_chars(embed: dict) -> int:
    """Characters of one embed that count towards the 6,000 limit."""
    n = dlen((embed.get("title") or "").strip()) + dlen((embed.get("description") or "").strip())
    for f in embed.get("fields") or []:
        n += dlen((f.get("name") or "").strip()) + dlen((f.get("value") or "").strip())
    n += dlen(((embed.get("footer") or {}).get("text") or "").strip())
    n += dlen(((embed.get("author") or {}).get("name") or "").strip())
    return n


def message_chars(embeds: list[dict]) -> int:
    return sum(embed_chars(e) for e in embeds)


def clamp_embed(embed: dict, budget: int = EMBED_TOTAL_MAX) -> dict:
    """A copy within every per-field limit and with at most ``budget`` counted characters.

    Over budget, the description shrinks first, then fields are dropped from the end, then the
    footer and author go; the title (the item's name) is kept to the last.
    """
    e = copy.deepcopy(embed)
    if e.get("title") is not None:
        e["title"] = truncate(e["title"], TITLE_MAX)
    if e.get("description"):
        e["description"] = truncate(e["description"], DESCRIPTION_MAX)
    if not e.get("description"):
        e.pop("description", None)
    fields = []
    for f in (e.get("fields") or [])[:FIELDS_MAX]:
        fields.append({
            **f,
            "name": truncate(f.get("name") or "", FIELD_NAME_MAX) or EMPTY_FIELD,
            "value": truncate(f.get("value") or "", FIELD_VALUE_MAX) or EMPTY_FIELD,
        })
    if fields:
        e["fields"] = fields
    else:
        e.pop("fields", None)
    if e.get("footer"):
        e["footer"] = {**e["footer"], "text": truncate(e["footer"].get("text") or "", FOOTER_MAX)}
        if not e["footer"]["text"]:
            e.pop("footer")
    if e.get("author"):
        e["author"] = {**e["author"], "name": truncate(e["author"].get("name") or "", AUTHOR_MAX)}
        if not e["author"]["name"]:
            e.pop("author")
    if "url" in e and not _is_http_url(e["url"]):
        e.pop("url")

    over = embed_chars(e) - budget
    if over > 0 and e.get("description"):
        keep = max(0, dlen(e["description"]) - over)
        e["description"] = truncate(e["description"], keep)
        if not e["description"]:
            e.pop("description")
    while embed_chars(e) > budget and e.get("fields"):
        e["fields"].pop()
        if not e["fields"]:
            e.pop("fields")
    for key in ("footer", "author"):
        if embed_chars(e) > budget and key in e:
            e.pop(key)
    if embed_chars(e) > budget and e.get("title"):
        e["title"] = truncate(e["title"], max(1, budget))
    return e


def _is_http_url(url: object) -> bool:
    return (isinstance(url, str) and url.startswith(("http://", "https://")) and len(url) <= URL_MAX
            and not any(c.isspace() for c in url))


def pack(embeds: list[dict], max_embeds: int = EMBEDS_PER_MESSAGE,
         max_chars: int = EMBED_TOTAL_MAX) -> list[list[int]]:
    """Group embed indices into messages, in order, greedily under both limits.

    Greedy in order is optimal here: with order fixed, closing a message only when the next
    embed does not fit gives the fewest messages (a later cut can never help an earlier one).
    Every embed must already be within ``max_chars`` (use ``clamp_embed``).
    """
    groups: list[list[int]] = []
    current: list[int] = []
    used = 0
    for i, e in enumerate(embeds):
        size = embed_chars(e)
        if size > max_chars:
            raise ValueError(f"embed {i} has {size} characters, more than {max_chars}: clamp it first")
        if current and (len(current) >= max_embeds or used + size > max_chars):
            groups.append(current)
            current, used = [], 0
        current.append(i)
        used += size
    if current:
        groups.append(current)
    return groups


def dedupe_urls(embeds: list[dict]) -> list[dict]:
    """Discord shows only the first of several embeds sharing a URL in one message: drop the
    URL from the later ones (the item still shows, just without the title link)."""
    seen: set[str] = set()
    out = []
    for e in embeds:
        url = e.get("url")
        if url and url in seen:
            e = {k: v for k, v in e.items() if k != "url"}
        elif url:
            seen.add(url)
        out.append(e)
    return out
