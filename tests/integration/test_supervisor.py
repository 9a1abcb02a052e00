"""make run's supervisor: restarts a dying child with back-off; one instance per data dir."""
from __future__ import annotations

import logging
import subprocess
import sys
import threading

import pytest

from jobs.lock import AlreadyRunning, ProcessLock
from jobs.supervisor import Child, restart_delay, supervise
from tests.conftest import REPO

pytestmark = pytest.mark.timeout(60)


def test_restart_delay_grows_and_caps():
    assert [restart_delay(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert restart_delay(50) == 60


class _Restarts(logging.Handler):
    def __init__(self, stop: threading.Event, after: int):
        super().__init__()
        self.stop, self.after, self.messages = stop, after, []

    def emit(self, record):
        if "restarting" in record.getMessage():
            self.messages.append(record.getMessage())
            if len(self.messages) >= self.after:
                self.stop.set()


def test_dying_child_is_restarted_and_logged(settings):
    stop = threading.Event()
    handler = _Restarts(stop, after=3)
    log = logging.getLogger("jobs.supervisor")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    crasher = Child("crasher", [sys.executable, "-c", "import sys; sys.exit(3)"])
    try:
        supervise(settings, stop, kids=[crasher], poll_s=0.01, delay_fn=lambda n: 0.0)
    finally:
        log.removeHandler(handler)
    assert crasher.history[:3] == [3, 3, 3]
    assert "crasher exited with code 3; restarting" in handler.messages[0]
    assert "restart #3" in handler.messages[2]


def test_stop_terminates_children(settings):
    stop = threading.Event()
    sleeper = Child("sleeper", [sys.executable, "-c", "import signal; signal.pause()"])
    t = threading.Thread(target=supervise, args=(settings, stop),
                         kwargs={"kids": [sleeper], "poll_s": 0.01})
    t.start()
    while sleeper.proc is None:  # started synchronously by supervise before its loop
        t.join(0.01)
    stop.set()
    t.join(30)
    assert sleeper.proc.returncode is not None


def test_second_instance_is_refused_with_pid(tmp_path):
    lock_path = tmp_path / "signaldesk.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from jobs.lock import ProcessLock\n"
         f"with ProcessLock(r'{lock_path}', 'signaldesk'):\n"
         "    print('held', flush=True); sys.stdin.readline()"],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(AlreadyRunning, match=f"already running \\(pid {holder.pid}\\)"):
            with ProcessLock(lock_path, "signaldesk"):
                pass
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(10)
    with ProcessLock(lock_path, "signaldesk"):  # released with its holder
        pass


def test_killed_holder_does_not_block(tmp_path):
    lock_path = tmp_path / "x.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from jobs.lock import ProcessLock\n"
         f"l = ProcessLock(r'{lock_path}', 'x').__enter__(); print('held', flush=True); sys.stdin.readline()"],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait(10)
    with ProcessLock(lock_path, "x"):
        assert lock_path.read_text().strip().isdigit()
