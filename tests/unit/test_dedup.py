"""Canonical URLs, ids and story clusters (hypothesis for the URL laws)."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.dedup import canonical_url, cluster_id, item_id, title_tokens

pytestmark = pytest.mark.timeout(60)

label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
hosts = st.builds(lambda parts, tld: ".".join(parts) + "." + tld,
                  st.lists(label, min_size=1, max_size=3), st.sampled_from(["com", "org", "io"]))
paths = st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~%", min_size=1, max_size=12),
                 max_size=4).map(lambda segs: "/" + "/".join(segs))
params = st.dictionaries(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)
                         .filter(lambda k: not k.startswith("utm_") and k not in {"ref", "si", "spm"}),
                         st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", max_size=6), max_size=4)
tracking = st.dictionaries(st.sampled_from(["utm_source", "utm_medium", "utm_campaign", "fbclid",
                                            "gclid", "ref", "UTM_Term"]),
                           st.text(alphabet="abc123", min_size=1, max_size=6), min_size=1, max_size=4)


def _url(scheme, host, path, query: dict, fragment=""):
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return f"{scheme}://{host}{path}" + (f"?{q}" if q else "") + (f"#{fragment}" if fragment else "")


@given(st.sampled_from(["http", "https"]), hosts, paths, params)
def test_canonical_url_is_idempotent(scheme, host, path, query):
    once = canonical_url(_url(scheme, host, path, query))
    assert canonical_url(once) == once


@given(st.text(max_size=80))
def test_canonical_url_idempotent_on_any_text(text):
    once = canonical_url(text)
    assert canonical_url(once) == once


@given(hosts, paths, params, tracking, st.text(alphabet="abc", max_size=5))
def test_tracking_parameters_and_fragments_do_not_change_identity(host, path, query, track, frag):
    plain = _url("https", host, path, query)
    tagged = _url("http", host, path, {**track, **query}, frag)
    assert canonical_url(tagged) == canonical_url(plain)
    assert item_id("news", tagged) == item_id("news", plain)


@given(hosts, paths, params)
def test_host_case_and_param_order_do_not_matter(host, path, query):
    a = _url("https", host, path, query)
    b = _url("HTTPS", host.upper(), path, dict(reversed(list(query.items()))))
    assert canonical_url(a) == canonical_url(b)


@given(hosts, label, label)
def test_different_posts_get_different_ids(host, a, b):
    if a == b:
        return
    assert item_id("leads", f"https://{host}/p/{a}") != item_id("leads", f"https://{host}/p/{b}")


@given(hosts, paths)
def test_ids_are_stable_hex_and_kind_scoped(host, path):
    url = f"https://{host}{path}"
    first = item_id("news", url)
    assert first == item_id("news", url)
    assert len(first) == 20 and int(first, 16) >= 0
    assert item_id("leads", url) != first


def test_known_spellings_fold_together():
    base = canonical_url("https://reddit.com/r/forhire/comments/abc/need_a_bot")
    for variant in ["http://old.reddit.com/r/forhire/comments/abc/need_a_bot/",
                    "https://www.reddit.com/r/forhire/comments/abc/need_a_bot/?utm_source=share",
                    "https://np.reddit.com/r/forhire/comments/abc/need_a_bot#comments",
                    "https://new.reddit.com/r/forhire/comments/abc/need_a_bot",
                    "https://m.reddit.com/r/forhire/comments/abc/need_a_bot"]:
        assert canonical_url(variant) == base
    assert canonical_url("https://WWW.Example.com:443/a/?b=2&a=1&fbclid=x") == "https://example.com/a?a=1&b=2"
    assert canonical_url("https://example.com") == "https://example.com/"
    # path case is meaningful, query values too
    assert canonical_url("https://x.com/A") != canonical_url("https://x.com/a")


def test_id_falls_back_to_guid_without_url():
    assert item_id("news", "", "tag:abc") == item_id("news", None, "tag:abc")
    assert item_id("news", "", "tag:abc") != item_id("news", "", "tag:abd")


def test_cross_posts_share_a_cluster_but_not_an_id():
    a = ("https://www.reddit.com/r/forhire/comments/1/hiring_python_dev_for_trading_bot/",
         "[Hiring] Python dev for trading bot!")
    b = ("https://www.reddit.com/r/slavelabour/comments/2/xpost_hiring_python_dev_for_trading_bot/",
         "[x-post] [HIRING] python dev for a trading-bot")
    assert item_id("leads", a[0]) != item_id("leads", b[0])
    assert cluster_id(a[1]) == cluster_id(b[1])
    assert cluster_id("Stocks slide as oil jumps - Reuters") == cluster_id("Stocks slide as oil jumps | CNBC")
    assert cluster_id("Stocks slide as oil jumps") != cluster_id("Stocks rally as oil drops")


@hsettings(max_examples=50)
@given(st.text(max_size=200))
def test_fingerprint_never_fails(title):
    assert len(cluster_id(title, "x")) == 16
    assert title_tokens(title) == sorted(set(title_tokens(title)))
