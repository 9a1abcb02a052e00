"""Feed and HN adapters on recorded bytes: models out, readable reasons for the rest."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import NewsItem, SocialPost
from core.sources.feeds import parse_feed
from core.sources.hn import build_query, parse_search
from core.sources.registry import SOURCES, Source, parse_document, source_for
from core.sources.text import TITLE_MAX, clean_url, plain_text, to_text

pytestmark = pytest.mark.timeout(60)
FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
HN_JSON = Path(__file__).resolve().parents[1] / "fixtures" / "hn" / "algolia_search_by_date_constructed.json"


def _read(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def test_rss_news_items_are_clean_models():
    res = parse_feed(_read("edgarkit__pressreleases.rss"), {"Content-Type": "application/rss+xml"},
                     source="sec", kind="news")
    assert res.error is None and not res.problems and len(res.items) == 25
    first = res.items[0]
    assert isinstance(first, NewsItem)
    assert first.title == "Acting Chairman Mark T. Uyeda Names Acting Senior Staff"  # whitespace trimmed
    assert first.url == "https://www.sec.gov/newsroom/press-releases/2025-31"
    assert first.published_at.isoformat() == "2025-01-24T16:00:00"  # -0500 -> naive UTC
    assert "&nbsp;" not in first.summary and "<" not in first.summary


def test_reddit_atom_gives_posts_with_subreddit_and_plain_text():
    res = parse_feed(_read("RSS-Parser__atom-feed-reddit.xml"), {}, source="reddit", kind="leads")
    post = res.items[0]
    assert isinstance(post, SocialPost)
    assert post.platform == "reddit" and post.source == "r/Minecraft" and post.author == "Mlakuss"
    assert "<" not in post.body and "&lt;" not in post.body and post.body.startswith("Hello")


def test_hnrss_post_url_is_the_discussion():
    res = parse_feed(_read("morning-post__hn.xml"), {}, source="hn", kind="leads")
    assert len(res.items) == 20 and res.items[0].platform == "hn"
    assert res.items[0].url == "https://news.ycombinator.com/item?id=24525061"


def test_malformed_feed_keeps_entries_and_says_where():
    res = parse_feed(_read("RSS-Parser__feed-test-malformed.xml"), {}, source="aa", kind="news")
    assert len(res.items) == 1 and res.error is None
    assert res.problems == [res.problems[0]]
    assert res.problems[0].startswith("malformed XML at line 9:") and "kept 1 entries" in res.problems[0]


@pytest.mark.parametrize("body, headers, words", [
    (b"", {}, "empty document"),
    (b"   \n\t ", {}, "empty document"),
    (b"<!DOCTYPE html><html><body>Blocked</body></html>", {"content-type": "text/html; charset=utf-8"},
     "HTML page"),
    (bytes(range(256)) * 40, {}, "binary data"),
    (b'{"error": "rate limited"}', {"content-type": "application/json"}, "JSON"),
    (b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>", {}, "no entries"),
    (b"<?xml version='1.0'?><note>hello</note>", {}, "not an RSS or Atom feed"),
    (_read("feedparser__illformed_rss_empty_document.xml"), {}, "no entries could be recovered"),
])
def test_not_a_feed_gives_one_readable_reason(body, headers, words):
    res = parse_feed(body, headers, source="x", kind="news")
    assert res.items == [] and words in res.error


def test_bad_encoding_is_a_reason_not_a_crash():
    body = (b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><item>"
            b"<title>caf\xe9 \xff\xfe bad</title><link>https://x.test/1</link></item></channel></rss>")
    res = parse_feed(body, {"content-type": "application/xml; charset=utf-8"}, source="x", kind="news")
    assert len(res.items) == 1 and res.items[0].title.startswith("caf")
    assert "declared encoding was wrong" in res.problems[0]


def test_hostile_text_is_neutralised_and_capped():
    huge = "A" * 100_000
    body = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>{huge}</title><link>https://x.test/1</link></item>
    <item><title>&lt;script&gt;alert(1)&lt;/script&gt;Hi @everyone and @here</title>
      <description><![CDATA[<p onclick="x()">Hello<script>steal()</script> <b>world</b><style>p{{}}</style></p>]]></description>
      <link>javascript:alert(1)</link><guid>g2</guid></item></channel></rss>""".encode()
    res = parse_feed(body, {}, source="x", kind="leads")
    assert len(res.items) == 2
    big, evil = res.items
    assert len(big.title) <= TITLE_MAX
    assert "script" not in evil.title and "alert" not in evil.title
    assert "@everyone" not in evil.title and "@here" not in evil.title and "everyone" in evil.title
    assert evil.body == "Hello world" and evil.url == ""  # javascript: link dropped, guid kept
    assert evil.guid == "g2"


@hsettings(max_examples=40, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(body):
    res = parse_feed(body, {}, source="fuzz", kind="news")
    assert res.error or res.items or res.rejected


def test_plain_text_and_clean_url():
    assert plain_text("<b>Hi</b>&amp; bye\x00\u202e", 50) == "Hi & bye"
    assert plain_text("x" * 10, 5) == "xxxx…"
    assert plain_text(None, 5) == ""
    assert clean_url("https://a.test/x") == "https://a.test/x"
    assert clean_url("data:text/html,hi") == "" and clean_url("https://a .test") == ""


def test_hn_algolia_search_constructed_fixture():
    res = parse_search(HN_JSON.read_bytes())
    assert [p.url for p in res.items] == ["https://news.ycombinator.com/item?id=41230001",
                                          "https://news.ycombinator.com/item?id=41229876"]
    ask = res.items[0]
    assert ask.platform == "hn" and ask.author == "quantdad"
    assert ask.body.startswith("We need someone to build a trading bot & a small dashboard")
    assert ask.posted_at.isoformat() == "2024-08-12T14:03:11"
    assert res.rejected == ["hit without a title"]
    assert "query=trading+bot" in build_query("trading bot")
    assert parse_search(b"<html>").error.startswith("not JSON")
    assert "no 'hits'" in parse_search(b'{"message": "x"}').error


def test_registry_picks_adapters():
    assert all(isinstance(s, Source) for s in SOURCES.values())
    assert source_for("https://hn.algolia.com/api/v1/search_by_date?query=x").name == "hn_algolia"
    assert source_for(None, HN_JSON.read_bytes()).name == "hn_algolia"
    assert source_for("https://www.reddit.com/r/forhire/new/.rss").name == "rss"
    res = parse_document(HN_JSON.read_bytes(), {}, source="hn", kind="leads")
    assert len(res.items) == 2
    assert parse_document(HN_JSON.read_bytes(), {}, source="hn", kind="news").error


@pytest.mark.parametrize("path", sorted(FEEDS.glob("*")), ids=lambda p: p.name)
def test_quick_keys_agree_with_the_full_parse(path):
    """The fast path may only skip a document whose stored ids it fully knows."""
    from core.dedup import item_id
    from core.sources.feeds import quick_keys

    body = path.read_bytes()
    keys = quick_keys(body)
    full = parse_feed(body, {}, source="x", kind="news")
    if keys is None:
        return
    # Safe skipping needs: every id the full parse stores is among the quick ids, so "all
    # quick ids known" implies "nothing new". (Extra quick ids only cost a full parse.)
    quick_ids = {item_id("news", link, guid) for link, guid in keys}
    assert {item_id("news", i.url, i.guid) for i in full.items} <= quick_ids


def test_json_feed_and_gzip_and_relative_links():
    import gzip
    import json as _json

    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "blog", "items": [
        {"id": "1", "url": "https://blog.test/a", "title": "Need a <b>dashboard</b>",
         "content_html": "<p>Hi @everyone</p>", "date_published": "2025-01-02T03:04:05+01:00",
         "authors": [{"name": "ann"}]},
        {"id": "2"}]}
    res = parse_document(_json.dumps(doc).encode(), {}, source="blog", kind="leads")
    assert [p.title for p in res.items] == ["Need a dashboard"] and res.rejected
    assert res.items[0].posted_at.isoformat() == "2025-01-02T02:04:05" and res.items[0].author == "ann"
    assert "@everyone" not in res.items[0].body

    gz = gzip.compress(_read("edgarkit__pressreleases.rss"))
    assert len(parse_feed(gz, {}, source="x", kind="news").items) == 25
    assert "gzip" in parse_feed(b"\x1f\x8b\x08broken", {}, source="x", kind="news").error

    rel = (b"<?xml version='1.0'?><rss version='2.0'><channel><link>https://site.test/blog/</link>"
           b"<item><title>t</title><link>/posts/1</link></item></channel></rss>")
    assert parse_feed(rel, {}, source="x", kind="news").items[0].url == "https://site.test/posts/1"
    bom_html = b"\xef\xbb\xbf<!-- cdn --><html lang='en'><body>Access denied</body></html>"
    assert "HTML page" in parse_feed(bom_html, {}, source="x", kind="news").error


def test_quick_keys_take_a_permalink_guid_as_link():
    from core.sources.feeds import quick_keys

    body = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
            b"<item><title>a</title><guid>https://x.test/a</guid></item>"
            b"<item><title>b</title><guid isPermaLink='false'>id-b</guid></item></channel></rss>")
    full = parse_feed(body, {}, source="x", kind="news")
    assert quick_keys(body) == [(i.url, i.guid) for i in full.items]


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("<>/!?&#;ab \x00\x01\u202e@") +
                                ["script", "everyone", "here", "&lt;", "&#1;", "&amp;", "<a>"]),
                max_size=30).map("".join))
def test_plain_text_never_keeps_live_script_or_mentions(raw):
    import re as _re

    out = to_text(raw, 40)
    assert not _re.search(r"<script[^>]*>.*</script", out.text, _re.I | _re.S)
    assert "@everyone" not in out.text.lower() and "@here" not in out.text.lower()
    assert len(out.text) <= 40 and "\x00" not in out.text


# Words that name a tag, and tag-looking text that is no element: all of it is text.
NAMING = ["Why", "the", "<title>", "element", "matters", "<svg>", "icons;", "rise", "3%", "<ticker>",
          "<3", "a<9", "5", "<", ">", "</", "<script>", "<style>", "<head>", "x>y", "<AAPL>", "&lt;svg&gt;",
          "&lt;title&gt;", "<!--", "<@everyone>"]


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NAMING), min_size=1, max_size=15), st.booleans())
def test_text_that_names_a_tag_keeps_every_word(words, markup):
    import html as _html

    raw = " ".join(words)
    out = to_text(raw, 10_000, markup=markup)
    expected = " ".join(_html.unescape(w) for w in words).replace("@everyone", "@\u200beveryone")
    assert out.text == expected, (raw, out)
    assert out.removed == []


@pytest.mark.parametrize("raw, markup, kept", [
    ("Why the <title> element matters for SEO", False, "Why the <title> element matters for SEO"),
    ("Why the <title> element matters for SEO", True, "Why the <title> element matters for SEO"),
    ("Apple unveils &lt;svg&gt; icons; shares rise 3%", True, "Apple unveils <svg> icons; shares rise 3%"),
    ("Apple unveils <svg> icons; shares rise 3%", False, "Apple unveils <svg> icons; shares rise 3%"),
    ("Buy <script> now, <style> later", True, "Buy <script> now, <style> later"),
    ("Use the <b> tag for bold", False, "Use the <b> tag for bold"),
])
def test_the_testers_headlines_are_kept_whole(raw, markup, kept):
    assert to_text(raw, 300, markup=markup).text == kept


@pytest.mark.parametrize("raw", ["<p>Hi<script>steal()</script></p>", "ok<style>p{}</style>",
                                 "&lt;script&gt;alert(1)&lt;/script&gt; golang", "x" * 400])
def test_removed_text_is_reported(raw):
    out = to_text(raw, 300)
    assert out.removed and "steal" not in out.text and "alert" not in out.text


def test_a_feed_with_removed_text_is_not_ok():
    body = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title><item>"
            b"<title>Why the &lt;title&gt; element matters for SEO</title>"
            b"<description>&lt;p&gt;Apple unveils &amp;lt;svg&amp;gt; icons&lt;script&gt;x()&lt;/script&gt;&lt;/p&gt;"
            b"</description><link>https://x.test/a</link></item></channel></rss>")
    res = parse_feed(body, {}, source="x", kind="news")
    item = res.items[0]
    assert item.title == "Why the <title> element matters for SEO"
    assert item.summary == "Apple unveils <svg> icons"
    assert any("text removed" in p and "<script>" in p for p in res.problems)
