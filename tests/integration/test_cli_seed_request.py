"""`python -m jobs seed` and `python -m jobs request` in real processes, offline, on a temp store.

Their error paths are covered elsewhere (test_cli_errors); these assert what they store and print.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.store import Store
from core.store.job_runs import get_request, pending_requests
from core.store.news import count_news
from tests.conftest import CHILD_PYTHONPATH

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
REG = ["--registry", "tests.fakes.demo_jobs:registry"]


def _cli(args: list[str], data_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALDESK_", "DEMO_"))}
    env.update({"SIGNALDESK_DATA_DIR": str(data_dir), "SIGNALDESK_OFFLINE": "true",
                "PYTHONPATH": CHILD_PYTHONPATH})
    return subprocess.run([sys.executable, "-m", "jobs", "--log-level", "ERROR", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=100)


def test_seed_replays_the_sample_once_then_leaves_the_store_alone(settings, tmp_path):
    first = _cli(["seed"], settings.data_dir, tmp_path)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["keywords_added"] > 0
    assert summary["sample_new"]["news"] > 0 and summary["sample_new"]["prices"] > 0
    store = Store.from_settings(settings)
    stored = count_news(store)
    assert stored == summary["sample_new"]["news"]

    again = _cli(["seed"], settings.data_dir, tmp_path)
    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert second == {"keywords_added": 0, "sample": "skipped: the news table already has rows"}
    assert count_news(store) == stored


def test_request_queues_a_run_for_the_runner_and_says_none_is_running(settings, tmp_path):
    done = _cli(["request", "demo_ok", *REG], settings.data_dir, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("requested demo_ok (request ")
    req_id = int(done.stdout.rsplit("request ", 1)[1].rstrip(")\n"))
    assert "no runner is running" in done.stderr
    store = Store.from_settings(settings)
    row = get_request(store, req_id)
    assert row["job"] == "demo_ok" and row["picked_at"] is None and row["run_id"] is None

    unknown = _cli(["request", "no_such_job", *REG], settings.data_dir, tmp_path)
    assert unknown.returncode == 1
    assert pending_requests(store)["job"].to_list() == ["demo_ok"]
