"""Shared fixtures: one settings fixture (never patch os.environ), a temp store, sample paths."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.config import Settings
from core.store import Store
from tests.fakes.no_internet import install

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SAMPLE = REPO / "data" / "sample"


# PYTHONPATH for every Python child a test starts: the repo, and first the folder whose
# sitecustomize installs the loopback-only guard in the child too
CHILD_GUARD = str(REPO / "tests" / "child_guard")
CHILD_PYTHONPATH = os.pathsep.join([CHILD_GUARD, str(REPO)])


@pytest.fixture(autouse=True, scope="session")
def no_internet():
    """No test reaches the internet, nor does any process it starts (``tests/fakes/no_internet.py``):
    the children inherit ``CHILD_PYTHONPATH`` through the environment."""
    undo = install()
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = CHILD_PYTHONPATH
    yield
    undo()
    if before is None:
        os.environ.pop("PYTHONPATH", None)
    else:
        os.environ["PYTHONPATH"] = before


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
