"""Pure rules of the vendor layer: the price convention, quotas, agreement, settings checks."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import SecretStr, ValidationError

from core.config import Settings
from core.settings_checks import check_settings
from core.sources.prices.alpha_vantage import limit_or_error
from core.sources.prices.convention import RawBar, daily_key, to_convention
from core.sources.vendor_http import VendorError
from core.vendors.agreement import disagreements
from core.vendors.quota import QuotaBook, Usage


def test_daily_key_is_the_trading_date_however_stamped():
    d = datetime(2020, 8, 31)
    assert daily_key(date(2020, 8, 31)) == d
    assert daily_key(datetime(2020, 8, 31, 4, 0)) == d                       # midnight EDT in UTC
    assert daily_key(datetime(2020, 8, 31, 0, 0, tzinfo=UTC)) == d  # midnight UTC
    assert daily_key(datetime(2020, 8, 31, 13, 30)) == d                     # the session open


def test_raw_prices_with_a_split_are_rebased_and_events_kept():
    rows = [RawBar(date(2020, 8, 28), 504.0, 505.0, 498.0, 499.2, 100, raw_prices=True),
            RawBar(date(2020, 8, 31), 127.6, 131.0, 126.0, 129.0, 400, split=4.0, raw_prices=True)]
    data = to_convention("aapl", "1d", rows)
    first, second = data.bars
    assert (first.close, first.open, first.volume) == (pytest.approx(124.8), pytest.approx(126.0), 400)
    assert second.close == 129.0 and data.splits == [(datetime(2020, 8, 31), 4.0)]
    assert first.adj_close is None  # unknown, never made up
    # already split-adjusted input is left as it is, and ``since`` drops older bars after adjusting
    assert to_convention("AAPL", "1d", rows, since=datetime(2020, 8, 31)).bars[0].close == 129.0


def test_bad_rows_are_rejected_with_a_reason():
    data = to_convention("X", "1d", [RawBar(date(2020, 1, 2), 1, 1, 1, -1, 5), RawBar(date(2020, 1, 3), 1, 1, 1, 1, 5)])
    assert data.rejected == 1 and "rejected" in data.reasons[0] and len(data.bars) == 1


@pytest.mark.parametrize("doc,kind,window", [
    ({"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute"}, "quota", "minute"),
    ({"Information": "Our standard API rate limit is 25 requests per day."}, "quota", "day"),
    ({"Information": "Thank you for using Alpha Vantage! This is a premium endpoint."}, "auth", None),
    ({"Error Message": "the parameter apikey is invalid or missing."}, "auth", None),
    ({"Error Message": "Invalid API call. Please retry or visit the documentation"}, "no_data", None),
])
def test_alpha_vantage_answers_in_200_that_are_not_data(doc, kind, window):
    with pytest.raises(VendorError) as err:
        limit_or_error("alpha_vantage", doc)
    assert (err.value.kind, err.value.window) == (kind, window)


class Clock:
    def __init__(self, t):
        self.t = t

    def __call__(self):
        return self.t


def test_quota_minute_and_day_windows_and_vendor_reported_limits():
    s = Settings(_env_file=None, polygon_calls_per_minute=2, alpha_vantage_calls_per_day=3)
    clock = Clock(datetime(2026, 12, 1, 10, 0, 5))
    book = QuotaBook(s, clock=clock)
    book.count("polygon")
    book.count("polygon")
    assert "2 calls per minute used" in book.blocked("polygon")
    clock.t += timedelta(seconds=60)
    assert book.blocked("polygon") is None
    for _ in range(3):
        book.count("alpha_vantage")
    assert "daily limit of 3" in book.blocked("alpha_vantage")
    clock.t = datetime(2026, 12, 2, 0, 0, 1)  # a new UTC day
    assert book.blocked("alpha_vantage") is None
    book.exhaust("finnhub", "day", "finnhub: told so")
    assert "out of quota until 2026-12-03 00:00:00" in book.blocked("finnhub")
    # persisted state from another process is honoured
    again = QuotaBook(s, {u.provider: u for u in book.changed()}, clock=clock)
    assert again.blocked("finnhub") is not None and again.usage("alpha_vantage").calls_day == 0


def test_quota_state_from_an_earlier_day_resets():
    s = Settings(_env_file=None)
    book = QuotaBook(s, {"newsapi": Usage("newsapi", date(2026, 11, 30), 100)},
                     clock=Clock(datetime(2026, 12, 1, 9)))
    assert book.blocked("newsapi") is None


def test_disagreement_threshold_is_strict_and_named():
    a = {datetime(2026, 11, 27): 100.0, datetime(2026, 11, 30): 100.0}
    b = {datetime(2026, 11, 27): 100.5, datetime(2026, 11, 30): 100.6}
    out = disagreements("AAPL", "1d", "yahoo", a, "polygon", b, 0.5)
    assert [o["ts"] for o in out] == [datetime(2026, 11, 30)]
    assert out[0]["close_a"] == 100.0 and out[0]["close_b"] == 100.6


def test_settings_chains_and_check_config():
    s = Settings(_env_file=None, price_providers="Yahoo, polygon", news_providers="newsapi")
    assert s.price_providers == ["yahoo", "polygon"]
    problems = " ".join(check_settings(s))
    assert "SIGNALDESK_POLYGON_API_KEY" in problems and "SIGNALDESK_NEWSAPI_API_KEY" in problems
    with pytest.raises(ValidationError, match="unknown provider 'iex'"):
        Settings(_env_file=None, price_providers="yahoo,iex")
    wrong_kind = Settings(_env_file=None, news_providers="nasdaq_data_link",
                          nasdaq_data_link_api_key=SecretStr("k"))
    assert any("does not serve news" in p for p in check_settings(wrong_kind))
    with pytest.raises(ValidationError):
        Settings(_env_file=None, polygon_calls_per_minute=-1)
    alpaca = Settings(_env_file=None, price_providers="alpaca", alpaca_api_key_id=SecretStr("id"))
    assert any("SIGNALDESK_ALPACA_API_SECRET_KEY" in p for p in check_settings(alpaca))
    assert "k" not in str(wrong_kind.nasdaq_data_link_api_key)


def test_chains_from_the_environment_comma_list_or_json(monkeypatch):
    monkeypatch.setenv("SIGNALDESK_PRICE_PROVIDERS", "yahoo, Polygon")
    monkeypatch.setenv("SIGNALDESK_NEWS_PROVIDERS", '["newsapi", "finnhub"]')
    monkeypatch.setenv("SIGNALDESK_POLYGON_API_KEY", "pk-env-secret")
    s = Settings(_env_file=None)
    assert s.price_providers == ["yahoo", "polygon"] and s.news_providers == ["newsapi", "finnhub"]
    assert s.polygon_api_key.get_secret_value() == "pk-env-secret"
    assert "pk-env-secret" not in " ".join(check_settings(s)) + repr(s)
