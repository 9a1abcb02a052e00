"""UI test fixtures: a seeded temp store and an AppTest pointed at it.

Seam: the dashboard reads its settings from ``st.session_state["settings"]`` when present
(see dashboard/data.py), so a test sets ``at.session_state["settings"] = settings`` before the
first ``run()``; os.environ is never touched.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bench.stores import synthetic
from core.config import Settings
from core.models import utcnow
from core.store import Store

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
TIMEOUT = 30


@pytest.fixture
def now() -> datetime:
    return utcnow()


@pytest.fixture
def seeded_store(store: Store, now: datetime) -> Store:
    """A small store with every table filled (synthetic rows generated inside DuckDB)."""
    synthetic.fill(store, now, news=600, leads=300, n_symbols=6, years=1, news_days=30, lead_days=30)
    return store


def make_app(settings: Settings, page: str | None = None) -> AppTest:
    """An AppTest of the dashboard on ``settings``' store, switched to ``page`` and run."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.session_state["settings"] = settings
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
