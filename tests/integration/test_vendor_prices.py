"""Every price vendor against a loopback fake of its protocol, and the chain's failover.

The fake (tests/fakes/vendor_api.py) checks each vendor's auth (query key or header), pages
like the vendor (Polygon next_url, Alpaca next_page_token) and answers each vendor's error
bodies. Real HTTP layer, real DuckDB.
"""
from __future__ import annotations

import logging
import socket
from datetime import datetime

import pytest
from pydantic import SecretStr

from core.aio import run_sync
from core.prices import ingest_prices
from core.sources.prices import PRICE_FETCHERS, BarsQuery, fetch_bars
from core.sources.vendor_http import VendorError
from core.store.price_alerts import recent_alerts
from core.store.prices import price_history
from core.store.provider_usage import load_usage
from tests.fakes.vendor_api import KEY, SECRET, FakeVendors

VENDORS = ["alpha_vantage", "polygon", "finnhub", "alpaca", "nasdaq_data_link"]
START = datetime(2020, 8, 1)


@pytest.fixture
def fake():
    with FakeVendors() as f:
        yield f


def vendor_settings(settings, fake, **extra):
    keys = {f"{p}_api_key": SecretStr(KEY) for p in ("alpha_vantage", "polygon", "finnhub", "nasdaq_data_link",
                                                     "newsapi")}
    keys.update(alpaca_api_key_id=SecretStr(KEY), alpaca_api_secret_key=SecretStr(SECRET))
    return settings.model_copy(update={"offline": False, "provider_base_urls": fake.base_urls(),
                                       "http_timeout_s": 1.0, "http_deadline_s": 3.0, **keys, **extra})


def fetch(name, settings, symbol="AAPL", interval="1d", start=START):
    from core.sources.http import HttpClient

    async def go():
        async with HttpClient(settings, max_attempts=1) as http:
            return await fetch_bars(PRICE_FETCHERS[name], http, settings, BarsQuery(symbol, interval, start))

    return run_sync(go())


def rows(store, symbol="AAPL"):
    return price_history(store, symbol, "1d").select("ts", "open", "high", "low", "close", "volume").rows()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", VENDORS)
def test_each_vendor_lands_on_the_one_convention(name, settings, fake):
    """Raw + split coefficients (AV adjusted, NDL EOD) and split-adjusted vendors give the same
    bars: 2020-08-28 at 499.2/4 = 124.8, keyed by trading date, volume x4."""
    s = vendor_settings(settings, fake)
    if name == "alpha_vantage":
        PRICE_FETCHERS[name].daily_function = "TIME_SERIES_DAILY_ADJUSTED"
    try:
        data = fetch(name, s)
    finally:
        PRICE_FETCHERS["alpha_vantage"].daily_function = "TIME_SERIES_DAILY"
    by_day = {b.ts: b for b in data.bars}
    assert sorted(by_day) == [datetime(2020, 8, d) for d in (26, 27, 28, 31)] + [datetime(2020, 9, 1), datetime(2020, 9, 2)]
    assert by_day[datetime(2020, 8, 28)].close == pytest.approx(124.8)
    assert by_day[datetime(2020, 8, 28)].volume == 46907500 * 4
    assert by_day[datetime(2020, 8, 31)].close == pytest.approx(129.0)


@pytest.mark.timeout(60)
def test_same_bars_through_two_providers_give_the_same_stored_rows(settings, fake, tmp_path):
    from core.store import Store

    stored = {}
    for name in ("polygon", "nasdaq_data_link", "alpaca", "finnhub"):
        s = vendor_settings(settings, fake, data_dir=tmp_path / name, price_providers=[name])
        st = Store.from_settings(s)
        counts = ingest_prices(st, s, "1d", symbols=["AAPL"])
        assert counts.served_by == {"AAPL": name}, counts.attempts
        stored[name] = [(ts, round(o, 6), round(h, 6), round(lo, 6), round(c, 6), v) for ts, o, h, lo, c, v in rows(st)]
    first = stored["polygon"]
    assert len(first) == 6
    for name, got in stored.items():
        assert got == first, name


@pytest.mark.timeout(30)
def test_auth_header_or_query_key_is_checked(settings, fake):
    s = vendor_settings(settings, fake)
    bad = s.model_copy(update={f"{p}_api_key": SecretStr("wrong") for p in ("alpha_vantage", "polygon", "finnhub",
                                                                            "nasdaq_data_link")}
                       | {"alpaca_api_secret_key": SecretStr("wrong")})
    for name in VENDORS:
        with pytest.raises(VendorError) as err:
            fetch(name, bad)
        assert err.value.kind == "auth", (name, err.value.reason)
        assert "wrong" not in err.value.reason
    # and the right key is sent where each vendor wants it
    for name in VENDORS:
        fetch(name, s)
    sent = {r[0]: (r[2], r[3]) for r in fake.requests if r[3].get("X-Finnhub-Token") == KEY or r[2].get("apikey") == KEY
            or r[3].get("Authorization") == f"Bearer {KEY}" or r[3].get("APCA-API-SECRET-KEY") == SECRET
            or r[2].get("api_key") == KEY}
    assert set(sent) == set(VENDORS)
    assert "apiKey" not in sent["polygon"][0]  # header, not the URL


@pytest.mark.timeout(30)
def test_pagination_polygon_next_url_and_alpaca_page_token(settings, fake):
    fake.page_size = 2
    s = vendor_settings(settings, fake)
    for name in ("polygon", "alpaca"):
        before = fake.calls(name)
        data = fetch(name, s)
        assert len(data.bars) == 6
        assert fake.calls(name) - before == 3, name
    # Polygon's next pages carry the Bearer header, never the key in the URL
    pages = [r for r in fake.requests if r[0] == "polygon"]
    assert all(r[3].get("Authorization") == f"Bearer {KEY}" for r in pages)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name", VENDORS)
def test_unknown_symbol_is_no_data(name, settings, fake):
    with pytest.raises(VendorError) as err:
        fetch(name, vendor_settings(settings, fake), symbol="NOPE")
    assert err.value.kind == "no_data", err.value.reason


@pytest.mark.timeout(30)
def test_empty_range_is_no_data(settings, fake):
    fake.bars["EMPTY"] = []
    s = vendor_settings(settings, fake)
    for name in ("polygon", "finnhub", "alpaca"):
        with pytest.raises(VendorError) as err:
            fetch(name, s, symbol="EMPTY")
        assert err.value.kind == "no_data", name


@pytest.mark.timeout(30)
def test_limits_are_recognised_also_inside_http_200(settings, fake):
    s = vendor_settings(settings, fake)
    fake.mode["alpha_vantage"] = "limit"
    with pytest.raises(VendorError) as err:
        fetch("alpha_vantage", s)
    assert (err.value.kind, err.value.window) == ("quota", "day")
    fake.mode["alpha_vantage"] = "note"
    with pytest.raises(VendorError) as err:
        fetch("alpha_vantage", s)
    assert (err.value.kind, err.value.window) == ("quota", "minute")
    fake.mode["polygon"] = "429"
    with pytest.raises(VendorError) as err:
        fetch("polygon", s)
    assert err.value.kind == "quota"


def refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed on exit: nothing listens there


@pytest.mark.timeout(60)
@pytest.mark.parametrize("failure", ["refused", "timeout", "quota"])
def test_failover_to_the_next_provider(failure, settings, fake, store):
    urls = fake.base_urls()
    if failure == "refused":
        urls["polygon"] = f"http://127.0.0.1:{refused_port()}"
    elif failure == "timeout":
        fake.mode["polygon"] = "hang"
    else:
        fake.mode["polygon"] = "429"
    s = vendor_settings(settings, fake, provider_base_urls=urls, price_providers=["polygon", "finnhub"])
    fake.bars["MSFT"] = fake.bars["AAPL"]
    counts = ingest_prices(store, s, "1d", symbols=["AAPL", "MSFT"])
    assert counts.served_by == {"AAPL": "finnhub", "MSFT": "finnhub"}
    assert counts.new == 12
    first = [a for a in counts.attempts if a["symbol"] == "AAPL"]
    assert [(a["provider"], a["outcome"]) for a in first] == [("polygon", "failed"), ("finnhub", "served")]
    second = [a for a in counts.attempts if a["symbol"] == "MSFT"][0]
    # a provider found down, or out of quota, is not asked again for the next symbol
    assert second["outcome"] == "skipped" and second["provider"] == "polygon", second
    assert any("failed over" in r for r in counts.reasons)


@pytest.mark.timeout(60)
def test_unconfigured_provider_is_skipped_with_reason(settings, fake, store):
    s = vendor_settings(settings, fake, polygon_api_key=None, price_providers=["polygon", "alpaca"])
    counts = ingest_prices(store, s, "1d", symbols=["AAPL"])
    assert counts.served_by == {"AAPL": "alpaca"}
    assert counts.attempts[0]["outcome"] == "skipped"
    assert "not configured" in counts.attempts[0]["reason"]


@pytest.mark.timeout(60)
def test_quota_is_counted_and_survives_a_restart(settings, fake, store):
    from core.store import Store

    s = vendor_settings(settings, fake, price_providers=["alpha_vantage", "finnhub"])
    fake.mode["alpha_vantage"] = "limit"
    counts = ingest_prices(store, s, "1d", symbols=["AAPL"])
    assert counts.served_by == {"AAPL": "finnhub"}
    av_calls = fake.calls("alpha_vantage")
    assert av_calls == 1
    usage = load_usage(Store.from_settings(s))  # a new process: from the store
    assert usage["alpha_vantage"].exhausted_until is not None and usage["finnhub"].calls_day == 1
    fake.mode.pop("alpha_vantage")
    counts = ingest_prices(Store.from_settings(s), s, "1d", symbols=["AAPL"])
    assert fake.calls("alpha_vantage") == av_calls  # remembered: not asked again today
    assert "out of quota until" in counts.attempts[0]["reason"]
    # our own count: a per-day limit of 2 lets two calls through, then skips
    s2 = s.model_copy(update={"finnhub_calls_per_day": 2, "price_providers": ["finnhub"]})
    fake.bars["MSFT"] = fake.bars["AAPL"]
    counts = ingest_prices(Store.from_settings(s2), s2, "1d", symbols=["MSFT"])
    assert counts.served_by == {} and "daily limit of 2" in counts.reasons[0]


@pytest.mark.timeout(60)
def test_failover_overlap_disagreement_raises_an_alert(settings, fake, store):
    s = vendor_settings(settings, fake, price_providers=["polygon"])
    ingest_prices(store, s, "1d", symbols=["AAPL"])
    # Finnhub now serves a close 1 % off on a settled overlap bar
    bars = list(fake.bars["AAPL"])
    d, o, h, lo, c, v, sp = bars[-2]
    bars[-2] = (d, o, h, lo, c * 1.01, v, sp)
    fake.bars["AAPL"] = bars
    s2 = s.model_copy(update={"price_providers": ["finnhub"]})
    counts = ingest_prices(store, s2, "1d", symbols=["AAPL"])
    alerts = recent_alerts(store)
    assert alerts.height == 1
    row = alerts.row(0, named=True)
    assert (row["provider_a"], row["provider_b"], row["ts"]) == ("polygon", "finnhub", datetime(2020, 9, 1))
    assert row["close_a"] == pytest.approx(134.2) and row["close_b"] == pytest.approx(134.2 * 1.01)
    assert any("providers disagree" in r for r in counts.reasons)


@pytest.mark.timeout(60)
def test_keys_never_in_logs_or_stored_errors(settings, fake, store, caplog):
    caplog.set_level(logging.DEBUG)
    urls = fake.base_urls()
    urls["nasdaq_data_link"] = f"http://127.0.0.1:{refused_port()}"
    fake.mode["alpha_vantage"] = "hang"
    s = vendor_settings(settings, fake, provider_base_urls=urls,
                        price_providers=["alpha_vantage", "nasdaq_data_link", "polygon"])
    counts = ingest_prices(store, s, "1d", symbols=["AAPL", "NOPE"])
    import json

    from jobs.errors import to_counts

    text = caplog.text + json.dumps(to_counts(counts), default=str)
    assert "alpha_vantage" in text and "nasdaq_data_link" in text
    assert KEY not in text and SECRET not in text


@pytest.mark.timeout(60)
def test_check_prices_compares_providers_and_records_alerts(settings, fake, store):
    from core.vendors.check import check_prices

    s = vendor_settings(settings, fake)
    report = check_prices(store, s, ["AAPL"], ["polygon", "alpaca", "nasdaq_data_link"], days=36500)
    assert (report["alerts"], report["bars_compared"]) == (0, 12)
    fake.skew["finnhub"] = 1.004  # 0.4 %: within the tolerance
    assert check_prices(store, s, ["AAPL"], ["polygon", "finnhub"], days=36500)["alerts"] == 0
    fake.skew["finnhub"] = 1.006  # 0.6 %: every bar is an alert, with both values
    report = check_prices(store, s, ["AAPL"], ["polygon", "finnhub"], days=36500)
    assert report["alerts"] == 6 and report["status"] == "partial"
    row = recent_alerts(store).sort("ts").row(0, named=True)
    assert (row["provider_a"], row["provider_b"]) == ("polygon", "finnhub")
    assert row["close_b"] / row["close_a"] == pytest.approx(1.006)
    assert price_history(store, "AAPL", "1d").is_empty()  # a check, not an ingest


@pytest.mark.timeout(60)
@pytest.mark.parametrize("second", ["nasdaq_data_link", "polygon"])
def test_a_split_from_any_provider_rebases_stored_history(second, settings, fake, store):
    """Stored before the split (old basis), then the split arrives: with a split event (NDL's
    Split column) or without one (Polygon's already re-based closes on the overlap), the whole
    stored history is re-fetched and swapped, as for Yahoo."""
    from tests.fakes.vendor_api import RAW_BARS

    fake.bars["AAPL"] = RAW_BARS[:3]  # up to 2020-08-28: ~500 a share
    s = vendor_settings(settings, fake, price_providers=["finnhub"])
    ingest_prices(store, s, "1d", symbols=["AAPL"])
    assert price_history(store, "AAPL", "1d")["close"].to_list()[-1] == pytest.approx(499.2)
    fake.bars["AAPL"] = RAW_BARS  # the 4:1 split on 2020-08-31 and two more days
    s2 = s.model_copy(update={"price_providers": [second]})
    counts = ingest_prices(store, s2, "1d", symbols=["AAPL"])
    closes = price_history(store, "AAPL", "1d")["close"].to_list()
    assert closes[:3] == pytest.approx([506.1 / 4, 500.0 / 4, 499.2 / 4])
    assert any("whole history re-fetched" in r for r in counts.reasons), counts.reasons
    assert recent_alerts(store).is_empty()  # a split is a re-basing, not a disagreement


@pytest.mark.timeout(90)
def test_job_run_record_says_who_served_and_holds_no_key(settings, fake, store, caplog):
    """Through the real job executor: the stored run names the provider per symbol and the
    failover reasons, and neither the record nor the log carries a key (query or header)."""
    import json

    from core.store.job_runs import get_run
    from jobs.execute import JobExecutor
    from jobs.registry import default_registry

    caplog.set_level(logging.DEBUG)
    urls = fake.base_urls() | {"alpha_vantage": f"http://127.0.0.1:{refused_port()}"}
    s = vendor_settings(settings, fake, provider_base_urls=urls, price_providers=["alpha_vantage", "alpaca"],
                        watchlist=["AAPL"])
    out = JobExecutor(s, default_registry(s), store=store).execute("prices_daily", "manual")
    assert str(out.status) == "partial"  # served, after a failover
    run = get_run(store, out.run_id)
    assert run["counts"]["served_by"] == {"AAPL": "alpaca"}
    record = json.dumps(run, default=str)
    assert "alpha_vantage: cannot connect" in record
    assert KEY not in record and SECRET not in record
    assert KEY not in caplog.text and SECRET not in caplog.text


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name,resolution", [("polygon", "/range/5/minute/"), ("alpaca", "timeframe=5Min"),
                                             ("finnhub", "resolution=5")])
def test_intraday_bars_are_keyed_by_their_start_in_utc(name, resolution, settings, fake):
    """Intraday queries ask for the vendor's own 5-minute unit and keep the instant (UTC),
    not a trading date (the fake stamps its bars at midnight US/Eastern or UTC)."""
    data = fetch(name, vendor_settings(settings, fake), interval="5m")
    req = [r for r in fake.requests if r[0] == name][-1]
    assert resolution in req[1] + "?" + "&".join(f"{k}={v}" for k, v in req[2].items())
    first = data.bars[0].ts
    assert first == (datetime(2020, 8, 26, 0, 0) if name == "finnhub" else datetime(2020, 8, 26, 4, 0))
