"""Started from another folder (so without the repo's .streamlit/config.toml), Streamlit listens
on every interface; with no password the app must refuse every browser, a real one over a
non-loopback address of this machine included."""
from __future__ import annotations

import socket

import pytest

from tests.e2e.conftest import start_dashboard

pytestmark = pytest.mark.timeout(120)


def _own_address() -> str | None:
    """A non-loopback address of this machine (no packet is sent: UDP connect only routes)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            ip = s.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") else ip


def test_no_password_and_every_interface_is_refused(e2e_settings, tmp_path, page):
    ip = _own_address()
    if ip is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    dash = start_dashboard(e2e_settings, cwd=tmp_path, address=None)
    try:
        for url in (dash.url.replace("127.0.0.1", ip), dash.url):
            page.goto(url)
            page.get_by_text("Refused: this dashboard has no password").wait_for(timeout=30_000)
            assert page.get_by_test_id("stMetricLabel").count() == 0  # no data shown
    finally:
        dash.stop()


def test_a_deep_link_as_the_first_request_still_meets_the_password(e2e_settings, tmp_path, page):
    """The first script run of a fresh server, opened at a page's own URL, goes through app.py's
    gate too (a folder named ``pages/`` beside app.py would make Streamlit run that page's file
    alone until app.py had called st.navigation once)."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('dashboard_password = "e2e-secret"\n')
    dash = start_dashboard(e2e_settings, cwd=tmp_path)
    try:
        page.goto(dash.url + "/news")
        page.get_by_text("Dashboard password").wait_for(timeout=30_000)
        assert page.get_by_role("heading", name="News", exact=True).count() == 0
        assert page.get_by_test_id("stDataFrame").count() == 0  # no stories shown
    finally:
        dash.stop()
