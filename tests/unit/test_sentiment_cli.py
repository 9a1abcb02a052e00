"""``python -m core.sentiment``: one JSON line out per line in, whatever the bytes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from core.sentiment import score

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(60)


def _run(data: bytes) -> list[dict]:
    done = subprocess.run([sys.executable, "-m", "core.sentiment"], input=data, cwd=REPO,
                          capture_output=True, timeout=50)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    out = done.stdout.decode("utf-8")
    assert out == "" or out.endswith("\n")
    return [json.loads(line) for line in out.splitlines()]


def test_one_object_per_line_in_order() -> None:
    lines = ["Shares plunge after earnings miss", "", "Revenue rises 20%", "   ",
             "Firm files for bankruptcy"]
    got = _run(("\n".join(lines) + "\n").encode())
    assert len(got) == len(lines)
    for text, obj in zip(lines, got):
        s = score(text)
        assert obj == {"compound": s.compound, "label": s.label}
    assert got[1] == {"compound": 0.0, "label": "neutral"}
    assert [o["label"] for o in got] == ["negative", "neutral", "positive", "neutral", "negative"]


def test_last_line_without_newline_and_empty_input() -> None:
    assert len(_run(b"Sales rose\nCosts rose")) == 2
    assert _run(b"") == []
    assert _run(b"\n") == [{"compound": 0.0, "label": "neutral"}]


def test_odd_separators_do_not_split_lines() -> None:
    # \r, \x0b, \x0c, \x1c, \x85, \u2028 and \u2029 are line breaks to str.splitlines, not to us
    weird = ["a\rb", "c\x0bd", "e\x0cf", "g\x1ch", "i\x85j", "Sales rose\u2028costs fell",
             "k\u2029l", "windows line\r"]
    data = "\n".join(weird).encode("utf-8") + b"\n"
    got = _run(data)
    assert len(got) == len(weird)


def test_invalid_utf8_and_odd_unicode_keep_the_count() -> None:
    lines = [b"\xff\xfe\xfa broken bytes", b"Revenue rises \xe2\x82", b"\x00\x01\x02",
             "emoji \U0001F680 profit rose".encode(), "Ümläut ÅÄÖ \u200b zero-width".encode(),
             "右から左 \u202e mixed".encode(), b"\xed\xa0\x80 surrogate half"]
    got = _run(b"\n".join(lines) + b"\n")
    assert len(got) == len(lines)
    assert all(-1.0 <= o["compound"] <= 1.0 for o in got)
    assert got[1]["label"] == "positive"


def test_very_long_lines() -> None:
    long_line = ("Operating profit rose to EUR 13.1 mn from EUR 8.7 mn . " * 20_000).encode()
    got = _run(long_line + b"\n" + b"x" * 1_000_000 + b"\nshort\n")
    assert len(got) == 3
    assert got[0]["label"] == "positive"


def test_a_json_line_with_a_target_is_scored_for_that_target() -> None:
    text = "Walmart beats estimates, Target misses estimates"
    lines = [json.dumps({"text": text, "target": "Walmart"}),
             json.dumps({"text": text, "target": "TGT", "name": "Target Corporation"}),
             text,
             '{"text": "no target here"}',
             '{not json at all',
             json.dumps(["a", "list"])]
    got = _run(("\n".join(lines) + "\n").encode())
    assert len(got) == len(lines)
    assert got[0]["label"] == "positive" and got[0]["target"] == "Walmart"
    assert got[1]["label"] == "negative" and got[1]["target"] == "TGT"
    overall = score(text)
    assert got[2] == {"compound": overall.compound, "label": overall.label}
    s = score("no target here")
    assert got[3] == {"compound": s.compound, "label": s.label}  # a JSON line without target
    for raw, obj in zip(lines[4:], got[4:]):  # not an object with text: the line is the text
        s = score(raw)
        assert obj == {"compound": s.compound, "label": s.label}


def test_explain_adds_rule_hits_and_learned_contributions() -> None:
    done = subprocess.run([sys.executable, "-m", "core.sentiment", "--explain"],
                          input=b"Shares plunge after earnings miss\n\n", cwd=REPO,
                          capture_output=True, timeout=50)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    first, blank = [json.loads(x) for x in done.stdout.decode().splitlines()]
    s = score("Shares plunge after earnings miss")
    assert (first["compound"], first["label"]) == (s.compound, s.label)
    ex = first["explain"]
    assert ex["label"] == s.label and ex["decided_by"] in ("model", "rules")
    assert ex["rule_hits"] and all(v < 0 for v in ex["rule_hits"].values())
    assert ex["contributions"] and all(len(c) == 2 for c in ex["contributions"])
    assert blank["explain"]["decided_by"] == "blank"
    helped = subprocess.run([sys.executable, "-m", "core.sentiment", "--help"], cwd=REPO,
                            capture_output=True, timeout=50)
    assert b"--explain" in helped.stdout and b"target" in helped.stdout
