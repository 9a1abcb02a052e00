"""Running ONE job once: the run record, the deadline, retries, and the job-level breaker.

Used by the scheduler (``jobs/runner.py``) and by ``python -m jobs once``. Every run gets a
short ``run_id`` bound to the logs and a ``job_runs`` row: ``running`` first, the outcome last.

The job body runs in its own daemon thread so a hung source cannot stall anything: the
caller waits up to ``settings.job_deadline_s`` and records "deadline exceeded". A Python
thread cannot be killed, so an overdue body is *abandoned*: it keeps the job's file lock until
it really ends, and until then further runs of that job are recorded as skipped. (``jobs once``
exits, which ends the thread with the process.)
"""
from __future__ import annotations

import contextvars
import logging
import os
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from core import tracing
from core.log import bound_run_id
from core.models import RunStatus, utcnow
from core.redact import mask_any
from core.resilience import SourceHealth, backoff_delay, pause_reason
from core.source_health import outcome_update, pause_gate
from core.store import Store, job_runs, trace_spans
from core.store import source_health as health_sql
from jobs import errors
from jobs.lock import AlreadyRunning, ProcessLock
from jobs.registry import JobSpec

log = logging.getLogger(__name__)


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def job_source(name: str) -> str:
    """The breaker key of a whole job (pipelines keep their own per-feed keys)."""
    return f"job:{name}"


@dataclass
class RunOutcome:
    run_id: str
    job: str
    status: RunStatus
    counts: Any = None
    error: str | None = None
    fingerprint: str | None = None
    attempts: int = 0
    duration_s: float = 0.0


@dataclass
class _Attempt:
    """One execution of a body in its thread; ``mutex`` settles the finish-vs-abandon race."""

    done: threading.Event = field(default_factory=threading.Event)
    mutex: threading.Lock = field(default_factory=threading.Lock)
    result: Any = None
    exc: BaseException | None = None
    abandoned: bool = False


class JobExecutor:
    def __init__(self, settings, registry: dict[str, JobSpec], store: Store | None = None,
                 clock: Callable[[], datetime] = utcnow, rng: random.Random | None = None):
        self.settings = settings
        self.registry = registry
        self.store = store or Store.from_settings(settings)
        self.clock = clock
        self.rng = rng or random.Random()
        self.stopping = threading.Event()  # no new retries; waits end early
        self.abort = threading.Event()  # stop waiting for bodies at all (shutdown grace over)
        self._inflight: dict[str, str] = {}
        self._cond = threading.Condition()
        self._secrets = errors.settings_secrets(settings)
        self.locks_dir = Path(settings.data_dir) / "locks"

    # --- bookkeeping the runner needs on shutdown ------------------------------------------
    def inflight(self) -> dict[str, str]:
        with self._cond:
            return dict(self._inflight)

    def begin_stop(self) -> None:
        """No new runs or retries from now on (runs already registered are waited for)."""
        with self._cond:
            self.stopping.set()

    def abandoned_threads(self) -> list[threading.Thread]:
        """Job bodies still running after their run ended (deadline or shutdown)."""
        return [t for t in threading.enumerate() if t.name.startswith("job-") and t.is_alive()]

    def wait_idle(self, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: not self._inflight, timeout=timeout)

    # --- one run ----------------------------------------------------------------------------
    def execute(self, name: str, trigger: str = "schedule", run_id: str | None = None) -> RunOutcome:
        """Run ``name`` now and record it. Never raises: the scheduler must keep going."""
        run_id = run_id or new_run_id()
        with bound_run_id(run_id):
            try:
                return self._execute(name, trigger, run_id)
            except Exception as exc:  # the store itself failed (e.g. busy past its wait)
                log.exception("could not run or record job", extra={"job": name})
                error = errors.readable_error(exc, self._secrets)
                try:  # do not leave a 'running' row behind for a run that is over
                    job_runs.fail_running(self.store, [run_id], f"could not record the run: {error}",
                                          self.clock())
                except Exception:
                    log.exception("could not mark the run failed either", extra={"job": name})
                return RunOutcome(run_id, name, RunStatus.FAILED, error=error)

    def _skip(self, name: str, trigger: str, run_id: str, reason: str) -> RunOutcome:
        log.warning("job skipped: %s", reason, extra={"job": name})
        job_runs.record_skipped(self.store, run_id, name, trigger, reason, self.clock(), os.getpid())
        return RunOutcome(run_id, name, RunStatus.SKIPPED, error=reason)

    def _execute(self, name: str, trigger: str, run_id: str) -> RunOutcome:
        spec = self.registry.get(name)
        if spec is None:
            now = self.clock()
            reason = f"no job named {name!r}; known: {', '.join(sorted(self.registry))}"
            job_runs.start_run(self.store, run_id, name, trigger, now, os.getpid())
            job_runs.finish_run(self.store, run_id, RunStatus.FAILED, now, error=reason)
            return RunOutcome(run_id, name, RunStatus.FAILED, error=reason)
        with self._cond:  # checked and registered together, so stop() waits for us or we skip
            if self.stopping.is_set():  # queued before a shutdown, reached the pool after it
                stopping = True
            else:
                stopping = False
                self._inflight[run_id] = name
        if stopping:
            return self._skip(name, trigger, run_id, "not started: the runner is stopping")
        try:
            return self._execute_registered(spec, trigger, run_id)
        finally:
            with self._cond:
                self._inflight.pop(run_id, None)
                self._cond.notify_all()

    def _execute_registered(self, spec: JobSpec, trigger: str, run_id: str) -> RunOutcome:
        name = spec.name
        lock = ProcessLock(self.locks_dir / f"job-{name}.lock", f"job {name}")
        try:
            lock.__enter__()
        except AlreadyRunning as exc:
            return self._skip(name, trigger, run_id,
                              f"previous run still in progress (pid {exc.pid or 'unknown'}); not started twice")
        owns_lock = True
        try:
            started = self.clock()
            paused = job_runs.begin_run(self.store, run_id, name, trigger, started, os.getpid(),
                                        gate=pause_gate(job_source(name), started))
            if paused:
                log.warning("job skipped: %s", paused, extra={"job": name})
                return RunOutcome(run_id, name, RunStatus.SKIPPED, error=paused)
            with tracing.span(f"job {name}", {"signaldesk.job": name, "signaldesk.trigger": trigger}) as sp:
                log.info("job started", extra={"job": name, "trigger": trigger})
                outcome, owns_lock = self._run_body(spec, run_id, lock)
                tracing.set_attributes(sp, {"signaldesk.status": str(outcome.status),
                                            "signaldesk.attempts": outcome.attempts})
                if outcome.status == RunStatus.FAILED:
                    tracing.set_error(sp, outcome.error)
            # The run's spans (its own included, now ended) go into the store with the run record,
            # in the same transaction: no extra store connection per run.
            with tracing.current(sp):  # the record's log lines still name the run's trace
                return self._record(spec, run_id, started, outcome, tracing.drain_local())
        finally:
            if owns_lock:
                lock.__exit__(None, None, None)

    def _run_body(self, spec: JobSpec, run_id: str, lock: ProcessLock) -> tuple[RunOutcome, bool]:
        """Attempts with back-off inside one overall deadline. Returns (outcome, still own the lock)."""
        deadline_s = float(self.settings.job_deadline_s)
        t0 = time.monotonic()
        attempt = 0
        while True:
            box = _Attempt()
            ctx = contextvars.copy_context()  # the thread's log lines carry this run_id
            threading.Thread(target=ctx.run, args=(self._body, spec, box, lock), daemon=True,
                             name=f"job-{spec.name}-{run_id}").start()
            finished = self._wait(box, t0 + deadline_s)
            if not finished:
                with box.mutex:
                    if not box.done.is_set():
                        box.abandoned = True  # the thread releases the job lock when it ends
                if box.abandoned:
                    if self.abort.is_set():
                        msg = "interrupted: stopped (SIGTERM/SIGINT) before the job finished"
                    else:
                        msg = f"deadline exceeded after {deadline_s:g} s"
                    return RunOutcome(run_id, spec.name, RunStatus.FAILED, error=msg,
                                      fingerprint=errors.fingerprint("DeadlineExceeded", msg,
                                                                     job_source(spec.name)),
                                      attempts=attempt + 1), False
            if box.exc is None:
                counts = mask_any(errors.to_counts(box.result))  # stored, logged and printed
                status = errors.status_for(counts)
                problem = errors.problem_summary(counts, status)
                problem = errors.redact(problem, self._secrets) if problem else None
                return RunOutcome(run_id, spec.name, status, counts=counts, error=problem,
                                  fingerprint=errors.fingerprint("AllSourcesFailed", problem or "",
                                                                 job_source(spec.name))
                                  if status == RunStatus.FAILED else None,
                                  attempts=attempt + 1), True
            exc = box.exc
            retry = (errors.is_transient(exc) and attempt < self.settings.job_retries
                     and not self.stopping.is_set())
            if retry:
                delay = backoff_delay(attempt, self.settings.retry_base_s, self.settings.retry_cap_s, self.rng)
                if time.monotonic() + delay < t0 + deadline_s:
                    log.warning("transient error, retrying in %.1f s: %s", delay, errors.readable_error(exc, self._secrets),
                                extra={"job": spec.name, "attempt": attempt + 1})
                    if not self.stopping.wait(delay):
                        attempt += 1
                        continue
            return RunOutcome(run_id, spec.name, RunStatus.FAILED,
                              error=errors.readable_error(exc, self._secrets),
                              fingerprint=errors.exception_fingerprint(exc), attempts=attempt + 1), True

    def _wait(self, box: _Attempt, deadline: float) -> bool:
        """Wait for the body until the deadline, or until shutdown grace runs out."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.abort.is_set():
                return box.done.is_set()
            if box.done.wait(min(remaining, 0.25)):
                return True

    def _body(self, spec: JobSpec, box: _Attempt, lock: ProcessLock) -> None:
        try:
            box.result = spec.func(self.store, self.settings)
        except BaseException as exc:  # noqa: BLE001 - recorded, never lost in a thread
            box.exc = exc
        finally:
            with box.mutex:
                box.done.set()
                abandoned = box.abandoned
            if abandoned:
                log.warning("abandoned job body finished at last", extra={"job": spec.name})
                lock.__exit__(None, None, None)

    def _record(self, spec: JobSpec, run_id: str, started: datetime, out: RunOutcome,
                spans: list[dict] | None = None) -> RunOutcome:
        finished = self.clock()
        out.duration_s = (finished - started).total_seconds()
        ok = out.status in (RunStatus.OK, RunStatus.PARTIAL)
        interrupted = self.abort.is_set() and not ok  # shutdown, not the job's fault: no breaker count
        source = job_source(spec.name)
        update = outcome_update(source, ok, errors.new_items(out.counts), out.error, finished, self.settings)
        saved: list[dict] = []
        span_frame = tracing.span_frame(spans)

        def also(con, with_spans: bool) -> None:
            if not interrupted:
                saved.append(health_sql.update_health(con, source, update))
            if with_spans and span_frame is not None:
                trace_spans.insert_spans(con, span_frame, finished, self.settings.trace_keep_days,
                                         self.settings.trace_max_spans)

        def finish(with_spans: bool) -> None:
            job_runs.finish_run(self.store, run_id, out.status, finished, counts=out.counts,
                                error=out.error, fingerprint=out.fingerprint, attempts=out.attempts,
                                also=lambda con: also(con, with_spans))

        try:
            finish(with_spans=True)
        except Exception:
            if span_frame is None:
                raise
            log.warning("could not store the run's spans; recording the run without them",
                        extra={"job": spec.name}, exc_info=True)  # tracing never costs a run record
            saved.clear()
            finish(with_spans=False)
        if interrupted:
            log.warning("job interrupted by shutdown", extra={"job": spec.name})
            return out
        health = SourceHealth.from_row(source, saved[-1] if saved else None)
        extra = {"job": spec.name, "status": str(out.status), "duration_s": round(out.duration_s, 3),
                 "attempts": out.attempts}
        if ok:
            log.info("job finished", extra={**extra, "counts": out.counts})
        else:
            log.error("job failed: %s", out.error, extra={**extra, "fingerprint": out.fingerprint})
            if health.paused_until is not None:
                log.warning("job paused by its breaker: %s", pause_reason(health), extra={"job": spec.name})
        return out
