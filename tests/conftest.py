"""Shared fixtures: one settings fixture (never patch os.environ), a temp store, sample paths."""
from __future__ import annotations

import ipaddress
import socket
from pathlib import Path

import pytest

from core.config import Settings
from core.store import Store

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SAMPLE = REPO / "data" / "sample"


def _loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name: resolving and reaching it is the internet


@pytest.fixture(autouse=True, scope="session")
def no_internet():
    """No test reaches the internet: a TCP connect from the test process to anything but
    loopback fails at once, naming the address (a UDP connect sends nothing and stays allowed;
    the loopback fakes and the dashboards under test are on 127.0.0.1)."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM \
                and not _loopback(address):
            raise ConnectionRefusedError(f"test tried to reach {address!r}: tests stay on loopback")

    def connect(sock, address):
        guard(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        guard(sock, address)
        return real_connect_ex(sock, address)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    yield
    socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: its own data dir, offline, no Discord, short timeouts."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "var",
        offline=True,
        store_lock_wait_s=10.0,
        http_timeout_s=2.0,
        http_deadline_s=5.0,
        job_deadline_s=20.0,
        yahoo_timeout_s=5.0,
    )


@pytest.fixture
def store(settings: Settings) -> Store:
    """A migrated, empty store in a temp dir."""
    return Store.from_settings(settings)


def pytest_collection_modifyitems(config, items):
    """Browser tests last: they are the slowest, and a failure elsewhere shows sooner."""
    items.sort(key=lambda item: "tests/e2e/" in str(item.path).replace("\\", "/"))


@pytest.fixture
def restore_logging():
    """For tests that call ``setup_logging``: the root logger's handlers and level and the
    held-back libraries' levels as they were (a later test's caplog must see discord.py's INFO)."""
    import logging

    from core.log import NOISY_LOGGERS

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, lvl in levels.items():
        logging.getLogger(name).setLevel(lvl)
