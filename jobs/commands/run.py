"""``run``: the long-running scheduler (one per data directory)."""
from __future__ import annotations

import argparse
import signal
import sys
import threading


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "run",
        help="Start the job scheduler; runs until SIGTERM or Ctrl-C.",
        description="Start the job scheduler: prices, news, leads, learn, digest and export on "
        "the schedules in settings (SIGNALDESK_SCHEDULE_*), plus 'run now' requests from the "
        "dashboard. Only one runner per data directory: a second one names the first one's pid "
        "and exits 1. SIGTERM/SIGINT stop it cleanly (running jobs get "
        "SIGNALDESK_RUNNER_SHUTDOWN_GRACE_S to finish, then are recorded as interrupted).",
    )
    p.add_argument("--registry", metavar="MODULE:ATTR", default=None,
                   help="Use another job registry (a dict of JobSpec or a function of settings "
                   "returning one); for tests and demos. Default: the built-in jobs.")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.config import get_settings
    from jobs.lock import AlreadyRunning, ProcessLock
    from jobs.registry import load_registry
    from jobs.runner import Runner

    settings = get_settings()
    stop = threading.Event()
    try:
        with ProcessLock(settings.data_dir / "runner.lock", "the job runner"):
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            runner = Runner(settings, registry=load_registry(args.registry, settings))
            runner.serve(stop)
            _exit_past_abandoned_threads(runner.executor, 0)
            return 0
    except AlreadyRunning as exc:
        print(f"{exc} on {settings.data_dir}; not starting a second one.", file=sys.stderr)
        return 1


def _exit_past_abandoned_threads(executor, code: int) -> None:
    """Exit now if job bodies are still running past their run (deadline or shutdown grace).

    Their runs are already recorded. A normal interpreter exit would tear those daemon threads
    down inside C extensions (DuckDB aborts the process when that happens mid-query); exiting
    without finalization is what a kill does, and the store is built to survive that: an
    unfinished transaction is simply not there.
    """
    import logging
    import os

    threads = executor.abandoned_threads()
    if not threads:
        return
    logging.getLogger(__name__).warning(
        "exiting with job bodies still running past their run", extra={"threads": [t.name for t in threads]})
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
