"""``request NAME``: ask the running scheduler to run a job now (through ``job_requests``)."""
from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "request",
        help="Ask the running runner to run a job now (what the dashboard's 'Run now' does).",
        description="Queue a 'run now' request in the store; the running 'python -m jobs run' picks "
        "it up within ~2 s and records the run like any other. Nothing runs in this process; "
        "use 'once' to run a job here instead.",
    )
    p.add_argument("name", help="Job name, as listed by 'python -m jobs list'.")
    p.add_argument("--registry", metavar="MODULE:ATTR", default=None,
                   help="Validate the name against another job registry (tests and demos).")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.config import get_settings
    from core.store import Store
    from core.store.job_runs import request_run
    from jobs.registry import load_registry
    from jobs.status import runner_pid

    settings = get_settings()
    registry = load_registry(args.registry, settings)
    if args.name not in registry:
        print(f"no job named {args.name!r}; known: {', '.join(sorted(registry))}", file=sys.stderr)
        return 1
    req_id = request_run(Store.from_settings(settings), args.name)
    print(f"requested {args.name} (request {req_id})")
    if runner_pid(settings.data_dir) is None:
        print("note: no runner is running on this data directory; start 'python -m jobs run' "
              "or use 'python -m jobs once NAME'.", file=sys.stderr)
    return 0
