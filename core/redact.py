"""Secrets out of everything logged, stored or shown: one masking function for URLs and texts.

Feed URLs and every vendor API carry keys in query strings (``?apikey=``, ``&token=``), in user
info (``https://user:pw@host``) or in the path (a Discord webhook's token, ``/bot<token>/``).
``mask_url`` keeps what tells an operator which URL it is (scheme, host, port, path words,
harmless query parameters) and replaces every credential with ``***``; ``mask_text`` does the
same for every URL inside a free text (an exception message, a stored reason) plus bare
``key=value`` / ``Bearer …`` pairs. Logs, job records, CLI output and pages all go through these
two, so a new kind of secret is added here once.

What counts as a credential, so held-out names are caught too:
- a query parameter (or ``key=value`` pair) whose name contains one of ``SECRET_WORDS``;
- any query value or path segment that looks machine-generated: 20+ characters from the token
  alphabet with both letters and digits and not a hyphenated slug (article slugs stay readable);
- user info, always.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

MASK = "***"

# A parameter name is a credential's when it, or one of its words, ends with one of these
# ("apiKey", "X-Api-Key", "client_secret", "access_token", "X-Amz-Signature", "hapikey"...).
SECRET_WORDS = ("key", "token", "auth", "authorization", "secret", "password", "passwd", "pass",
                "pwd", "sig", "signature", "session", "sessionid", "sid", "credential",
                "credentials", "bearer", "jwt", "appid", "code", "cookie", "nonce", "otp", "hmac")

_TOKENISH = re.compile(r"^[A-Za-z0-9_\-.~+/=%]{20,}$")
_URL_IN_TEXT = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s'\"<>`]+")
_PAIR_IN_TEXT = re.compile(r"\b([A-Za-z][A-Za-z0-9_.\-]*)(=)(\"[^\"]*\"|'[^']*'|[^\s&,;'\"]+)")
_BEARER = re.compile(r"(?i)\b(bearer|basic|token|bot)\s+(?=[A-Za-z0-9_\-.~+/=]*\d)[A-Za-z0-9_\-.~+/=]{16,}")


def secret_name(name: str) -> bool:
    words = [name] + re.split(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])", name)
    return any(w.lower().endswith(SECRET_WORDS) for w in words if w)


def looks_secret(value: str) -> bool:
    """Machine-made credential shape: long, letters and digits, not a hyphenated slug."""
    if not _TOKENISH.match(value) or value.count("-") >= 2 and not re.search(r"[A-Z]", value):
        return False
    return bool(re.search(r"[A-Za-z]", value) and re.search(r"\d", value))


def mask_url(url: object) -> str:
    """The URL with user info, credential parameters and token-like parts replaced by ``***``."""
    text = "" if url is None else str(url)
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a garbage port
    except ValueError:
        return _mask_loose(text)
    if not parts.scheme or not parts.netloc:
        return _mask_loose(text)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = (f"{MASK}@" if "@" in parts.netloc else "") + host + (f":{port}" if port else "")
    segs = parts.path.split("/")
    path = "/".join(MASK if _after_webhook_id(segs, i) else
                    ":".join(MASK if looks_secret(part) else part for part in seg.split(":"))
                    for i, seg in enumerate(segs))
    query = "&".join(_mask_pair(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True))
    if parts.query and not query:
        query = MASK  # something odd that is not key=value pairs: never show it
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def _after_webhook_id(segs: list[str], i: int) -> bool:
    """``.../webhooks/<id>/<token>``: the token, whatever it looks like."""
    return i >= 2 and segs[i - 2].lower() == "webhooks" and segs[i - 1].isdigit() and bool(segs[i])


def _mask_pair(name: str, value: str) -> str:
    hidden = secret_name(name) or looks_secret(value) or looks_secret(name)
    shown_name = MASK if looks_secret(name) else quote(name, safe="-_.~[]")
    return f"{shown_name}={MASK if hidden and value else quote(value, safe='-_.~,:/')}"


def _mask_loose(text: str) -> str:
    """No parseable URL: drop anything after ``?`` or ``#`` and mask what precedes ``@``."""
    head = re.split(r"[?#]", text, maxsplit=1)[0]
    if "@" in head:
        scheme, sep, rest = head.partition("://")
        head = (scheme + sep if sep else "") + MASK + "@" + rest.rsplit("@", 1)[1] if sep else \
            MASK + "@" + head.rsplit("@", 1)[1]
    return head + ("?" + MASK if head != text and "?" in text else "")


def mask_text(text: object) -> str:
    """Any free text with every URL masked and every credential pair / bearer token hidden."""
    if text is None:
        return ""
    s = _URL_IN_TEXT.sub(lambda m: mask_url(m.group(0)), str(text))
    s = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", s)
    return _PAIR_IN_TEXT.sub(lambda m: f"{m.group(1)}={MASK}" if secret_name(m.group(1)) and
                             m.group(3) != MASK else m.group(0), s)


def mask_any(value):
    """``mask_text`` over every string inside nested dicts/lists (job counts, log extras)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_any(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_any(v) for v in value]
    return value
