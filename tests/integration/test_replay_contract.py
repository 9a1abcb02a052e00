"""Replay contract: every recorded or generated file is handled, nothing crashes, every
problem has a readable reason, replays are idempotent and nothing hostile is stored."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.replay import replay_file, replay_files
from core.store.keywords import seed_keywords

pytestmark = pytest.mark.timeout(90)
ROOT = Path(__file__).resolve().parents[2]
# More real feeds can be put through the same contract without editing the test:
# SIGNALDESK_CONTRACT_FEED_DIRS=/some/dir:/other/dir pytest tests/integration/test_replay_contract.py
_EXTRA = [Path(d) for d in os.environ.get("SIGNALDESK_CONTRACT_FEED_DIRS", "").split(os.pathsep) if d]
FIXTURE_FEEDS = sorted((ROOT / "tests" / "fixtures" / "feeds").glob("*"))
FEEDS = FIXTURE_FEEDS + sorted(f for d in _EXTRA for f in d.rglob("*") if f.is_file())
YAHOO = sorted((ROOT / "tests" / "fixtures" / "yahoo").glob("*.json"))
KEYS = {"file", "kind", "status", "fetched", "new", "duplicate", "rejected", "reason"}
KEYWORDS = {"golang": 1.0, "troubleshooting": 1.0, "space": 1.0, "5g": 1.0}


def _check_result(r: dict) -> None:
    assert set(r) == KEYS
    assert r["status"] in {"ok", "partial", "error"}
    assert all(isinstance(r[k], int) and r[k] >= 0 for k in ("fetched", "new", "duplicate", "rejected"))
    if r["kind"] != "prices":
        assert r["new"] + r["duplicate"] + r["rejected"] == r["fetched"]
    if r["status"] != "ok" and r["kind"] != "prices":
        assert r["reason"], r
    if r["status"] == "error":
        assert r["new"] == 0 and r["reason"]


def _stored_text(store, table: str) -> list[str]:
    cols = "title || ' ' || coalesce(summary, '')" if table == "news" else "title || ' ' || coalesce(body, '')"
    with store.read() as con:
        return [r[0] for r in con.sql(f"SELECT {cols} FROM {table}").fetchall()]


def test_fixture_sets_are_present():
    assert len(FIXTURE_FEEDS) >= 10 and len(YAHOO) >= 3


@pytest.mark.parametrize("kind", ["news", "leads"])
def test_every_recorded_feed_is_handled(store, settings, kind):
    """One store for all files (a store per file would cost a migration each)."""
    seed_keywords(store, KEYWORDS)
    for path in FEEDS:
        r = replay_file(store, settings, kind, path)
        _check_result(r)
        assert r["file"] == str(path) and r["kind"] == kind
    for text in _stored_text(store, kind):
        assert not re.search(r"<[a-zA-Z/!?]", text), text[:200]  # no markup survives


def test_expected_outcomes_of_known_files(store, settings):
    seed_keywords(store, KEYWORDS)
    by_name = {Path(r["file"]).name: r for r in replay_files(store, settings, "news", FIXTURE_FEEDS)}
    assert by_name["crawinsight__google.xml"]["new"] == 100
    assert by_name["edgarkit__pressreleases.rss"]["new"] == 25
    malformed = by_name["RSS-Parser__feed-test-malformed.xml"]
    assert malformed["status"] == "partial" and malformed["new"] == 1
    assert malformed["reason"].startswith("malformed XML at line 9") and "kept 1 entries" in malformed["reason"]
    empty = by_name["feedparser__illformed_rss_empty_document.xml"]
    assert empty["status"] == "error" and "no entries could be recovered" in empty["reason"]
    assert by_name["rss-parser__missing-fields.atom"]["status"] == "error"


@pytest.mark.parametrize("path", YAHOO, ids=lambda p: p.name)
def test_yahoo_recordings_replay_as_prices_without_crashing(store, settings, path):
    _check_result(replay_file(store, settings, "prices", path))


@pytest.mark.parametrize("path", YAHOO[:2] + FEEDS[:1], ids=lambda p: p.name)
def test_wrong_kind_is_a_reason_not_a_crash(store, settings, path):
    kind = "news" if path.suffix == ".json" else "prices"
    r = replay_file(store, settings, kind, path)
    _check_result(r)
    assert r["status"] == "error" and r["new"] == 0


def _generated(tmp_path: Path) -> dict[str, Path]:
    files = {
        "page.html": b"<!DOCTYPE html>\n<html><head><title>Just a moment...</title></head>"
                     b"<body><script>challenge()</script></body></html>",
        "empty.xml": b"",
        "garbage.bin": bytes((i * 7919) % 256 for i in range(8192)),
        "truncated.rss": (ROOT / "tests/fixtures/feeds/edgarkit__pressreleases.rss").read_bytes()[:5000],
        "latin1.rss": "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><item>"
                      "<title>Café crème</title><link>https://x.test/cafe</link></item></channel></rss>"
                      .encode("latin-1"),
    }
    out = {}
    for name, body in files.items():
        (tmp_path / name).write_bytes(body)
        out[name] = tmp_path / name
    huge = "B" * 100_000
    hostile = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>evil</title>
<item><title>&lt;script&gt;alert('x')&lt;/script&gt; golang job @everyone</title>
<description>&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;Need golang&lt;/b&gt; @here &lt;@&amp;123&gt;</description>
<link>https://evil.test/a?utm_source=x</link></item>
<item><title>golang {huge}</title><link>https://evil.test/b</link>
<description>{"C" * 100_000}</description></item>
</channel></rss>"""
    (tmp_path / "hostile.rss").write_text(hostile, encoding="utf-8")
    out["hostile.rss"] = tmp_path / "hostile.rss"
    return out


@pytest.mark.parametrize("kind", ["news", "leads"])
def test_generated_bad_inputs(store, settings, tmp_path, kind):
    seed_keywords(store, KEYWORDS)
    files = _generated(tmp_path)
    results = {Path(r["file"]).name: r for r in replay_files(store, settings, kind, list(files.values()))}
    for r in results.values():
        _check_result(r)
    assert "HTML page" in results["page.html"]["reason"]
    assert "empty document" in results["empty.xml"]["reason"]
    assert results["garbage.bin"]["status"] == "error"
    truncated = results["truncated.rss"]  # entries before the cut are kept (leads: none match)
    assert truncated["status"] == "partial" and truncated["fetched"] >= 1
    assert truncated["new"] == (truncated["fetched"] if kind == "news" else 0)
    assert "malformed XML" in results["truncated.rss"]["reason"]
    assert results["latin1.rss"]["new"] == (1 if kind == "news" else 0)
    assert results["hostile.rss"]["new"] == 2
    text = " ".join(_stored_text(store, kind))
    assert "<script" not in text and "onerror" not in text and "<b>" not in text
    assert "@everyone" not in text and "@here" not in text
    with store.read() as con:
        longest = con.execute(f"SELECT max(length(title)), max(length({'summary' if kind == 'news' else 'body'})) "
                              f"FROM {kind}").fetchone()
    assert longest[0] <= 300 and longest[1] <= 2000


def test_replaying_twice_adds_nothing(store, settings):
    seed_keywords(store, KEYWORDS)
    first = replay_files(store, settings, "news", FEEDS)
    second = replay_files(store, settings, "news", FEEDS)
    assert sum(r["new"] for r in first) > 100
    for a, b in zip(first, second):
        assert b["new"] == 0
        assert b["duplicate"] == a["new"] + a["duplicate"]
        assert b["status"] == a["status"]


def test_leads_only_store_keyword_matches(store, settings):
    seed_keywords(store, {"golang": 1.0})
    hn = ROOT / "tests/fixtures/feeds/morning-post__hn.xml"
    reddit = ROOT / "tests/fixtures/feeds/rss-parser__reddit-atom.rss"
    r_hn, r_reddit = replay_files(store, settings, "leads", [hn, reddit])
    assert r_hn["new"] == 20 and r_hn["status"] == "ok"
    assert r_reddit["new"] == 0 and r_reddit["rejected"] == 24 and "matched no keyword" in r_reddit["reason"]
    with store.read() as con:
        rows = con.sql("SELECT platform, matched_keywords, score, status FROM leads").fetchall()
    assert {r[0] for r in rows} == {"hn"} and all(r[1] == ["golang"] and r[2] > 0 and r[3] == "new"
                                                  for r in rows)


def test_cli_prints_one_json_line_per_file_and_exits_zero(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"\x00\x01garbage")
    env = {**os.environ, "SIGNALDESK_DATA_DIR": str(tmp_path / "var"), "SIGNALDESK_OFFLINE": "true"}
    proc = subprocess.run(
        [sys.executable, "-m", "jobs", "--log-level", "WARNING", "replay", "--kind", "news",
         str(FEEDS[0]), str(bad), str(tmp_path / "missing.xml")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [Path(r["file"]).name for r in lines] == [FEEDS[0].name, "bad.xml", "missing.xml"]
    assert lines[1]["status"] == "error" and lines[2]["reason"].startswith("cannot read the file")
