"""Packing embeds into messages: every limit held, nothing lost or duplicated, order kept,
and no more messages than needed."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.publish import packer
from core.publish.escape import dlen
from tests.fakes.discord_api import payload_problems

pytestmark = pytest.mark.timeout(60)

text = st.text(min_size=0, max_size=5000)
field_st = st.fixed_dictionaries({"name": st.text(max_size=400), "value": st.text(max_size=1500)})
embed_st = st.fixed_dictionaries(
    {"title": text, "description": st.text(max_size=6000)},
    optional={"fields": st.lists(field_st, max_size=30), "footer": st.fixed_dictionaries({"text": text}),
              "author": st.fixed_dictionaries({"name": st.text(max_size=400)}),
              "url": st.sampled_from(["https://a.example/1", "https://a.example/2", "not a url",
                                      "javascript:x"])},
)


def _within_embed_limits(e: dict) -> None:
    assert dlen(e.get("title") or "") <= packer.TITLE_MAX
    assert dlen(e.get("description") or "") <= packer.DESCRIPTION_MAX
    assert len(e.get("fields") or []) <= packer.FIELDS_MAX
    for f in e.get("fields") or []:
        assert 0 < dlen(f["name"]) <= packer.FIELD_NAME_MAX and 0 < dlen(f["value"]) <= packer.FIELD_VALUE_MAX
    assert dlen((e.get("footer") or {}).get("text") or "") <= packer.FOOTER_MAX
    assert dlen((e.get("author") or {}).get("name") or "") <= packer.AUTHOR_MAX
    assert packer.embed_chars(e) <= packer.EMBED_TOTAL_MAX
    assert e.get("url", "https://").startswith(("http://", "https://"))


@hsettings(max_examples=150, deadline=None)
@given(embed_st)
def test_clamp_embed_respects_every_field_limit(embed):
    _within_embed_limits(packer.clamp_embed(embed))


@hsettings(max_examples=150, deadline=None)
@given(st.lists(embed_st, max_size=40))
def test_pack_keeps_limits_order_and_every_item_once(embeds):
    clamped = [packer.clamp_embed(e) for e in embeds]
    groups = packer.pack(clamped)
    flat = [i for g in groups for i in g]
    assert flat == list(range(len(clamped)))  # no loss, no duplicate, order kept
    for g in groups:
        assert 1 <= len(g) <= packer.EMBEDS_PER_MESSAGE
        assert packer.message_chars([clamped[i] for i in g]) <= packer.EMBED_TOTAL_MAX
        # the fake's independent limit check agrees
        assert payload_problems({"content": "x", "embeds": [clamped[i] for i in g]}) == []


@hsettings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=6000), max_size=60))
def test_pack_is_minimal_greedy(sizes):
    """No two neighbouring messages could have been merged: greedy in order is optimal."""
    embeds = [{"title": "", "description": "x" * n} for n in sizes]
    groups = packer.pack(embeds)
    for a, b in zip(groups, groups[1:]):
        first_next = embeds[b[0]]
        assert (len(a) == packer.EMBEDS_PER_MESSAGE
                or packer.message_chars([embeds[i] for i in a]) + packer.embed_chars(first_next)
                > packer.EMBED_TOTAL_MAX)


def test_hundred_small_embeds_take_ten_messages():
    embeds = [{"title": f"lead {i}", "description": "short"} for i in range(100)]
    assert len(packer.pack(embeds)) == 10


def test_big_embeds_split_on_character_budget():
    embeds = [{"title": "t", "description": "y" * 2500} for _ in range(5)]
    assert [len(g) for g in packer.pack(embeds)] == [2, 2, 1]


def test_pack_rejects_unclamped_embed():
    with pytest.raises(ValueError):
        packer.pack([{"description": "z" * 7000}])


def test_clamp_shrinks_description_first_then_fields():
    embed = {"title": "keep me", "description": "word " * 1000,
             "fields": [{"name": f"f{i}", "value": "v" * 1024} for i in range(25)]}
    out = packer.clamp_embed(embed)
    assert out["title"] == "keep me"
    assert packer.embed_chars(out) <= 6000
    assert "description" not in out or dlen(out["description"]) < 4096


def test_dedupe_urls_keeps_first_link_only():
    out = packer.dedupe_urls([{"url": "https://a"}, {"url": "https://a"}, {"url": "https://b"}])
    assert [e.get("url") for e in out] == ["https://a", None, "https://b"]
