"""End to end in a real Chromium: the dashboard a fresh `make run` shows, driven like a person."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]


def test_overview_shows_the_store_metrics(page, dashboard_url):
    page.goto(dashboard_url)
    page.get_by_role("heading", name="Overview").wait_for()
    for label in ("News today", "New leads today", "30-day conversion", "Job health"):
        page.get_by_test_id("stMetricLabel").filter(has_text=label).first.wait_for()
    assert page.get_by_test_id("stException").count() == 0
    shot(page, "overview")


def test_jobs_page_shows_the_run_waterfall(page, dashboard_url):
    """The seeded demo's replay left a trace: the Jobs page picks it and draws its spans."""
    page.goto(dashboard_url)
    page.get_by_role("heading", name="Overview").wait_for()
    page.get_by_test_id("stSidebarNavLink").filter(has=page.get_by_text("Jobs", exact=True)).click()
    page.get_by_role("heading", name="Run waterfall").wait_for()
    picker = page.get_by_test_id("stSelectbox").filter(has_text="Run or Discord batch")
    picker.wait_for()
    expect(picker.locator("input")).to_have_value(re.compile(r"^seed sample replay · "))
    chart = page.get_by_test_id("stPlotlyChart").last
    chart.scroll_into_view_if_needed()
    chart.locator(".barlayer .point").first.wait_for()  # one drawn bar per span
    assert chart.locator(".ytick").filter(has_text="insert").count() >= 1
    assert page.get_by_test_id("stException").count() == 0
    shot(page, "jobs-waterfall")
