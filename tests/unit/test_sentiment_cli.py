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
