"""Provider panels: usage against limits and the next session (Jobs), price alerts (Overview and
Jobs), configured providers with keys masked (Settings)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pydantic import SecretStr

from core.models import utcnow
from core.store.price_alerts import insert_alerts
from core.store.provider_usage import save_usage
from core.vendors.quota import Usage
from tests.ui.conftest import make_app, no_exceptions

KEY = "pk-VERY-SECRET-789"


@pytest.fixture
def vendor_settings(settings):
    return settings.model_copy(update={"polygon_api_key": SecretStr(KEY), "alpha_vantage_api_key": SecretStr(KEY),
                                       "price_providers": ["yahoo", "polygon", "alpha_vantage"]})


def seed(store):
    now = utcnow()
    save_usage(store, [Usage("alpha_vantage", now.date(), 25, now.replace(second=0, microsecond=0), 1,
                             now + timedelta(hours=3), "alpha_vantage: limit reached (25 requests per day)"),
                       Usage("polygon", now.date(), 7, now.replace(second=0, microsecond=0), 2)])
    insert_alerts(store, [{"symbol": "AAPL", "interval": "1d", "ts": datetime(2026, 11, 27), "provider_a": "yahoo",
                           "close_a": 237.10, "provider_b": "polygon", "close_b": 239.02, "diff_pct": 0.81,
                           "detected_at": now}])


@pytest.mark.timeout(90)
def test_jobs_page_shows_usage_next_session_and_alerts(vendor_settings, store):
    seed(store)
    at = make_app(vendor_settings, "views/jobs.py")
    no_exceptions(at)
    tables = [df.value for df in at.dataframe]
    usage = next(t for t in tables if "calls today" in t.columns)
    rows = {r["provider"]: r for r in usage.to_dict("records")}
    assert rows["alpha_vantage"]["calls today"] == 25 and rows["alpha_vantage"]["daily limit"] == 25
    assert rows["alpha_vantage"]["status"] == "blocked"
    assert rows["polygon"]["calls today"] == 7 and rows["polygon"]["status"] == "ok"
    assert any("NYSE" in i.value for i in at.info)
    alerts = next(t for t in tables if "diff_pct" in t.columns)
    assert alerts.iloc[0]["close_a"] == 237.10 and alerts.iloc[0]["close_b"] == 239.02


@pytest.mark.timeout(90)
def test_overview_warns_with_both_values(vendor_settings, store):
    seed(store)
    at = make_app(vendor_settings)
    no_exceptions(at)
    text = " ".join(w.value for w in at.warning)
    assert "AAPL 1d 2026-11-27" in text and "yahoo closed at 237.1000" in text and "polygon at 239.0200" in text


@pytest.mark.timeout(90)
def test_settings_page_lists_providers_with_keys_masked(vendor_settings, store):
    at = make_app(vendor_settings, "views/settings.py")
    no_exceptions(at)
    table = next(df.value for df in at.dataframe if "provider" in df.value.columns)
    rows = {r["provider"]: r for r in table.to_dict("records")}
    assert rows["polygon"]["configured"] and not rows["finnhub"]["configured"]
    assert "polygon_api_key: set" in rows["polygon"]["keys (masked)"]
    everything = str([df.value.to_dict() for df in at.dataframe]) + " ".join(m.value for m in at.markdown)
    assert KEY not in everything
