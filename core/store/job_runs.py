"""Run records of scheduled jobs (``job_runs``) and operator "run now" requests (``job_requests``).

A run is written twice: a ``running`` row when it starts (so a crash leaves evidence) and the
outcome when it ends. Finishing only touches rows still ``running``, so a row already marked
``interrupted`` or ``runner died`` is never overwritten by a late thread. Successful means
``ok`` or ``partial`` (finished, some inputs rejected).
"""
from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import duckdb
import polars as pl

from core.models import RunStatus, utcnow
from core.store import Store

T = TypeVar("T")
_SUCCESS = (RunStatus.OK.value, RunStatus.PARTIAL.value)
_DURATION = "date_diff('millisecond', started_at, finished_at) / 1000.0"


def _json(counts: Any) -> str | None:
    return None if counts is None else json.dumps(counts, default=str, sort_keys=True)


def write_retrying(store: Store, work: Callable[[duckdb.DuckDBPyConnection], T], attempts: int = 8) -> T:
    """``work`` in one write transaction, retried when another thread's transaction touched the
    same row first (DuckDB's optimistic "Conflict on tuple ..." error). The loser re-reads and
    its ``WHERE status = 'running'`` then decides, so one outcome wins cleanly."""
    pause = threading.Event()
    for attempt in range(attempts):
        try:
            with store.write() as con:
                return work(con)
        except duckdb.TransactionException as exc:
            if "conflict" not in str(exc).lower() or attempt == attempts - 1:
                raise
            pause.wait(random.uniform(0.005, 0.02 * (attempt + 1)))
    raise AssertionError("unreachable")


def start_run(store: Store, run_id: str, job: str, trigger: str, started_at: datetime,
              pid: int | None = None) -> None:
    with store.write() as con:
        con.execute(
            "INSERT INTO job_runs (run_id, job, started_at, status, trigger, pid, attempts) "
            "VALUES (?, ?, ?, ?, ?, ?, 0)",
            [run_id, job, started_at, RunStatus.RUNNING.value, trigger, pid],
        )


def begin_run(store: Store, run_id: str, job: str, trigger: str, started_at: datetime,
              pid: int | None, gate: Callable[[duckdb.DuckDBPyConnection], str | None]) -> str | None:
    """One transaction: ask ``gate`` (e.g. "is the job's breaker open?") and write either a
    ``running`` row or, when the gate returns a reason, a ``skipped`` row with it. Returns the reason."""

    def work(con) -> str | None:
        reason = gate(con)
        if reason:
            con.execute(
                "INSERT INTO job_runs (run_id, job, started_at, finished_at, status, error, trigger, pid, "
                "attempts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                [run_id, job, started_at, started_at, RunStatus.SKIPPED.value, reason, trigger, pid])
        else:
            con.execute(
                "INSERT INTO job_runs (run_id, job, started_at, status, trigger, pid, attempts) "
                "VALUES (?, ?, ?, ?, ?, ?, 0)",
                [run_id, job, started_at, RunStatus.RUNNING.value, trigger, pid])
        return reason

    return write_retrying(store, work)


def finish_run(store: Store, run_id: str, status: str, finished_at: datetime,
               counts: Any = None, error: str | None = None, fingerprint: str | None = None,
               attempts: int | None = None,
               also: Callable[[duckdb.DuckDBPyConnection], Any] | None = None) -> bool:
    """Record the outcome; False if the row was no longer ``running`` (already interrupted).

    ``also(con)`` runs in the same transaction (the runner updates the job's breaker there).
    """
    def work(con) -> bool:
        rows = con.execute(
            "UPDATE job_runs SET finished_at = ?, status = ?, counts = ?::JSON, error = ?, "
            "error_fingerprint = ?, attempts = coalesce(?, attempts) "
            "WHERE run_id = ? AND status = ? RETURNING run_id",
            [finished_at, str(status), _json(counts), error, fingerprint, attempts, run_id,
             RunStatus.RUNNING.value],
        ).fetchall()
        if also is not None:
            also(con)
        return bool(rows)

    return write_retrying(store, work)


def record_skipped(store: Store, run_id: str, job: str, trigger: str, reason: str,
                   at: datetime, pid: int | None = None) -> None:
    """A run that did not happen (overlap, paused breaker), kept so the operator sees why."""
    with store.write() as con:
        con.execute(
            "INSERT INTO job_runs (run_id, job, started_at, finished_at, status, error, trigger, pid, attempts) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
            [run_id, job, at, at, RunStatus.SKIPPED.value, reason, trigger, pid],
        )


def running_runs(store: Store) -> list[tuple[str, str, int | None, datetime]]:
    """(run_id, job, pid, started_at) of every row still marked ``running``."""
    with store.read() as con:
        return con.execute(
            "SELECT run_id, job, pid, started_at FROM job_runs WHERE status = ? ORDER BY started_at",
            [RunStatus.RUNNING.value],
        ).fetchall()


def fail_running(store: Store, run_ids: list[str], reason: str, at: datetime) -> int:
    """Mark these runs failed with ``reason`` if they are still ``running``. Returns how many."""
    if not run_ids:
        return 0
    return len(write_retrying(store, lambda con: con.execute(
        "UPDATE job_runs SET status = ?, error = ?, finished_at = ? "
        "WHERE status = ? AND list_contains(?, run_id) RETURNING run_id",
        [RunStatus.FAILED.value, reason, at, RunStatus.RUNNING.value, list(run_ids)],
    ).fetchall()))


def get_run(store: Store, run_id: str) -> dict | None:
    with store.read() as con:
        frame = con.sql(
            f"SELECT run_id, job, started_at, finished_at, status, counts, error, error_fingerprint, "
            f"trigger, pid, attempts, {_DURATION} AS duration_s FROM job_runs WHERE run_id = ?",
            params=[run_id],
        ).pl()
    if frame.is_empty():
        return None
    row = frame.row(0, named=True)
    row["counts"] = json.loads(row["counts"]) if row["counts"] else None
    return row


def recent_runs(store: Store, job: str | None = None, limit: int = 50) -> pl.DataFrame:
    where, params = ("WHERE job = ?", [job]) if job else ("", [])
    with store.read() as con:
        return con.sql(
            f"SELECT run_id, job, trigger, started_at, finished_at, status, {_DURATION} AS duration_s, "
            f"counts, error, error_fingerprint FROM job_runs {where} "
            f"ORDER BY started_at DESC LIMIT ?",
            params=params + [int(limit)],
        ).pl()


def job_status(store: Store) -> pl.DataFrame:
    """Per job: the last run (status, duration, error), the last success, run and failure counts."""
    with store.read() as con:
        return con.sql(
            f"""
            WITH ranked AS (
                SELECT *, {_DURATION} AS duration_s,
                       row_number() OVER (PARTITION BY job ORDER BY started_at DESC, run_id) AS rn
                FROM job_runs
            ), agg AS (
                SELECT job,
                       max(finished_at) FILTER (WHERE status IN (?, ?)) AS last_success_at,
                       min(started_at) AS first_started_at,
                       count(*) AS runs,
                       count(*) FILTER (WHERE status = ?) AS failures
                FROM job_runs GROUP BY job
            )
            SELECT r.job, r.run_id AS last_run_id, r.trigger AS last_trigger,
                   r.started_at AS last_started_at, r.finished_at AS last_finished_at,
                   r.status AS last_status, r.duration_s AS last_duration_s, r.error AS last_error,
                   a.last_success_at, a.first_started_at, a.runs, a.failures
            FROM ranked r JOIN agg a USING (job) WHERE r.rn = 1 ORDER BY r.job
            """,
            params=[*_SUCCESS, RunStatus.FAILED.value],
        ).pl()


def duration_history(store: Store, job: str, limit: int = 100) -> pl.DataFrame:
    """Finished runs of one job, oldest first, for a duration chart."""
    with store.read() as con:
        return con.sql(
            f"SELECT * FROM (SELECT run_id, started_at, status, {_DURATION} AS duration_s FROM job_runs "
            f"WHERE job = ? AND finished_at IS NOT NULL AND status <> ? "
            f"ORDER BY started_at DESC LIMIT ?) ORDER BY started_at",
            params=[job, RunStatus.SKIPPED.value, int(limit)],
        ).pl()


def error_groups(store: Store, since: datetime) -> pl.DataFrame:
    """Failures since ``since`` grouped by fingerprint: the same bug counted once, loudest first."""
    with store.read() as con:
        return con.sql(
            """
            SELECT error_fingerprint AS fingerprint, job,
                   arg_max(error, started_at) AS example,
                   count(*) AS count,
                   min(started_at) AS first_seen,
                   max(started_at) AS last_seen
            FROM job_runs
            WHERE status = ? AND error_fingerprint IS NOT NULL AND started_at >= ?
            GROUP BY error_fingerprint, job
            ORDER BY count DESC, last_seen DESC
            """,
            params=[RunStatus.FAILED.value, since],
        ).pl()


# --- "run now" requests -------------------------------------------------------------------

def request_run(store: Store, job: str, now: datetime | None = None) -> int:
    """Queue a run of ``job`` for the runner (which polls every ~2 s). Returns the request id."""
    with store.write() as con:
        return con.execute(
            "INSERT INTO job_requests (job, requested_at) VALUES (?, ?) RETURNING id",
            [job, now or utcnow()],
        ).fetchone()[0]


def claim_requests(store: Store, now: datetime) -> list[tuple[int, str, str]]:
    """Take every pending request at once: (id, job, run_id); the run_id is assigned here."""
    with store.write() as con:
        return con.execute(
            "UPDATE job_requests SET picked_at = ?, "
            "run_id = substr(replace(gen_random_uuid()::VARCHAR, '-', ''), 1, 12) "
            "WHERE picked_at IS NULL RETURNING id, job, run_id",
            [now],
        ).fetchall()


def pending_requests(store: Store) -> pl.DataFrame:
    with store.read() as con:
        return con.sql(
            "SELECT id, job, requested_at FROM job_requests WHERE picked_at IS NULL ORDER BY id"
        ).pl()


def get_request(store: Store, request_id: int) -> dict | None:
    with store.read() as con:
        frame = con.sql(
            "SELECT id, job, requested_at, picked_at, run_id FROM job_requests WHERE id = ?",
            params=[int(request_id)],
        ).pl()
    return None if frame.is_empty() else frame.row(0, named=True)


def job_durations(store: Store, since: datetime, limit_per_job: int = 200) -> pl.DataFrame:
    """Recent finished runs of every job (started_at, duration_s) for one duration chart."""
    with store.read() as con:
        return con.sql(
            """
            SELECT job, started_at, status, duration_s FROM (
                SELECT job, started_at, status,
                       date_diff('millisecond', started_at, finished_at) / 1000.0 AS duration_s,
                       row_number() OVER (PARTITION BY job ORDER BY started_at DESC) AS rn
                FROM job_runs WHERE started_at >= ? AND finished_at IS NOT NULL AND status <> 'skipped')
            WHERE rn <= ? ORDER BY job, started_at
            """, params=[since, int(limit_per_job)]).pl()
