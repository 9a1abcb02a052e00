"""``list``: every job with its schedule, next run, last status and duration."""
from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "list",
        help="Show every job: schedule, next run, last status, duration, last success, stale.",
        description="Show every job with its schedule (from settings), the next time it fires "
        "(UTC; for 'every ...' schedules counted from now, the runner counts from its start), "
        "the status, duration and time of its last run and of its last success (from job_runs), "
        "and whether it is stale. Also says whether a runner is running.",
    )
    p.add_argument("--registry", metavar="MODULE:ATTR", default=None,
                   help="List another job registry (tests and demos).")
    p.set_defaults(func=run)


def _t(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def run(args: argparse.Namespace) -> int:
    from core.config import get_settings
    from core.models import utcnow
    from core.store import Store
    from jobs.registry import load_registry
    from jobs.runner import recover_dead_runs
    from jobs.status import job_table, runner_pid

    settings = get_settings()
    store = Store.from_settings(settings)
    recover_dead_runs(store, utcnow(), reason="process gone")  # a killed `jobs once` is not "running"
    rows = job_table(store, settings, utcnow(), load_registry(args.registry, settings))
    pid = runner_pid(settings.data_dir)
    print(f"runner: {f'running (pid {pid})' if pid else 'not running'}   data: {settings.data_dir}")
    header = ("JOB", "SCHEDULE", "NEXT RUN (UTC)", "LAST", "DURATION", "LAST SUCCESS", "STALE")
    table = [header]
    for r in rows:
        duration = f"{r['last_duration_s']:.1f}s" if r["last_duration_s"] is not None else "-"
        table.append((r["job"], r["schedule"] + (" (invalid)" if r["schedule_error"] else ""),
                      _t(r["next_run"]), r["last_status"] or "never", duration,
                      _t(r["last_success_at"]), "STALE" if r["stale"] else ""))
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    for r in rows:
        if r["schedule_error"]:
            print(f"! {r['job']}: {r['schedule_error']}")
        if r["last_status"] == "failed" and r["last_error"]:
            print(f"! {r['job']} last error: {r['last_error'][:200]}")
    return 0
