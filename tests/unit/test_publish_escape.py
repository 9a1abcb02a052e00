"""Scraped text made harmless: mentions never ping, markdown shows literally, cuts are clean."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.publish.escape import ELLIPSIS, ZWSP, clean, dlen, safe, safe_cut, truncate

pytestmark = pytest.mark.timeout(30)

# A mention Discord would parse: @everyone/@here, <@id>, <@!id>, <@&id>, <#id>
LIVE_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>")


@pytest.mark.parametrize("text", [
    "@everyone free money", "hey @here", "<@123>", "<@!123456789012345678>", "<@&456>", "<#1>",
    "@@everyone", "@\u200beveryone", "@\u200deveryone", "<@\u200b123>", "＠everyone", "@every\u202eone",
    "mail me: a@b.com @everyone",
])
def test_no_mention_survives(text):
    out = safe(text)
    assert not LIVE_MENTION.search(out)


def test_markdown_is_escaped_not_removed():
    out = safe("**bold** __u__ ~~s~~ `code` ||spoiler|| [click](http://evil) > quote\n# Heading")
    for raw in ("**bold**", "__u__", "~~s~~", "`code`", "||spoiler||"):
        assert raw not in out
    assert "\\[click\\]\\(http\\:\\/\\/evil\\)" in out  # masked link escaped: shows literally
    assert "\\*\\*bold" in out and "\n\\# Heading" in out


def test_invisible_and_bidi_characters_removed():
    text = "pay\u202eusd\u202c now\u200b\u2066x\u2069\ufeff\u00ad"
    out = clean(text)
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b\ufeff\u00ad]", out)
    assert out == "payusd nowx"


def test_emoji_zwj_sequences_kept():
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert family in clean(f"team {family}")


def test_truncate_cuts_at_word_boundary_with_ellipsis():
    text = "alpha beta gamma delta epsilon " * 20
    out = truncate(text, 50)
    assert dlen(out) <= 50 and out.endswith(ELLIPSIS)
    assert out[:-1].rstrip().split(" ")[-1] in {"alpha", "beta", "gamma", "delta", "epsilon"}


def test_truncate_short_text_untouched_and_no_dangling_backslash():
    assert truncate("short", 10) == "short"
    out = truncate("x" * 8 + "\\*" * 10, 10)
    assert dlen(out) <= 10
    body = out[:-1]
    assert (len(body) - len(body.rstrip("\\"))) % 2 == 0


def test_safe_cut_placeholder_for_empty_and_invisible_only():
    assert safe_cut("", 256, "(untitled)") == "(untitled)"
    assert safe_cut("\u200b\u202e  ", 256, "(untitled)") == "(untitled)"
    assert safe_cut(None, 256, "(untitled)") == "(untitled)"


def test_dlen_counts_utf16_units():
    assert dlen("abc") == 3
    assert dlen("\U0001F600") == 2  # astral emoji: two UTF-16 units


@hsettings(max_examples=200, deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=300))
def test_safe_cut_always_within_limit_and_never_mentions(text, limit):
    out = safe_cut(text, limit)
    assert dlen(out) <= limit
    assert not LIVE_MENTION.search(out)
    assert "\u202e" not in out
    assert ZWSP not in out.replace("@" + ZWSP, "").replace("<" + ZWSP, "")


# --- totality: a model of Discord's inline parser. In Discord (simple-markdown) and in CommonMark
# a backslash before ASCII punctuation is that character, shown literally; any other special
# character may start a construct. So: every special character in the output must be escaped,
# and removing the escapes (and our zero-width spaces) must give back the cleaned input.
SPECIAL_ASCII = set("!#$&()*+-./:<=>@[\\]^_`|~")


def visible(out: str) -> str:
    """What a reader sees; fails on any special character left unescaped."""
    shown, i = [], 0
    while i < len(out):
        c = out[i]
        if c == "\\":
            assert i + 1 < len(out) and out[i + 1] in SPECIAL_ASCII, f"dangling escape in {out!r}"
            shown.append(out[i + 1])
            i += 2
            continue
        assert c not in SPECIAL_ASCII, f"unescaped {c!r} at {i} in {out!r}"
        shown.append(c)
        i += 1
    return "".join(shown).replace("@" + ZWSP, "@")


HOSTILE = [
    "[a](https://ok.example) [b](https://evil.example/phish) [c](<https://e.example>)",
    "<https://evil.example> https://bare.example www.evil.example",
    "# h1\n## h2\n### h3\n-# subtext\n- item\n* item\n+ item\n1. one\n10) ten",
    "> quote\n>>> block quote\n```py\ncode\n```\n`inline` ~~s~~ ||spoiler|| __u__ *i* **b**",
    "<t:1700000000:R> <:emoji:123> <a:anim:1> </cmd:1> <@123> <@!1> <@&2> <#3> @everyone @here",
    "$x^2$ :red[alert] \\*not bold\\* \\\\[x](y) [x]\n(https://split.example)",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_as_its_own_text(text):
    assert visible(safe(text)) == clean(text)


@hsettings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(sorted(SPECIAL_ASCII) + list("ab:/ \n\t@0<>") +
                                ["https://", "[x](", "\u200b", "é", "\U0001F600"])).map("".join))
def test_escaping_is_total_over_markdown_heavy_text(text):
    assert visible(safe(text)) == clean(text)


@hsettings(max_examples=300, deadline=None)
@given(st.text())
def test_escaping_is_total_over_any_text(text):
    assert visible(safe(text)) == clean(text)


@hsettings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("[]()<>:/.#-*_`|~@ab \n") + ["https://evil.example"])).map("".join),
       st.lists(st.sampled_from(list("[]()<>:/.#-*_`|~@ab \n") + ["https://evil.example"])).map("".join))
def test_lead_payload_carries_no_link_but_ours(title, body):
    from core.publish.messages import lead_embed, message

    payload = message([lead_embed({"title": title, "body": body, "author": title,
                                   "url": "https://ours.example/lead", "platform": "reddit",
                                   "source": body})])
    embed = payload["embeds"][0]
    from core.publish.messages import UNTITLED

    texts = [embed.get("description", ""), embed["footer"]["text"],
             embed.get("author", {}).get("name", ""), payload["content"]]
    texts += [embed["title"]] if embed["title"] != UNTITLED["lead"] else []
    for text in texts:  # every text built from scraped strings
        shown = visible(text.removesuffix(ELLIPSIS))  # raises on any live markdown character
        assert "https://evil" not in text or "https://evil" in shown.replace("https\\:", "")
    assert embed["url"] == "https://ours.example/lead"
    if dlen(safe(title)) <= 256 and clean(title):
        assert visible(embed["title"]) == clean(title)
