"""One masking function for every URL or text that is logged, stored or shown."""
from __future__ import annotations

import io
import json
import logging

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.log import JsonFormatter, TextFormatter
from core.redact import MASK, mask_any, mask_text, mask_url
from core.sources.http import safe_url

pytestmark = pytest.mark.timeout(30)

SECRET_PARAMS = ["apikey", "api_key", "apiKey", "token", "key", "auth", "secret", "password", "sig",
                 "signature", "access_token", "client_secret", "X-Amz-Signature", "X-Amz-Credential",
                 "hapikey", "subscription-key", "private_token", "oauth_token", "passwd", "session_id"]
secrets = st.text(alphabet=st.sampled_from("ABCxyz0123456789_-"), min_size=6, max_size=40).filter(
    lambda s: any(c.isalpha() for c in s) and any(c.isdigit() for c in s))


def test_safe_url_is_the_masking_function():
    assert safe_url("https://user:pw@api.example.com/v1/feed?apikey=SECRET1&x=1#frag") == \
        "https://***@api.example.com/v1/feed?apikey=***&x=1"


def test_harmless_parts_stay_readable():
    assert mask_url("https://news.example/rss?q=python&page=2") == "https://news.example/rss?q=python&page=2"
    assert mask_url("https://x.example/p/apple-unveils-new-iphone-2026-lineup") == \
        "https://x.example/p/apple-unveils-new-iphone-2026-lineup"


@pytest.mark.parametrize("url, secret", [
    ("https://discord.com/api/webhooks/123456/shortbutsecret", "shortbutsecret"),
    ("https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
    ("https://vendor.example/v2/Zq3xT8uVb2Np6Lm9Kd4R/quote", "Zq3xT8uVb2Np6Lm9Kd4R"),
    ("https://vendor.example/q?appid=9f8e7d6c5b4a39281706f5e4d3c2b1a0", "9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    ("https://vendor.example/q?x=1&k=Ab12Cd34Ef56Gh78Ij90", "Ab12Cd34Ef56Gh78Ij90"),  # unknown name, token shape
    ("ftp://bob:hunter2@files.example/x", "hunter2"),
    ("https://h.example:notaport/x?apikey=abc123", "abc123"),  # unparseable: the query goes
])
def test_credentials_in_path_userinfo_and_odd_urls_are_masked(url, secret):
    assert secret not in mask_url(url)


@hsettings(max_examples=300, deadline=None)
@given(st.sampled_from(SECRET_PARAMS), secrets, st.sampled_from(["", "a=1&", "q=news&"]),
       st.sampled_from(["https://api.example/v1?", "http://127.0.0.1:8080/rss?", "https://u:p@h.example/?"]))
def test_no_credential_parameter_survives(name, secret, before, base):
    url = f"{base}{before}{name}={secret}&after=1"
    for shown in (mask_url(url), mask_text(f"fetch failed for {url}: HTTP 500"),
                  mask_text(f"{name}={secret}"), mask_text(f"Authorization: Bearer {secret}Z9zzzzzzzzzzzzzz")):
        assert secret not in shown
        assert MASK in shown


def test_nested_records_are_masked_everywhere():
    record = {"reasons": ["https://a.example/f?token=Sx1234567 : HTTP 500"], "n": 3,
              "inner": {"error": "GET https://a.example/?api_key=Sx1234567 failed"}}
    assert "Sx1234567" not in json.dumps(mask_any(record)) and mask_any(record)["n"] == 3


@pytest.mark.parametrize("formatter", [JsonFormatter(), TextFormatter()])
def test_log_lines_never_carry_a_key(formatter):
    buf = io.StringIO()
    handler = logging.StreamHandler(buf)
    handler.setFormatter(formatter)
    log = logging.getLogger("test.redact")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("fetch failed: %s", "https://a.example/rss?apikey=K3y5ecret9",
                    extra={"url": "https://a.example/rss?auth=Au7hS3cret", "reasons": ["x?token=T0kS3cret1"]})
        try:
            raise ValueError("boom at https://a.example/?secret=Tr4ceS3cret")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    out = buf.getvalue()
    for secret in ("K3y5ecret9", "Au7hS3cret", "T0kS3cret1", "Tr4ceS3cret"):
        assert secret not in out
    assert "a.example/rss" in out
