"""``request NAME``: ask the running scheduler to run a job now (through ``job_requests``)."""
from __future__ import annotations

import argparse
import sys

from jobs.commands import add_job_arguments, load_named_job


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "request",
        help="Ask the running runner to run a job now (what the dashboard's 'Run now' does).",
        description="Queue a 'run now' request in the store; the running 'python -m jobs run' picks "
        "it up within ~2 s and records the run like any other. Nothing runs in this process; "
        "use 'once' to run a job here instead.",
    )
    add_job_arguments(p, registry_help="Validate the name against another job registry (tests and demos).")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.store import Store
    from core.store.job_runs import request_run
    from jobs.status import runner_pid

    job = load_named_job(args)
    if job is None:
        return 1
    settings, _registry = job
    req_id = request_run(Store.from_settings(settings), args.name)
    print(f"requested {args.name} (request {req_id})")
    if runner_pid(settings.data_dir) is None:
        print("note: no runner is running on this data directory; start 'python -m jobs run' "
              "or use 'python -m jobs once NAME'.", file=sys.stderr)
    return 0
