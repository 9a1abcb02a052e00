"""``up``: what ``make run`` starts — the job runner and the dashboard, supervised."""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from core.config import get_settings
from jobs.lock import AlreadyRunning, ProcessLock


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "up",
        help="Start the job runner and the dashboard; Ctrl-C stops both.",
        description="Apply migrations, seed an empty store from data/sample, then start the job "
        "runner and the dashboard, restarting either with a back-off if it dies. Refuses to "
        "start when another signaldesk already runs on the same data directory.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from jobs.supervisor import prepare_store, supervise

    settings = get_settings()  # jobs.__main__.settings_gate refused every problem already
    stop = threading.Event()
    try:
        with ProcessLock(settings.data_dir / "signaldesk.lock", "signaldesk"):
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            prepare_store(settings)
            print(f"signaldesk: dashboard on http://{settings.dashboard_host}:{settings.dashboard_port}"
                  " — Ctrl-C stops it.", file=sys.stderr)
            return supervise(settings, stop)
    except AlreadyRunning as exc:
        print(f"{exc}: open http://{settings.dashboard_host}:{settings.dashboard_port}, "
              "or stop it first.", file=sys.stderr)
        return 1
