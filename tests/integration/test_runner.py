"""The job runner for real: APScheduler with short intervals, a real DuckDB store, real processes.

Jobs are injected through ``Runner(settings, registry=...)`` / ``--registry`` (a seam, not a
patch). Tests wait on events and on conditions in the store, never on fixed sleeps.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from core.log import JsonFormatter
from core.models import RunStatus, SourceCounts, utcnow
from core.source_health import due_sources, paused_sources, record_source_outcome, source_health
from core.store import Store, job_runs
from core.store.http_cache import StoreValidatorCache
from jobs.execute import JobExecutor
from jobs.lock import AlreadyRunning, ProcessLock
from jobs.registry import JobSpec, default_registry
from jobs.runner import Runner, recover_dead_runs
from jobs.status import stale_jobs

pytestmark = pytest.mark.timeout(60)
log = logging.getLogger("tests.demo_job")


def wait_until(condition, timeout: float = 15.0, what: str = "condition"):
    """Poll a condition (a store query, a file) until it holds; fail after ``timeout``.

    The poll interval grows from 20 ms to 200 ms: a store query opens the DuckDB file, and a
    tight poll from the test process would keep taking the file lock the runner process
    needs for its own writes."""
    tick = threading.Event()
    end = time.monotonic() + timeout
    interval = 0.02
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        tick.wait(interval)
        interval = min(0.2, interval * 1.5)
    raise AssertionError(f"timed out waiting for {what}")


def runs(store: Store, job: str | None = None) -> list[dict]:
    return list(job_runs.recent_runs(store, job=job, limit=1000).iter_rows(named=True))


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def capture():
    handler = Capture()
    loggers = [logging.getLogger("jobs"), log]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    yield handler
    for lg in loggers:
        lg.removeHandler(handler)


def lock_free(path: Path) -> bool:
    try:
        with ProcessLock(path, "probe"):
            return True
    except AlreadyRunning:
        return False


# --- in-process runner --------------------------------------------------------------------

def test_scheduled_job_is_recorded_and_every_log_line_names_its_run(settings, store, capture):
    ran = threading.Event()

    def body(store, settings):
        log.info("inside the job")
        ran.set()
        return SourceCounts(fetched=3, new=2, duplicate=1)

    runner = Runner(settings, registry={"tick": JobSpec("tick", body, "test", schedule="every 0.2s")},
                    store=store)
    runner.start()
    try:
        assert ran.wait(10)
        done = wait_until(lambda: [r for r in runs(store, "tick") if r["status"] == "ok"], what="ok row")
    finally:
        runner.stop(grace_s=5)
    row = done[-1]
    assert json.loads(row["counts"]) == {"fetched": 3, "new": 2, "duplicate": 1, "rejected": 0, "reasons": [],
                                           "sources": 0, "sources_failed": 0}
    assert row["finished_at"] >= row["started_at"] and row["duration_s"] >= 0
    inside = [line for line in capture.lines if line["message"] == "inside the job"]
    assert inside and all(len(line["run_id"]) == 12 for line in inside)
    assert row["run_id"] in {line["run_id"] for line in inside}
    started = [line for line in capture.lines if line["message"] == "job started" and line["run_id"] == row["run_id"]]
    assert started and started[0]["job"] == "tick"


def test_overlapping_scheduled_run_is_skipped_and_recorded(settings, store):
    release, started = threading.Event(), threading.Event()

    def body(store, settings):
        started.set()
        release.wait(20)
        return {"new": 0}

    runner = Runner(settings, registry={"slow": JobSpec("slow", body, "test", schedule="every 0.1s")},
                    store=store)
    runner.start()
    try:
        assert started.wait(10)
        skipped = wait_until(lambda: [r for r in runs(store, "slow") if r["status"] == "skipped"],
                             what="skipped row")
        assert "previous run still in progress" in skipped[0]["error"]
        assert sum(r["status"] == "running" for r in runs(store, "slow")) == 1
    finally:
        release.set()
        runner.stop(grace_s=5)


def test_run_now_request_is_picked_up_and_linked_to_its_run(settings, store):
    ran = threading.Event()
    registry = {"manual": JobSpec("manual", lambda st, s: ran.set() or {"new": 1}, "test", schedule="off")}
    runner = Runner(settings.model_copy(update={"runner_request_poll_s": 0.1}), registry=registry, store=store)
    runner.start()
    try:
        req = job_runs.request_run(store, "manual")
        bad = job_runs.request_run(store, "no_such_job")
        assert ran.wait(10)
        picked = wait_until(lambda: (r := job_runs.get_request(store, req)) and r["run_id"] and r, what="pick")
        run = wait_until(lambda: (r := job_runs.get_run(store, picked["run_id"])) and r["status"] == "ok" and r,
                         what="requested run")
        assert run["trigger"] == "request" and run["job"] == "manual"
        unknown = wait_until(lambda: (r := job_runs.get_request(store, bad)) and r["run_id"]
                             and job_runs.get_run(store, r["run_id"]), what="unknown job run")
        assert unknown["status"] == "failed" and "no job named 'no_such_job'" in unknown["error"]
        assert job_runs.pending_requests(store).is_empty()
    finally:
        runner.stop(grace_s=5)


def test_stop_lets_nothing_new_start_and_marks_unfinished_runs_interrupted(settings, store):
    release, started = threading.Event(), threading.Event()

    def body(store, settings):
        started.set()
        release.wait(30)

    runner = Runner(settings.model_copy(update={"runner_request_poll_s": 0.1}),
                    registry={"hang": JobSpec("hang", body, "test", schedule="off")}, store=store)
    runner.start()
    try:
        job_runs.request_run(store, "hang")
        assert started.wait(10)
        left = runner.stop(grace_s=0.2)
        assert len(left) == 1
        row = job_runs.get_run(store, left[0])
        assert row["status"] == "failed" and row["error"].startswith("interrupted")
        assert not runner.scheduler.running
    finally:
        release.set()


# --- one run: deadline, retries, fingerprints, breaker ------------------------------------

def test_hung_job_hits_its_deadline_and_blocks_its_next_run_until_it_ends(settings, store):
    s = settings.model_copy(update={"job_deadline_s": 0.3})
    release, finished = threading.Event(), threading.Event()

    def body(store, settings):
        release.wait(20)
        finished.set()
        return {"new": 1}

    ex = JobExecutor(s, {"hang": JobSpec("hang", body, "test")}, store)
    first = ex.execute("hang")
    assert first.status == RunStatus.FAILED and first.error == "deadline exceeded after 0.3 s"
    second = ex.execute("hang")  # the abandoned thread still holds the job
    assert second.status == RunStatus.SKIPPED and "still in progress" in second.error
    release.set()
    assert finished.wait(10)
    wait_until(lambda: lock_free(Path(s.data_dir) / "locks" / "job-hang.lock"), what="job lock released")
    third = ex.execute("hang")
    assert third.status == RunStatus.OK
    assert [r["status"] for r in runs(store, "hang")] == ["ok", "skipped", "failed"]


def test_transient_errors_are_retried_with_backoff_others_are_not(settings, store):
    s = settings.model_copy(update={"job_retries": 2, "retry_base_s": 0.01, "retry_cap_s": 0.02})
    calls = {"flaky": 0, "broken": 0}

    def flaky(store, settings):
        calls["flaky"] += 1
        if calls["flaky"] < 3:
            raise ConnectionResetError("connection reset by peer")
        return SourceCounts(fetched=1, new=1)

    def broken(store, settings):
        calls["broken"] += 1
        raise ValueError("bad row in feed")

    ex = JobExecutor(s, {"flaky": JobSpec("flaky", flaky, "t"), "broken": JobSpec("broken", broken, "t")}, store)
    ok = ex.execute("flaky")
    assert ok.status == RunStatus.OK and ok.attempts == 3
    assert job_runs.get_run(store, ok.run_id)["attempts"] == 3
    bad = ex.execute("broken")
    assert bad.status == RunStatus.FAILED and calls["broken"] == 1
    assert bad.error == "ValueError: bad row in feed" and bad.fingerprint


def test_missing_job_module_is_a_recorded_failure(settings, store):
    def body(store, settings):
        from core import no_such_module_for_this_test  # noqa: F401

    out = JobExecutor(settings, {"ghost": JobSpec("ghost", body, "t")}, store).execute("ghost")
    assert out.status == RunStatus.FAILED and "no_such_module_for_this_test" in out.error


def test_recurring_errors_group_by_fingerprint(settings, store):
    s = settings.model_copy(update={"job_retries": 0, "breaker_failures": 10})
    values = iter([("3.2", 123), ("4.1", 456), ("0.7", 99)])

    def timeouts(store, settings):
        secs, ident = next(values)
        raise TimeoutError(f"timeout after {secs}s on id {ident}")

    def other(store, settings):
        raise KeyError("symbol")

    since = utcnow() - timedelta(minutes=1)
    ex = JobExecutor(s, {"t": JobSpec("t", timeouts, "t"), "o": JobSpec("o", other, "t")}, store)
    for _ in range(3):
        ex.execute("t")
    ex.execute("o")
    groups = list(job_runs.error_groups(store, since).iter_rows(named=True))
    assert [(g["job"], g["count"]) for g in groups] == [("t", 3), ("o", 1)]
    assert groups[0]["example"] == "TimeoutError: timeout after 0.7s on id 99"
    assert groups[0]["fingerprint"] != groups[1]["fingerprint"]


def test_job_breaker_pauses_a_failing_job_then_resumes_by_itself(settings, store):
    now = [datetime(2026, 3, 2, 10, 0)]
    s = settings.model_copy(update={"job_retries": 0, "breaker_failures": 2, "breaker_pause_s": 60})
    failing = [True]

    def body(store, settings):
        if failing[0]:
            raise RuntimeError("HTTP 503 from upstream")
        return {"new": 4}

    ex = JobExecutor(s, {"feeds": JobSpec("feeds", body, "t")}, store, clock=lambda: now[0])
    assert ex.execute("feeds").status == RunStatus.FAILED
    assert ex.execute("feeds").status == RunStatus.FAILED
    paused = ex.execute("feeds")
    assert paused.status == RunStatus.SKIPPED and "paused until 2026-03-02 10:01:00" in paused.error
    shown = paused_sources(store, now[0]).row(0, named=True)
    assert shown["source"] == "job:feeds" and "HTTP 503" in shown["last_error"]
    now[0] += timedelta(seconds=61)
    failing[0] = False
    assert ex.execute("feeds").status == RunStatus.OK
    assert paused_sources(store, now[0]).is_empty()


def test_source_breaker_and_polling_keep_the_http_layers_columns(settings, store):
    s = settings.model_copy(update={"breaker_failures": 2, "poll_min_s": 60, "poll_max_s": 600})
    t = datetime(2026, 3, 2, 10, 0)
    cache = StoreValidatorCache(store)
    cache.put("https://a.example/rss", '"v1"', "Mon, 02 Mar 2026 09:00:00 GMT")
    cache.flush()
    for _ in range(2):
        record_source_outcome(store, "https://a.example/rss", False, 0, "timeout", t, s)
    record_source_outcome(store, "https://b.example/rss", True, 5, None, t, s)
    assert due_sources(store, ["https://a.example/rss", "https://b.example/rss", "https://c.example/rss"],
                       t) == ["https://c.example/rss"]
    assert due_sources(store, ["https://b.example/rss"], t + timedelta(seconds=60)) == ["https://b.example/rss"]
    later = t + timedelta(seconds=301)
    assert "https://a.example/rss" in due_sources(store, ["https://a.example/rss"], later)
    check = StoreValidatorCache(store)
    check.load(["https://a.example/rss"])
    assert check.get("https://a.example/rss") == ('"v1"', "Mon, 02 Mar 2026 09:00:00 GMT")
    assert source_health(store, "https://a.example/rss").consecutive_failures == 2


# --- records: recovery, staleness ---------------------------------------------------------

def test_rows_of_a_dead_runner_are_failed_on_start_live_ones_kept(settings, store):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    live = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        t = utcnow()
        job_runs.start_run(store, "deadrun00001", "news", "schedule", t, dead.pid)
        job_runs.start_run(store, "liverun00001", "news", "once", t, live.pid)
        assert recover_dead_runs(store, t) == ["deadrun00001"]
        assert job_runs.get_run(store, "deadrun00001")["error"].startswith("runner died")
        assert job_runs.get_run(store, "liverun00001")["status"] == "running"
    finally:
        live.stdin.close()
        live.wait(10)


def test_stale_jobs(settings, store):
    now = datetime(2026, 3, 2, 12, 0)

    def run(job, started, status, run_id):
        job_runs.start_run(store, run_id, job, "schedule", started)
        job_runs.finish_run(store, run_id, status, started + timedelta(seconds=5))

    run("news", now - timedelta(hours=2), "ok", "r1")         # threshold 1 h: stale
    run("leads", now - timedelta(minutes=10), "partial", "r2")  # fresh
    run("learn", now - timedelta(hours=4), "failed", "r3")    # never succeeded for 4 h > 3 h
    run("digest", now - timedelta(days=9), "ok", "r4")        # off: never stale
    s = settings.model_copy(update={"stale_after_overrides": {"leads": 300.0}})
    found = {j.job: j for j in stale_jobs(store, s, now, default_registry(s))}
    assert set(found) == {"news", "learn", "leads"}
    assert found["learn"].last_success_at is None and "no successful run" in found["learn"].reason
    assert set(j.job for j in stale_jobs(store, settings, now)) == {"news", "learn"}


def test_runs_missed_while_the_runner_was_down_run_once_at_start(settings, store):
    ran = {"hourly": threading.Event(), "fresh": threading.Event()}
    counts = {"hourly": 0, "fresh": 0}

    def body_for(name):
        def body(store, settings):
            counts[name] += 1
            ran[name].set()
        return body

    t = utcnow()
    job_runs.start_run(store, "old00000001", "hourly", "schedule", t - timedelta(hours=5))
    job_runs.finish_run(store, "old00000001", "ok", t - timedelta(hours=5))
    job_runs.start_run(store, "new00000001", "fresh", "schedule", t - timedelta(minutes=1))
    job_runs.finish_run(store, "new00000001", "ok", t - timedelta(minutes=1))
    registry = {"hourly": JobSpec("hourly", body_for("hourly"), "t", schedule="every 1h"),
                "fresh": JobSpec("fresh", body_for("fresh"), "t", schedule="every 1h")}
    runner = Runner(settings, registry=registry, store=store)
    runner.start()
    try:
        assert ran["hourly"].wait(10)  # 5 periods missed -> one run, right away
        wait_until(lambda: [r for r in runs(store, "hourly") if r["status"] == "ok" and r["run_id"] != "old00000001"],
                   what="catch-up run recorded")
    finally:
        runner.stop(grace_s=5)
    assert counts == {"hourly": 1, "fresh": 0}  # the fresh job was not due
