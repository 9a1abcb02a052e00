"""Structured logs: one JSON object per line with run_id and extras; text on a terminal."""
from __future__ import annotations

import io
import json
import logging

import pytest

from core.log import bound_run_id, setup_logging

pytestmark = pytest.mark.timeout(10)


def test_json_lines_carry_run_id_and_extras(restore_logging):
    buf = io.StringIO()
    setup_logging("INFO", stream=buf, json_lines=True)
    log = logging.getLogger("core.test")
    log.info("outside")
    with bound_run_id("r-123"):
        log.warning("fetched %d items", 3, extra={"source": "feed-a"})
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")
    lines = [json.loads(x) for x in buf.getvalue().splitlines()]
    assert [x["message"] for x in lines] == ["outside", "fetched 3 items", "failed"]
    assert "run_id" not in lines[0]
    assert lines[1]["run_id"] == "r-123" and lines[1]["source"] == "feed-a"
    assert lines[1]["level"] == "warning" and lines[1]["logger"] == "core.test"
    assert "ValueError: boom" in lines[2]["exc"]
    assert lines[0]["time"].endswith("+00:00")


def test_text_when_terminal(restore_logging):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    buf = Tty()
    setup_logging("INFO", stream=buf)
    with bound_run_id("r-9"):
        logging.getLogger("jobs").info("hello", extra={"n": 2})
    line = buf.getvalue().strip()
    assert "hello" in line and "[run r-9]" in line and "n=2" in line
    assert not line.startswith("{")
