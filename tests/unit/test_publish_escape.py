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
    assert "\\[click](http://evil)" in out  # masked link escaped: shows literally
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
