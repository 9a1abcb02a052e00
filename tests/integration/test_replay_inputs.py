"""Replay reads what an operator names, never more: the cap counts bytes read (not ``stat``),
devices and FIFOs are refused, stdin works and has a deadline, a held store lock is one line."""
from __future__ import annotations

import os
import threading

import pytest

from core.local_file import LocalFileError, read_capped, read_stream
from core.replay import replay_file
from tests.conftest import FIXTURES
from tests.integration.test_cli_errors import _cli as cli

pytestmark = pytest.mark.timeout(60)
FEED = FIXTURES / "feeds" / "rss-parser__reddit-atom.rss"


@pytest.mark.parametrize("kind", ["news", "prices"])
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_devices_are_refused_without_reading(store, settings, kind, device):
    r = replay_file(store, settings, kind, device)
    assert r["status"] == "error" and "not a regular file" in r["reason"] and "character device" in r["reason"]


def test_a_fifo_without_writer_is_refused_at_once(store, settings, tmp_path):
    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    r = replay_file(store, settings, "news", fifo)  # the open is non-blocking: no hang
    assert r["status"] == "error" and "pipe/FIFO" in r["reason"]


def test_a_folder_is_refused(store, settings, tmp_path):
    assert "folder" in replay_file(store, settings, "leads", tmp_path)["reason"]


def test_the_cap_counts_bytes_read_from_a_stream():
    r, w = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(w, b"x" * 5000), os.close(w)))
    writer.start()
    try:
        with pytest.raises(LocalFileError, match="larger than the 4,096 byte limit"):
            read_stream(r, 4096, 10)
    finally:
        writer.join()
        os.close(r)


def test_a_stream_that_never_ends_stops_at_the_deadline():
    r, w = os.pipe()
    os.write(w, b"<rss>")
    try:
        with pytest.raises(LocalFileError, match="no end of data within 0.3 s"):
            read_stream(r, 1000, 0.3)
    finally:
        os.close(w)
        os.close(r)


def test_a_regular_file_past_the_cap_is_refused(tmp_path):
    big = tmp_path / "big.rss"
    big.write_bytes(b"y" * 2049)
    with pytest.raises(LocalFileError, match="larger than"):
        read_capped(big, 2048)
    assert read_capped(big, 4096) == b"y" * 2049


def _cli(args, tmp_path, stdin=None, **env):
    return cli(args, tmp_path, stdin=stdin, text=False, **env)


def test_stdin_is_replayed(tmp_path):
    with FEED.open("rb") as f:
        out = _cli(["replay", "--kind", "news", "-"], tmp_path, stdin=f)
    assert out.returncode == 0, out.stderr
    assert b'"status": "ok"' in out.stdout or b'"status": "partial"' in out.stdout
    assert b'"new": 0' not in out.stdout


def test_replay_under_a_held_lock_is_one_readable_line(tmp_path, settings):
    import duckdb

    from core.store import Store

    Store.from_settings(settings.model_copy(update={"data_dir": tmp_path / "var"}))
    con = duckdb.connect(str(tmp_path / "var" / "signaldesk.duckdb"))  # holds the file lock
    try:
        out = _cli(["replay", "--kind", "news", str(FEED)], tmp_path, SIGNALDESK_STORE_LOCK_WAIT_S="0.5")
    finally:
        con.close()
    assert out.returncode != 0
    assert b"Traceback" not in out.stderr and b"error:" in out.stderr
    assert len(out.stderr.decode().strip().splitlines()) <= 3, out.stderr


@pytest.mark.parametrize("entry", [
    "<title>Cut</title><description>" + "word " * 600 + "</description>",
    "<title>Scripted</title><description>&lt;p&gt;x&lt;script&gt;steal()&lt;/script&gt;&lt;/p&gt;</description>",
    "<description></description>",
])
def test_a_second_replay_gives_the_same_verdict(store, settings, tmp_path, entry):
    feed = tmp_path / "odd.rss"
    feed.write_text("<?xml version='1.0'?><rss version='2.0'><channel><title>t</title>"
                    "<item><title>Plain</title><link>https://x.example/1</link></item>"
                    f"<item>{entry}<link>https://x.example/2</link></item></channel></rss>")
    first, second = (replay_file(store, settings, "news", feed) for _ in range(2))
    assert first["status"] == "partial"
    assert (second["status"], second["reason"]) == (first["status"], first["reason"])
    assert second["new"] == 0
