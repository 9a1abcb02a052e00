"""The process supervisor behind ``make run``: one job runner and one dashboard, kept alive.

It prepares the store (migrations, seed from data/sample when empty), starts both children,
restarts a child that dies with a growing back-off (logged), and stops both on Ctrl-C/SIGTERM.
A second supervisor on the same data directory is refused: it names the pid that holds it.
"""
from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.config import Settings

log = logging.getLogger(__name__)
REPO = Path(__file__).resolve().parent.parent


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the supervisor itself is killed, so none is orphaned."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:  # not glibc: children may outlive a killed supervisor
        pass


def restart_delay(restarts: int, base: float = 1.0, cap: float = 60.0) -> float:
    """Back-off before the n-th restart of a child in a row: 1, 2, 4 ... capped."""
    return min(cap, base * (2 ** max(0, restarts - 1)))


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = 0.0
    next_start_at: float = 0.0
    history: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, cwd=REPO, preexec_fn=_die_with_parent)
        self.started_at = time.monotonic()
        log.info("started %s", self.name, extra={"child": self.name, "pid": self.proc.pid})

    def stop(self, grace_s: float = 10.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(grace_s)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %.0fs; killing it", self.name, grace_s)
            self.proc.kill()
            self.proc.wait()


def children(settings: Settings) -> list[Child]:
    py = sys.executable
    return [
        Child("job runner", [py, "-m", "jobs", "run"]),
        Child("dashboard", [
            py, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
            "--server.address", settings.dashboard_host,
            "--server.port", str(settings.dashboard_port),
            "--server.headless", "true",
        ]),
    ]


def prepare_store(settings: Settings) -> None:
    """Migrate, then seed the empty store from data/sample (the offline demo)."""
    from core.store import Store

    store = Store.from_settings(settings)
    try:
        from core.seed import seed_if_empty
    except ImportError:  # pragma: no cover - seed lands with the ingestion work
        log.warning("no seed module; starting with an empty store")
        return
    result = seed_if_empty(store, settings)
    log.info("store ready", extra={"store": str(settings.store_path), "seed": result})


def supervise(settings: Settings, stop: threading.Event, stable_after_s: float = 60.0,
              poll_s: float = 0.5, kids: list[Child] | None = None,
              delay_fn=restart_delay) -> int:
    """Run the children until ``stop`` is set. Returns the exit code for the CLI."""
    kids = children(settings) if kids is None else kids
    for kid in kids:
        kid.start()
    log.info("signaldesk is up: dashboard on http://%s:%d", settings.dashboard_host,
             settings.dashboard_port)
    try:
        while not stop.wait(poll_s):
            now = time.monotonic()
            for kid in kids:
                if kid.proc is not None and kid.proc.poll() is not None:
                    code = kid.proc.returncode
                    kid.restarts = 1 if now - kid.started_at > stable_after_s else kid.restarts + 1
                    delay = delay_fn(kid.restarts)
                    log.error("%s exited with code %s; restarting in %.0fs (restart #%d)",
                              kid.name, code, delay, kid.restarts,
                              extra={"child": kid.name, "exit_code": code})
                    kid.history.append(code)
                    kid.proc = None
                    kid.next_start_at = now + delay
                if kid.proc is None and now >= kid.next_start_at:
                    kid.start()
    finally:
        log.info("stopping signaldesk")
        for kid in kids:
            kid.stop()
    return 0
