"""A real dashboard process on a free loopback port, and a real Chromium driving it.

The dashboard runs as `streamlit run dashboard/app.py` against a temp data dir seeded from
data/sample (the offline demo path). Readiness is the server's own "URL:" line, not a sleep.
Chromium comes from Debian's packages (`make chromium`); playwright only drives it.

The sample is seeded once per session into a template store that no process ever opens;
each dashboard gets its own copy (seeding costs seconds, copying milliseconds), so the
operator-flow dashboard and the Discord dashboard never share a DuckDB file.
"""
from __future__ import annotations

import collections
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from core.config import Settings
from core.store import Store
from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SHOTS = REPO / "tests" / "e2e" / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def e2e_settings_for(data_dir: Path) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, offline=True)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """A data dir seeded from data/sample, only ever copied (never opened by a dashboard)."""
    data_dir = tmp_path_factory.mktemp("e2e-template") / "var"
    settings = e2e_settings_for(data_dir)
    from core.seed import seed_if_empty

    seed_if_empty(Store.from_settings(settings), settings)
    return data_dir


def copy_of(template: Path, tmp_path_factory, name: str) -> Settings:
    data_dir = tmp_path_factory.mktemp(name) / "var"
    shutil.copytree(template, data_dir)
    return e2e_settings_for(data_dir)


@pytest.fixture(scope="session")
def e2e_settings(seeded_template, tmp_path_factory) -> Settings:
    """The operator-flow store: the sample plus a little lead history from this month (the
    sample's own rows are years old, so an export of the last 30 days has something to hold)."""
    settings = copy_of(seeded_template, tmp_path_factory, "e2e")
    from core.store import funnel, lead_inbox

    store = Store.from_settings(settings)
    oldest = lead_inbox.lead_inbox(store, "new")["id"].to_list()[-2:]
    funnel.set_lead_status(store, oldest[:1], "reviewed")
    funnel.set_lead_status(store, oldest, "contacted", note="e2e: seeded history")
    return settings


class Dashboard:
    """A running `streamlit run` process; its output is drained (a full pipe would block the
    server) and the tail kept for failure messages."""

    def __init__(self, proc: subprocess.Popen, url: str, seen: list[str], settings: Settings):
        self.proc, self.url, self.settings = proc, url, settings
        self.tail: collections.deque[str] = collections.deque(seen, maxlen=200)
        self._drain = threading.Thread(target=self._read, name="dashboard-output", daemon=True)
        self._drain.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.tail.append(line)

    def output(self) -> str:
        return "".join(self.tail)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self._drain.join(5)


def start_dashboard(settings: Settings, extra_env: dict[str, str] | None = None, *,
                    cwd: Path = REPO, address: str | None = "127.0.0.1") -> Dashboard:
    """``address=None``: no --server.address, as a plain ``streamlit run`` from ``cwd`` would."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALDESK_")}
    env.update({"SIGNALDESK_DATA_DIR": str(settings.data_dir), "SIGNALDESK_OFFLINE": "true",
                "PYTHONUNBUFFERED": "1", **(extra_env or {})})
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
         "--server.port", str(port), *(["--server.address", address] if address else []),
         "--server.headless", "true"],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seen = []
    assert proc.stdout is not None
    for line in proc.stdout:  # blocks until the server says where it listens (or exits)
        seen.append(line)
        if "URL:" in line:
            break
    else:
        proc.wait(5)
        raise RuntimeError("dashboard did not start:\n" + "".join(seen))
    return Dashboard(proc, f"http://127.0.0.1:{port}", seen, settings)


@pytest.fixture(scope="session")
def dashboard(e2e_settings):
    dash = start_dashboard(e2e_settings)
    yield dash
    dash.stop()


@pytest.fixture(scope="session")
def dashboard_url(dashboard) -> str:
    return dashboard.url


@pytest.fixture(scope="module")
def fake_discord():
    """The fake Discord REST API (tests/fakes/discord_api.py) on 127.0.0.1, in this process."""
    from tests.fakes.discord_api import FakeDiscord

    with FakeDiscord() as fake:
        yield fake


@pytest.fixture(scope="module")
def discord_dashboard(seeded_template, tmp_path_factory, fake_discord):
    """A second dashboard, own store copy, whose webhook and API base point at the fake."""
    settings = copy_of(seeded_template, tmp_path_factory, "e2e-discord")
    dash = start_dashboard(settings, extra_env={
        "SIGNALDESK_DISCORD_WEBHOOK_URL": fake_discord.webhook_url,
        "SIGNALDESK_DISCORD_API_BASE": fake_discord.api_base,
    })
    yield dash
    dash.stop()


@pytest.fixture(scope="module")
def browser():
    """Module-scoped: playwright's sync API keeps an event loop running in this thread while it
    is open, which would break asyncio.run() in any test that ran after it."""
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make chromium` installs it from Debian's packages")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


# ---- helpers for driving Streamlit ---------------------------------------------------------

def open_page(page, title: str, heading: str | None = None) -> None:
    """Click ``title`` in the sidebar navigation and wait for the page's own heading."""
    link = page.get_by_test_id("stSidebarNavLink").filter(has=page.get_by_text(title, exact=True))
    link.click()
    page.get_by_role("heading", name=heading or title, exact=True).wait_for()
    wait_idle(page)


def wait_idle(page) -> None:
    """Wait until the app's script run is over: Streamlit marks its root element with
    ``data-test-script-state`` (``running`` while a run is in progress, ``notRunning`` after).
    Call it after something of the new run is visible, else it may see the previous idle."""
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(state="attached")


_APP = "document.querySelector(\"[data-testid='stApp']\")"


def track_runs(page) -> None:
    """Start counting finished script runs (from now on) in the page itself.

    A MutationObserver with ``attributeOldValue`` sees every change of the app's
    ``data-test-script-state`` away from ``running``, however short the run was, so a wait on
    the count cannot miss a run the way a poll on the attribute could. It watches the whole
    document, not the app element found now: should React replace that element, the runs of
    its successor still count.
    """
    page.evaluate("""() => {
        if (window.__sdObserver) window.__sdObserver.disconnect();
        window.__sdDone = 0;
        window.__sdObserver = new MutationObserver(records => {
            for (const r of records) if (r.oldValue === 'running') window.__sdDone += 1;
        });
        window.__sdObserver.observe(document.body, {subtree: true, attributes: true,
                                                    attributeOldValue: true,
                                                    attributeFilter: ['data-test-script-state']});
    }""")


def wait_runs(page, n: int = 1) -> None:
    """Wait until ``n`` script runs finished since ``track_runs`` and the app is idle."""
    page.wait_for_function(
        f"window.__sdDone >= {n} && {_APP}.getAttribute('data-test-script-state') === 'notRunning'")


def choose(page, label: str, option: str, attempts: int = 4) -> None:
    """Pick ``option`` in the st.selectbox labelled ``label`` and wait for the rerun it causes.

    The box is a react-aria combobox whose list closes on any scroll of the page; below the
    canvas tables (Glide grids that resize as they draw) that happens now and then right after
    it opened. So the box is put in the middle of the viewport and opened with its "Open"
    button, again if its list closed before the option could be clicked (bounded attempts,
    each one waiting on the option, not on a clock).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = page.get_by_test_id("stSelectbox").filter(
        has=page.get_by_test_id("stWidgetLabel").get_by_text(label, exact=True))
    item = page.get_by_role("option", name=option, exact=True)
    wait_idle(page)  # a run still in flight would redraw the box and close its list
    for attempt in range(attempts):
        box.evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")
        box.get_by_role("button", name="Open").click()
        try:
            item.wait_for(timeout=3_000)
            track_runs(page)
            item.click(timeout=3_000)
            break
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
    wait_runs(page)


def no_exception(page) -> None:
    errors = page.get_by_test_id("stException")
    assert errors.count() == 0, errors.all_inner_texts()


def edit_grid_cell(page, grid, row: int, column_steps: int, value: str,
                   header_h: int = 36, row_h: int = 35, first_col_x: int = 80) -> None:
    """Edit one cell of an st.data_editor (a Glide data grid drawn on a canvas).

    Click the first data column of ``row`` (0-based, below the header; x past the row-marker
    column), move right ``column_steps`` cells with the keyboard, open the cell editor with
    Enter, fill it, and commit with Enter. Geometry: Streamlit's default row height (35 px)
    and header (36 px); the row must be visible without scrolling.
    """
    grid.click(position={"x": first_col_x, "y": header_h + row_h * row + row_h // 2})
    for _ in range(column_steps):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    editor = page.locator("#portal input, #portal textarea").first
    editor.wait_for()
    editor.fill(value)
    track_runs(page)
    page.keyboard.press("Enter")
    editor.wait_for(state="detached")
    wait_runs(page)  # the edit reached the server (a committed cell edit reruns the script)
