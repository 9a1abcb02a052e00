"""``jobs replay --kind prices|news`` with vendors' recorded answers: by shape or --provider,
through the same extract/transform code as the live fetchers."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest

from core.replay import replay_file
from core.store.prices import price_history
from tests.conftest import FIXTURES, REPO

VENDORS = FIXTURES / "vendors"


@pytest.mark.timeout(60)
def test_price_recordings_by_shape(store, settings):
    polygon = replay_file(store, settings, "prices",
                          VENDORS / "polygon__v2__aggs__ticker__AAPL__range__1__day__2005-04-01__2005-04-04.json")
    assert (polygon["status"], polygon["new"]) == ("ok", 2)
    bars = price_history(store, "AAPL", "1d")
    assert bars["ts"].to_list() == [datetime(2005, 4, 1), datetime(2005, 4, 4)]  # trading dates
    assert bars["close"].to_list() == [1.4604, 1.4675]
    av = replay_file(store, settings, "prices", VENDORS / "alphavantage__mock_time_series.json")
    assert (av["status"], av["new"]) == ("ok", 100)
    msft = price_history(store, "MSFT", "1m")
    # "2017-12-18 14:56:00" US/Eastern -> 19:56 UTC, bar start
    assert msft["ts"].max() == datetime(2017, 12, 18, 19, 56)
    again = replay_file(store, settings, "prices", VENDORS / "alphavantage__mock_time_series.json")
    assert (again["new"], again["duplicate"]) == (0, 100)


@pytest.mark.timeout(60)
def test_finnhub_candles_need_a_symbol_and_nasdaq_empty_dataset(store, settings):
    candles = VENDORS / "threefourteen__Stock__candles.json"
    res = replay_file(store, settings, "prices", candles, provider="finnhub", symbol="AAPL")
    assert (res["status"], res["new"]) == ("ok", 3)
    assert price_history(store, "AAPL", "1d")["ts"].to_list()[0] == datetime(2019, 9, 24)
    ndl = replay_file(store, settings, "prices", VENDORS / "quandl4j__Response155.json")
    assert ndl["status"] == "ok" and ndl["new"] == 0 and "no data" in ndl["reason"]


@pytest.mark.timeout(60)
def test_limit_body_in_a_recorded_exchange_is_an_error_not_data(store, settings):
    res = replay_file(store, settings, "prices", VENDORS / "alpha_vantage_daily_limit_exchange_constructed.json",
                      provider="alpha_vantage")
    assert res["status"] == "error" and "limit reached" in res["reason"] and res["new"] == 0


@pytest.mark.timeout(60)
def test_news_recordings_by_shape_and_provider(store, settings):
    newsapi = replay_file(store, settings, "news", VENDORS / "newsapi_everything_constructed.json")
    assert (newsapi["status"], newsapi["new"], newsapi["rejected"]) == ("partial", 2, 1)
    assert "no title" in newsapi["reason"]
    finnhub = replay_file(store, settings, "news", VENDORS / "threefourteen__AlternativeData__news.json",
                          provider="finnhub")
    assert (finnhub["status"], finnhub["new"]) == ("ok", 3)
    polygon = replay_file(store, settings, "news", VENDORS / "polygon__v2__reference__news_ticker_NFLX.json")
    assert (polygon["status"], polygon["new"]) == ("ok", 1)
    wrong = replay_file(store, settings, "news", VENDORS / "newsapi_everything_constructed.json", provider="nope")
    assert wrong["status"] == "error"


@pytest.mark.timeout(120)
def test_cli_replay_with_provider(tmp_path):
    env = {"SIGNALDESK_DATA_DIR": str(tmp_path), "SIGNALDESK_OFFLINE": "true", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "jobs", "replay", "--kind", "prices", "--provider", "finnhub",
                          "--symbol", "AAPL", str(VENDORS / "threefourteen__Stock__candles.json")],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=100)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1])["new"] == 3
