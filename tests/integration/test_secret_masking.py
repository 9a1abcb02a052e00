"""A feed URL with keys in its query string: the key is in no output of a real run — not on
stdout, not in the JSON log, not in the stored run record, not in the feed's display name."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import Settings
from core.store import Store
from core.store.feeds import add_feeds, list_feeds
from tests.conftest import CHILD_PYTHONPATH
from tests.fakes.http_server import FailTimes, FakeHttpServer

pytestmark = pytest.mark.timeout(90)
REPO = Path(__file__).resolve().parents[2]
KEY, AUTH = "Zk8sEcReTkEy123", "aUtH0rIzAtIoN9"


def test_keys_in_a_feed_url_reach_no_output(tmp_path):
    with FakeHttpServer() as server:
        server.fault("/rss", FailTimes(times=100, status=500))
        url = server.url(f"/rss?apikey={KEY}&auth={AUTH}&q=tech")
        settings = Settings(_env_file=None, data_dir=tmp_path / "var", offline=True)
        store = Store.from_settings(settings)
        add_feeds(store, [{"url": url, "kind": "news"}])  # no name given: it defaults to the URL
        name = list_feeds(store, "news")["name"][0]
        assert KEY not in name and "/rss" in name
        env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALDESK_")}
        env.update(SIGNALDESK_DATA_DIR=str(tmp_path / "var"), SIGNALDESK_OFFLINE="false",  # loopback only
                   SIGNALDESK_HTTP_DEADLINE_S="3", SIGNALDESK_HTTP_RETRIES="1", PYTHONPATH=CHILD_PYTHONPATH)
        out = subprocess.run([sys.executable, "-m", "jobs", "--log-level", "DEBUG", "once", "news"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=80)
        assert server.requests_for("/rss"), out.stdout + out.stderr[-3000:]
    text = out.stdout + out.stderr
    assert "HTTP 500" in text  # the failure is reported ...
    assert KEY not in text and AUTH not in text  # ... without the keys
    assert any(json.loads(line).get("logger") for line in out.stderr.splitlines() if line.startswith("{"))
    with store.read() as con:
        stored = json.dumps(con.execute("SELECT counts, error FROM job_runs").fetchall(), default=str)
    assert "HTTP 500" in stored and KEY not in stored and AUTH not in stored
