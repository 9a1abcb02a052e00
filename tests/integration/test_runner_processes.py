"""The job runner as real processes: one runner per data dir, ``once`` exit codes, and a
``kill -9`` in the middle of a batch followed by a restart that converges.

Children get their settings through the environment of the subprocess only.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core.store import Store, job_runs
from tests.conftest import REPO
from tests.integration.test_runner import runs, wait_until

pytestmark = [pytest.mark.timeout(90), pytest.mark.slow]


# --- real processes -----------------------------------------------------------------------

def _env(data_dir: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIGNALDESK_", "DEMO_"))}
    env.update({"SIGNALDESK_DATA_DIR": str(data_dir), "SIGNALDESK_OFFLINE": "true",
                "SIGNALDESK_JOB_RETRIES": "0", "SIGNALDESK_RUNNER_REQUEST_POLL_S": "0.2",
                "PYTHONUNBUFFERED": "1", "DEMO_ROWS": "30000"})
    env.update(extra)
    return env


REG = ["--registry", "tests.fakes.demo_jobs:registry"]


class Proc:
    """A ``python -m jobs ...`` child whose stderr is read in the background."""

    def __init__(self, args: list[str], env: dict):
        self.p = subprocess.Popen([sys.executable, "-m", "jobs", *args], cwd=REPO, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for line in self.p.stderr:
            self.lines.append(line)

    def saw(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def __enter__(self) -> Proc:
        return self

    def __exit__(self, *exc) -> None:
        if self.p.poll() is None:  # the test failed before the child ended: do not leak it
            self.p.kill()
            self.p.wait()


def jobs_cli(args: list[str], env: dict, timeout: float = 30) -> subprocess.CompletedProcess:
    """``python -m jobs ARGS`` to completion, output captured as text."""
    return subprocess.run([sys.executable, "-m", "jobs", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_second_runner_is_refused_with_the_first_ones_pid(tmp_path):
    env = _env(tmp_path / "var")
    with Proc(["run", *REG], env) as first:
        wait_until(lambda: first.saw('"runner started"'), 30, "first runner start")
        second = jobs_cli(["run", *REG], env)
        assert second.returncode == 1
        assert f"already running (pid {first.p.pid})" in second.stderr
        first.p.send_signal(signal.SIGTERM)
        assert first.p.wait(20) == 0


def test_once_exit_status_follows_the_run(tmp_path):
    env = _env(tmp_path / "var")
    ok = jobs_cli(["once", "demo_ok", *REG], env)
    assert ok.returncode == 0 and "demo_ok ok" in ok.stdout
    bad = jobs_cli(["once", "demo_fail", *REG], env)
    assert bad.returncode == 1 and "TimeoutError: upstream timeout" in bad.stdout
    listing = jobs_cli(["list", *REG], env)
    assert listing.returncode == 0
    lines = {ln.split()[0]: ln for ln in listing.stdout.splitlines()[2:] if ln.strip()}
    assert "failed" in lines["demo_fail"] and " ok " in lines["demo_ok"] and "never" in lines["demo_ingest"]


def _news_count(store: Store) -> int:
    with store.read() as con:
        return con.sql("SELECT count(*) FROM news").fetchall()[0][0]


@pytest.mark.timeout(120)
def test_kill_9_mid_batch_then_restart_converges(tmp_path):
    # reference: the same job, uninterrupted, in its own data dir
    ref_dir = tmp_path / "ref"
    ref = jobs_cli(["once", "demo_ingest", *REG], _env(ref_dir), timeout=60)
    assert ref.returncode == 0, ref.stderr
    ref_store = Store(ref_dir / "signaldesk.duckdb")
    ref_run = runs(ref_store, "demo_ingest")[0]
    ref_rows = _news_count(ref_store)

    # a runner killed with SIGKILL in the middle of the batch's transaction
    data = tmp_path / "var"
    hold = tmp_path / "inside-transaction"
    victim = Proc(["run", *REG], _env(data, DEMO_SCHEDULE="every 0.5s", DEMO_HOLD_FILE=str(hold)))
    try:
        wait_until(hold.exists, 30, "the job to be inside its transaction")
    finally:
        victim.p.kill()
        victim.p.wait(10)

    store = Store(data / "signaldesk.duckdb")  # opens after the crash
    assert _news_count(store) == 0  # the half-written batch is not there
    [killed] = [r for r in runs(store, "demo_ingest") if r["status"] == "running"]

    # restart: the dead runner's row is closed, the next run converges to the reference
    with Proc(["run", *REG], _env(data, DEMO_SCHEDULE="every 0.5s")) as runner:
        done = wait_until(lambda: [r for r in runs(store, "demo_ingest") if r["status"] == "ok"], 60,
                          "a successful run after restart")
        runner.p.send_signal(signal.SIGTERM)
        assert runner.p.wait(30) == 0
    assert json.loads(done[-1]["counts"]) == json.loads(ref_run["counts"])
    assert _news_count(store) == ref_rows == 30000
    after = job_runs.get_run(store, killed["run_id"])
    assert after["status"] == "failed" and after["error"].startswith("runner died")


def test_sigterm_during_once_records_the_run_as_interrupted(tmp_path):
    data, hold = tmp_path / "var", tmp_path / "inside-transaction"
    with Proc(["once", "demo_ingest", *REG], _env(data, DEMO_HOLD_FILE=str(hold))) as child:
        wait_until(hold.exists, 30, "the job to be inside its transaction")
        child.p.send_signal(signal.SIGTERM)
        assert child.p.wait(30) == 1
        assert "failed" in child.p.stdout.read() and "interrupted" in "".join(child.lines)
    store = Store(data / "signaldesk.duckdb")
    [run] = runs(store, "demo_ingest")
    assert run["status"] == "failed" and run["error"].startswith("interrupted")
    assert _news_count(store) == 0


def test_sigterm_with_a_job_past_the_grace_exits_cleanly_and_records_it(tmp_path):
    data, hold = tmp_path / "var", tmp_path / "inside-transaction"
    env = _env(data, DEMO_SCHEDULE="every 0.5s", DEMO_HOLD_FILE=str(hold),
               SIGNALDESK_RUNNER_SHUTDOWN_GRACE_S="0.5")
    with Proc(["run", *REG], env) as runner:
        wait_until(hold.exists, 30, "the job to be inside its transaction")
        runner.p.send_signal(signal.SIGTERM)
        assert runner.p.wait(30) == 0
    assert runner.saw("exiting with job bodies still running")
    store = Store(data / "signaldesk.duckdb")
    rows = [r for r in runs(store, "demo_ingest") if r["status"] != "skipped"]
    assert len(rows) == 1 and rows[0]["status"] == "failed" and rows[0]["error"].startswith("interrupted")
    assert _news_count(store) == 0  # the open transaction never committed
