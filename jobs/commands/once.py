"""``once NAME``: run one job now in this process and exit with its status (for cron/systemd)."""
from __future__ import annotations

import argparse
import json
import signal

from jobs.commands import add_job_arguments, load_named_job

EXIT_SKIPPED = 75  # sysexits EX_TEMPFAIL: nothing failed, try again later


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "once",
        help="Run one job now and exit with its status (0 ok/partial, 1 failed, 75 skipped).",
        description="Run one job now, in this process, with the same run record, deadline, "
        "retries and breaker as the scheduler, then exit: 0 when it ended ok or partial, 1 when "
        "it failed, 75 when it was skipped (already running elsewhere, or paused by its "
        "breaker). SIGTERM/Ctrl-C record the run as interrupted and exit 1. Lets cron, systemd timers or Airflow drive signaldesk without the runner.",
    )
    add_job_arguments(p, registry_help="Use another job registry (tests and demos).")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.models import RunStatus, utcnow
    from core.store import Store
    from jobs.commands.run import _exit_past_abandoned_threads
    from jobs.execute import JobExecutor
    from jobs.runner import recover_dead_runs

    job = load_named_job(args)
    if job is None:
        return 1
    settings, registry = job
    store = Store.from_settings(settings)
    recover_dead_runs(store, utcnow())
    executor = JobExecutor(settings, registry, store)

    def interrupted(*_):  # stop waiting; the run is recorded failed("interrupted ...")
        executor.stopping.set()
        executor.abort.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, interrupted)
    out = executor.execute(args.name, trigger="once")
    line = f"{out.job} {out.status} in {out.duration_s:.1f}s (run {out.run_id})"
    if out.counts:
        line += f" counts={json.dumps(out.counts, default=str, sort_keys=True)}"
    if out.error:
        line += f" error={out.error}"
    print(line)
    code = 0 if out.status in (RunStatus.OK, RunStatus.PARTIAL) else (
        EXIT_SKIPPED if out.status == RunStatus.SKIPPED else 1)
    _exit_past_abandoned_threads(executor, code)  # a body past its deadline ends with us
    return code
