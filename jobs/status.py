"""What the operator asks about jobs: which are stale, and one table of every job's state.

Read-only; used by ``python -m jobs list``, the runner's staleness check and the dashboard.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.store import Store, job_runs
from jobs.registry import JobSpec, default_registry
from jobs.schedule import ScheduleError, next_fire


@dataclass(frozen=True)
class StaleJob:
    job: str
    last_success_at: datetime | None
    age_s: float
    threshold_s: float

    @property
    def reason(self) -> str:
        if self.last_success_at is None:
            return f"{self.job}: no successful run in {self.age_s / 3600:.1f} h of trying"
        return (f"{self.job}: last success {self.age_s / 3600:.1f} h ago "
                f"(threshold {self.threshold_s / 3600:.1f} h)")


def stale_jobs(store: Store, settings, now: datetime,
               registry: dict[str, JobSpec] | None = None) -> list[StaleJob]:
    """Scheduled jobs with no success for longer than their threshold.

    A job that is off is never stale; one never run at all is not flagged (the runner may not
    have started); one that has been failing since its first run counts from that first run.
    """
    registry = registry if registry is not None else default_registry(settings)
    rows = {r["job"]: r for r in job_runs.job_status(store).iter_rows(named=True)}
    out = []
    for name, spec in registry.items():
        if spec.schedule_text(settings).strip().lower() == "off" or name not in rows:
            continue
        row = rows[name]
        since = row["last_success_at"] or row["first_started_at"]
        age = (now - since).total_seconds()
        threshold = spec.stale_threshold_s(settings)
        if age > threshold:
            out.append(StaleJob(name, row["last_success_at"], age, threshold))
    return out


def job_table(store: Store, settings, now: datetime,
              registry: dict[str, JobSpec] | None = None) -> list[dict]:
    """One dict per registered job: schedule, next run, last status/duration/success, stale flag."""
    registry = registry if registry is not None else default_registry(settings)
    rows = {r["job"]: r for r in job_runs.job_status(store).iter_rows(named=True)}
    stale = {s.job for s in stale_jobs(store, settings, now, registry)}
    out = []
    for name, spec in registry.items():
        text = spec.schedule_text(settings)
        try:
            nxt = next_fire(spec.trigger(settings), now)
            problem = None
        except ScheduleError as exc:
            nxt, problem = None, str(exc)
        row = rows.get(name, {})
        out.append({
            "job": name, "schedule": text, "next_run": nxt, "schedule_error": problem,
            "last_status": row.get("last_status"), "last_started_at": row.get("last_started_at"),
            "last_duration_s": row.get("last_duration_s"), "last_success_at": row.get("last_success_at"),
            "last_error": row.get("last_error"), "runs": row.get("runs", 0), "stale": name in stale,
            "description": spec.description,
        })
    return out


def runner_pid(data_dir) -> int | None:
    """The pid of the runner holding ``data_dir/runner.lock``, or None if none runs.

    A shared-lock probe held for microseconds; -1 when held but the pid is unreadable.
    """
    import fcntl
    import os
    from pathlib import Path

    path = Path(data_dir) / "runner.lock"
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.pread(fd, 32, 0).decode(errors="replace").strip()
            return int(text) if text.isdigit() else -1
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
