"""A real dashboard process on a free loopback port, and a real Chromium driving it.

The dashboard runs as `streamlit run dashboard/app.py` against a temp data dir seeded from
data/sample (the offline demo path). Readiness is the server's own "URL:" line, not a sleep.
Chromium comes from Debian's packages (`make chromium`); playwright only drives it.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import Settings
from core.store import Store
from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = REPO / "tests" / "e2e" / "screenshots"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def e2e_settings(tmp_path_factory) -> Settings:
    data_dir = tmp_path_factory.mktemp("e2e") / "var"
    settings = Settings(_env_file=None, data_dir=data_dir, offline=True)
    from core.seed import seed_if_empty

    seed_if_empty(Store.from_settings(settings), settings)
    return settings


def start_dashboard(settings: Settings, extra_env: dict[str, str] | None = None):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALDESK_")}
    env.update({"SIGNALDESK_DATA_DIR": str(settings.data_dir), "SIGNALDESK_OFFLINE": "true",
                "PYTHONUNBUFFERED": "1", **(extra_env or {})})
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
         "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    for line in proc.stdout:  # blocks until the server says where it listens (or exits)
        seen.append(line)
        if "URL:" in line:
            break
    else:
        raise RuntimeError("dashboard did not start:\n" + "".join(seen))
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def dashboard_url(e2e_settings):
    proc, url = start_dashboard(e2e_settings)
    yield url
    proc.terminate()
    proc.wait(15)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make chromium` installs it from Debian's packages")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
