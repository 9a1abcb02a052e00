"""The long-running scheduler behind ``python -m jobs run``.

APScheduler's ``BackgroundScheduler`` with a thread pool fires the registry's jobs on their
schedules; each firing goes through ``JobExecutor`` (run record, deadline, retries, breaker).
Around it the runner:

- refuses to start twice (``data_dir/runner.lock``, held by the CLI, see ``commands/run.py``);
- on start marks rows left ``running`` by a dead process as failed("runner died");
- runs each job at most once at a time (``max_instances=1``) and records a skipped row when
  a firing is dropped because the previous one is still running;
- coalesces firings missed while it was busy into one (``coalesce=True``,
  ``misfire_grace_time``), and on start runs a job once if runs were due while it was down
  (``schedule.missed_since``: jobs' last runs come from ``job_runs``);
- polls ``job_requests`` every ~2 s and runs what the operator asked for ("run now");
- checks staleness every minute and alerts once per stale episode;
- on stop, takes no new work, gives running jobs ``runner_shutdown_grace_s`` to finish, then
  marks what is left failed("interrupted").
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from core.models import utcnow
from core.store import Store, job_runs
from jobs.execute import JobExecutor, new_run_id
from jobs.registry import JobSpec, default_registry
from jobs.schedule import ScheduleError, missed_since
from jobs.status import stale_jobs

log = logging.getLogger(__name__)

REQUESTS_JOB = "_requests"
STALE_JOB = "_stale_check"


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_dead_runs(store: Store, now: datetime, reason: str = "runner died") -> list[str]:
    """Mark ``running`` rows whose process is gone as failed; returns their run_ids.

    Rows of a live process (a ``jobs once`` in progress) are left alone.
    """
    dead = [run_id for run_id, _job, pid, _t in job_runs.running_runs(store)
            if pid is None or pid == os.getpid() or not pid_alive(pid)]
    if dead:
        job_runs.fail_running(store, dead, f"{reason}: the process running it ended before it finished", now)
        log.warning("marked runs left by a dead process as failed", extra={"run_ids": dead})
    return dead


class Runner:
    def __init__(self, settings, registry: dict[str, JobSpec] | None = None, store: Store | None = None,
                 clock: Callable[[], datetime] = utcnow, stale_check_s: float = 60.0):
        self.settings = settings
        self.registry = registry if registry is not None else default_registry(settings)
        self.store = store or Store.from_settings(settings)
        self.clock = clock
        self.stale_check_s = stale_check_s
        self.executor = JobExecutor(settings, self.registry, self.store, clock)
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(settings.runner_workers + 2)},
            job_defaults={"coalesce": True, "max_instances": 1,
                          "misfire_grace_time": int(settings.misfire_grace_s)},
            timezone=UTC,
        )
        self.scheduled: dict[str, str] = {}  # job -> schedule text, for the start-up log
        self.started = threading.Event()
        self._alerted: set[str] = set()

    # --- life cycle -----------------------------------------------------------------------
    def start(self) -> None:
        now = self.clock()
        recover_dead_runs(self.store, now)
        last = {r["job"]: r["last_started_at"] for r in job_runs.job_status(self.store).iter_rows(named=True)}
        for name, spec in self.registry.items():
            text = spec.schedule_text(self.settings)
            try:
                trigger = spec.trigger(self.settings)  # (XNYS calendar for market-hours jobs)
            except ScheduleError as exc:
                log.error("job not scheduled: %s", exc, extra={"job": name})
                continue
            if trigger is None:
                continue
            extra = {}
            missed = missed_since(trigger, last.get(name), now, self.settings.misfire_grace_s)
            if missed is not None:  # due while the runner was down: once, now (coalesced)
                extra["next_run_time"] = datetime.now(UTC)
                log.info("running a run missed while the runner was down",
                         extra={"job": name, "due": str(missed), "last_run": str(last.get(name))})
            self.scheduler.add_job(self.executor.execute, trigger, args=[name], id=name, name=name,
                                   kwargs={"trigger": "schedule"}, **extra)
            self.scheduled[name] = text
        self.scheduler.add_job(self.poll_requests, IntervalTrigger(seconds=self.settings.runner_request_poll_s),
                               id=REQUESTS_JOB, name=REQUESTS_JOB, next_run_time=datetime.now(UTC))
        self.scheduler.add_job(self.check_stale, IntervalTrigger(seconds=self.stale_check_s),
                               id=STALE_JOB, name=STALE_JOB)
        self.scheduler.add_listener(self._on_event, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)
        self.scheduler.start()
        self.started.set()
        log.info("runner started", extra={"pid": os.getpid(), "jobs": self.scheduled,
                                          "store": str(self.store.path)})

    def stop(self, grace_s: float | None = None) -> list[str]:
        """Stop taking work, let running jobs finish within the grace, mark the rest interrupted."""
        grace = self.settings.runner_shutdown_grace_s if grace_s is None else grace_s
        log.info("runner stopping", extra={"running": self.executor.inflight(), "grace_s": grace})
        self.executor.begin_stop()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        idle = self.executor.wait_idle(grace)
        left = list(self.executor.inflight())
        if not idle and left:
            self.executor.abort.set()
            job_runs.fail_running(self.store, left, "interrupted: the runner was stopped before the job finished",
                                  self.clock())
            log.warning("runs interrupted by shutdown", extra={"run_ids": left})
        # let pool threads return now that nothing waits on job bodies
        self.executor.abort.set()
        log.info("runner stopped")
        return left

    def serve(self, stop: threading.Event) -> None:
        """Start, block until ``stop`` is set (signal handler), then stop cleanly."""
        self.start()
        try:
            stop.wait()
        finally:
            self.stop()

    # --- scheduler callbacks --------------------------------------------------------------
    def poll_requests(self) -> list[tuple[int, str, str]]:
        """Run pending "run now" requests (each in the pool, with the run_id stored on the request)."""
        if self.executor.stopping.is_set():
            return []
        claimed = job_runs.claim_requests(self.store, self.clock())
        for req_id, job, run_id in claimed:
            log.info("run requested", extra={"job": job, "request_id": req_id, "run_id": run_id})
            self.scheduler.add_job(self.executor.execute, args=[job], id=f"request-{run_id}",
                                   name=f"request {job}",
                                   kwargs={"trigger": "request", "run_id": run_id},
                                   misfire_grace_time=None)
        return claimed

    def check_stale(self) -> list[str]:
        now = self.clock()
        stale = stale_jobs(self.store, self.settings, now, self.registry)
        names = {s.job for s in stale}
        for item in stale:
            if item.job not in self._alerted:
                log.warning("job is stale: %s", item.reason, extra={"job": item.job})
                _alert(self.store, self.settings, f"signaldesk: {item.reason}")
        self._alerted = names
        return sorted(names)

    def _on_event(self, event: JobEvent) -> None:
        if event.job_id not in self.registry:
            return
        try:
            if event.code == EVENT_JOB_MAX_INSTANCES:
                job_runs.record_skipped(
                    self.store, new_run_id(), event.job_id, "schedule",
                    "previous run still in progress at the scheduled time; this run skipped",
                    self.clock(), os.getpid())
                log.warning("overlapping run skipped", extra={"job": event.job_id})
            elif event.code == EVENT_JOB_MISSED:
                log.warning("scheduled run missed by more than the grace time",
                            extra={"job": event.job_id, "scheduled": str(event.scheduled_run_time)})
        except Exception:
            log.exception("could not record a scheduler event", extra={"job": event.job_id})


def _alert(store: Store, settings, text: str) -> None:
    """Best effort: ``core.publish.post_alert(store, settings, text)`` if that exists."""
    try:
        from core import publish

        post_alert = getattr(publish, "post_alert", None)
        if post_alert is None:
            return
        post_alert(store, settings, text)
    except Exception:
        log.exception("stale-job alert could not be posted")
