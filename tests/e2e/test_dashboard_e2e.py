"""End to end in a real Chromium: the dashboard a fresh `make run` shows, driven like a person."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import shot

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


def test_overview_shows_the_store_metrics(page, dashboard_url):
    page.goto(dashboard_url)
    page.get_by_role("heading", name="Overview").wait_for()
    for label in ("News today", "New leads today", "30-day conversion", "Job health"):
        page.get_by_test_id("stMetricLabel").filter(has_text=label).first.wait_for()
    assert page.get_by_test_id("stException").count() == 0
    shot(page, "overview")
