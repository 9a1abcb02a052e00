"""Identity of news items and posts: canonical URLs, stable ids, cross-source clusters.

Pure functions. Two layers:

* ``item_id(kind, url, guid)``: one row per *document*. The same link seen again (another
  poll, tracking parameters, http vs https, ``old.reddit.com`` vs ``www.reddit.com``) gets the
  same id, and the store's primary key drops it (``ON CONFLICT DO NOTHING``).
* ``cluster_id(title)``: one cluster per *story*. The same story in two feeds, or one post
  cross-posted to two subreddits, has different URLs (so two rows) but the same fingerprint:
  lower-cased title, punctuation removed, stop words dropped, tokens de-duplicated and
  sorted, then hashed. Sorting makes "Apple beats estimates" and "Estimates beaten? Apple..."
  closer than word order would; it does not catch paraphrases (a simhash would, at the cost
  of false merges on short finance headlines).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

ID_LEN = 20
_TRACKING_EXACT = {"fbclid", "gclid", "dclid", "msclkid", "ref", "ref_src", "ref_url", "igshid",
                   "mc_cid", "mc_eid", "_hsenc", "_hsmkt", "yclid", "spm", "share_id", "si"}
_REDDIT_PREFIXES = ("old.", "www.", "np.", "new.", "m.", "i.")
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k.startswith("utm_") or k in _TRACKING_EXACT


def canonical_url(url: str) -> str:
    """One spelling per link, so a re-poll or a tracking-tagged copy maps to the same row.

    Lower-case scheme-less host, ``https``, no default port, no fragment, no tracking
    parameters (``utm_*``, ``fbclid``, ``gclid``, ``ref`` ...), remaining query parameters
    sorted, one trailing-slash form (none, except the root ``/``), ``www.``/``m.`` dropped and
    every reddit host folded to ``reddit.com``. Idempotent: ``canonical_url(canonical_url(u))
    == canonical_url(u)``. Not a URL (no host) -> the stripped input, unchanged in meaning.
    """
    raw = (url or "").strip()
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return raw
    if not host:
        return raw
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", ""):
        return raw
    if host == "reddit.com" or host.endswith(".reddit.com"):
        host = "reddit.com"
    else:
        stripped = True
        while stripped:  # a loop, so "www.m.example.com" is idempotent too
            stripped = False
            for prefix in _HOST_PREFIXES:
                if host.startswith(prefix) and host.count(".") >= 2:
                    host, stripped = host[len(prefix):], True
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = _normalise_path(parts.path)
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                   if not _is_tracking(k))
    return urlunsplit(("https", netloc, path, urlencode(query, quote_via=quote), ""))


def _normalise_path(path: str) -> str:
    # Decode then re-encode so "%7E" and "~" (and any other spelling) agree.
    path = quote(unquote(path), safe="/:@!$&'()*+,;=~-._")
    path = re.sub(r"/{2,}", "/", path)
    path = path.rstrip("/")
    return path or "/"


def stable_hash(*parts: str, length: int = ID_LEN) -> str:
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return h[:length]


def item_id(kind: str, url: str | None, guid: str | None = None) -> str:
    """sha256 of (kind, canonical URL) — or of the guid when there is no URL — 20 hex chars."""
    if url:
        return stable_hash(kind, "url", canonical_url(url))
    return stable_hash(kind, "guid", (guid or "").strip())


STOPWORDS = frozenset("""
a an and are as at be been but by for from has have he her his how i if in into is it its
me my no not of on or our she so than that the their them then there these they this to too
up was we were what when where which who why will with you your - reuters ap bloomberg cnbc
""".split())
_WORD_RE = re.compile(r"[a-z0-9]+")
_SOURCE_SUFFIX_RE = re.compile(r"\s+[-–—|]\s+[^-–—|]{2,40}$")  # " - Reuters", " | CNBC"
_XPOST_RE = re.compile(r"^\s*[\[(]?\s*x-?post(ed)?\b[^\])]*[\])]?\s*", re.IGNORECASE)


def title_tokens(title: str) -> list[str]:
    """The normalised tokens a fingerprint is built from (exposed for tests and docs)."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _XPOST_RE.sub("", text)
    text = _SOURCE_SUFFIX_RE.sub("", text).lower().replace("'", "").replace("’", "")
    return sorted({w for w in _WORD_RE.findall(text) if w not in STOPWORDS})


def cluster_id(title: str, fallback: str = "") -> str:
    """Fingerprint of a story's title; ``fallback`` (e.g. the item id) when nothing is left."""
    tokens = title_tokens(title)
    if len(tokens) < 2:  # one word is no evidence of the same story
        return stable_hash("cluster", "item", fallback or (title or ""), length=16)
    return stable_hash("cluster", " ".join(tokens), length=16)
