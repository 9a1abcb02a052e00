"""Prices end to end: real yfinance 1.7 fed recorded Yahoo answers through a requests Session,
a real DuckDB store, replay of every recording. No network: the session's only transport is
the recorded adapter (tests/fakes/yahoo_session.py)."""
from __future__ import annotations

import copy
import json
import time
from datetime import UTC, date, datetime

import polars as pl
import pytest
import yfinance  # noqa: F401  (its import adds a warnings filter; done before the tests' own)

from core.prices import ingest_prices, replay_price_file
from core.store.prices import count_prices, last_bar_ts, price_history
from tests.conftest import FIXTURES
from tests.fakes.yahoo_session import load_chart_body, recorded_session

pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

YAHOO = FIXTURES / "yahoo"
SPLIT_FILE = YAHOO / "chart-AAPL-2020-08-31-to-2020-11-07.json"
JAN_FILE = YAHOO / "chart-AAPL-2020-01-01-to-2020-01-03.json"
WEEKEND_FILE = YAHOO / "chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json"


@pytest.fixture
def live(settings):
    """Online settings whose first fetch reaches back before the 2020 recordings."""
    days = (datetime.now(UTC).date() - date(2019, 12, 1)).days
    return settings.model_copy(update={"offline": False, "yahoo_history_days": days,
                                       "yahoo_timeout_s": 5.0})


def with_revised_last_close(chart: dict, close: float) -> dict:
    chart = copy.deepcopy(chart)
    chart["chart"]["result"][0]["indicators"]["quote"][0]["close"][-1] = close
    return chart


def with_previous_bar(chart: dict) -> dict:
    """Prepend 2020-08-28 as Yahoo serves it today: its close from the recording's own meta
    (``chartPreviousClose``, on the post-split basis); the other fields were not recorded."""
    chart = copy.deepcopy(chart)
    res = chart["chart"]["result"][0]
    res["timestamp"].insert(0, 1598621400)  # 2020-08-28 13:30 UTC
    for key, values in res["indicators"]["quote"][0].items():
        values.insert(0, res["meta"]["chartPreviousClose"] if key == "close" else None)
    res["indicators"]["adjclose"][0]["adjclose"].insert(0, None)
    return chart


@pytest.mark.timeout(30)
def test_replay_of_every_recording(store):
    results = {p.name: replay_price_file(store, p) for p in sorted(YAHOO.glob("*.json"))}
    assert len(results) == 4
    split = results[SPLIT_FILE.name]
    assert (split["status"], split["fetched"], split["new"], split["duplicate"]) == ("ok", 49, 49, 0)
    jan = results[JAN_FILE.name]
    assert (jan["status"], jan["new"]) == ("ok", 1)
    weekend = results[WEEKEND_FILE.name]
    assert weekend["status"] == "ok" and weekend["new"] == 0 and "no data" in weekend["reason"]
    quote = results["quote-AAPL.json"]
    assert quote["status"] == "error" and "not a Yahoo chart response" in quote["reason"]
    assert set(results["quote-AAPL.json"]) == {"file", "kind", "status", "fetched", "new",
                                               "duplicate", "rejected", "reason"}
    # Replaying again changes nothing: every bar is a known key.
    again = replay_price_file(store, SPLIT_FILE)
    assert (again["new"], again["duplicate"]) == (0, 49)
    assert count_prices(store, "AAPL", "1d") == 50
    stored = price_history(store, "AAPL", "1d", since=datetime(2020, 8, 31))
    assert stored["close"].max() < 140 and (stored["adj_close"] <= stored["close"]).all()


@pytest.mark.timeout(30)
def test_bare_chart_body_and_junk_files(store, tmp_path):
    bare = tmp_path / "aapl-chart.json"
    bare.write_text(json.dumps(load_chart_body(SPLIT_FILE)))  # the body alone, no exchange
    assert replay_price_file(store, bare)["new"] == 49
    junk = tmp_path / "junk.json"
    junk.write_text("<html>rate limited</html>")
    out = replay_price_file(store, junk)
    assert out["status"] == "error" and "not JSON" in out["reason"]
    assert count_prices(store) == 49


@pytest.mark.timeout(60)
def test_live_path_matches_replay_and_second_run_adds_nothing(live, store, tmp_path):
    chart = load_chart_body(SPLIT_FILE)
    session, adapter = recorded_session({"AAPL": chart})
    first = ingest_prices(store, live, symbols=["AAPL"], session=session)
    assert (first.fetched, first.new, first.duplicate, first.rejected) == (49, 49, 0, 0), first
    assert any("/v8/finance/chart/AAPL" in u and "period1" in u for u in adapter.requests)

    # Same bars as the replay path (one normaliser), into a fresh store.
    from core.store import Store
    other = Store(tmp_path / "replay.duckdb")
    replay_price_file(other, SPLIT_FILE)
    assert price_history(store, "AAPL", "1d").equals(price_history(other, "AAPL", "1d"))

    # Second run: Yahoo revised the last bar; only the 3 overlap bars come back.
    adapter.charts["AAPL"] = with_revised_last_close(chart, 119.5)
    second = ingest_prices(store, live, symbols=["AAPL"], session=session)
    assert (second.fetched, second.new, second.duplicate) == (3, 0, 3), second
    assert second.reasons == []
    assert "period1=" in adapter.requests[-1]
    last = price_history(store, "AAPL", "1d", since=datetime(2020, 11, 6))
    assert last["close"].to_list() == [119.5]
    assert count_prices(store, "AAPL", "1d") == 49
    assert last_bar_ts(store, ["AAPL", "MSFT"], "1d") == {"AAPL": datetime(2020, 11, 6)}


@pytest.mark.timeout(60)
def test_new_split_rebases_the_stored_history(live, store, tmp_path):
    # Synthetic rows as stored before the split (old basis, ~$500), loaded through CSV replay.
    csv = tmp_path / "AAPL_1d.csv"
    csv.write_text("Date,Open,High,Low,Close,Adj Close,Volume,Dividends,Stock Splits\n"
                   "2020-08-26,504.7,507.0,498.3,506.09,493.0,40755600,0,0\n"
                   "2020-08-27,508.6,509.9,495.3,500.04,487.1,38888100,0,0\n"
                   "2020-08-28,504.1,505.8,498.3,499.23,486.4,46907500,0,0\n")
    assert replay_price_file(store, csv)["new"] == 3
    session, _ = recorded_session({"AAPL": with_previous_bar(load_chart_body(SPLIT_FILE))})
    counts = ingest_prices(store, live, symbols=["AAPL"], session=session)
    assert any("split 4:1 on 2020-08-31" in r and "re-fetched" in r for r in counts.reasons), counts
    stored = price_history(store, "AAPL", "1d")
    assert stored["close"].max() < 140  # no old-basis close left
    aug28 = stored.filter(pl.col("ts") == datetime(2020, 8, 28))
    assert aug28["close"].to_list() == [pytest.approx(124.808)]  # ~$125, not ~$500
    # 26 and 27 August are not served by this (recorded) Yahoo: dropped, not left on the old basis
    assert stored["ts"].min() == datetime(2020, 8, 28) and stored.height == 50
    # A following run sees a consistent history: plain incremental update, no re-fetch.
    again = ingest_prices(store, live, symbols=["AAPL"], session=session)
    assert again.new == 0 and again.reasons == [], again


@pytest.mark.timeout(30)
def test_silent_network_times_out_and_other_symbols_still_load(live, store):
    quick = live.model_copy(update={"yahoo_timeout_s": 1.0})
    session, adapter = recorded_session({"MSFT": load_chart_body(JAN_FILE)}, hang_symbols=["AAPL"])
    try:
        started = time.monotonic()
        counts = ingest_prices(store, quick, symbols=["AAPL", "MSFT", "NOPE"], session=session)
        elapsed = time.monotonic() - started
    finally:
        adapter.release()
    assert elapsed < 1.0 + 3.0, elapsed  # one timeout, not yfinance's own minutes
    assert "AAPL 1d: timed out (no answer within 1s)" in counts.reasons
    assert any(r.startswith("NOPE 1d: no data") for r in counts.reasons), counts.reasons
    assert counts.new == 1 and counts.rejected == 1  # MSFT stored; AAPL's failed fetch counted
    assert last_bar_ts(store, ["AAPL", "MSFT"], "1d") == {"MSFT": datetime(2020, 1, 2)}


@pytest.mark.timeout(30)
def test_weekend_minute_bars_via_yfinance_are_a_reason(live, store):
    session, _ = recorded_session({"AAPL": load_chart_body(WEEKEND_FILE)})
    counts = ingest_prices(store, live, interval="1m", symbols=["AAPL"], session=session)
    assert counts.new == 0 and counts.rejected == 0
    assert len(counts.reasons) == 1 and counts.reasons[0].startswith("AAPL 1m: no data")


def test_offline_fetches_nothing(settings, store):
    session, adapter = recorded_session({"AAPL": load_chart_body(SPLIT_FILE)})
    counts = ingest_prices(store, settings, symbols=["AAPL"], session=session)
    assert counts.reasons == ["offline: no prices fetched"] and counts.fetched == 0
    assert adapter.requests == [] and count_prices(store) == 0


@pytest.mark.timeout(30)
def test_csv_replay_round_trip(store, tmp_path):
    replay_price_file(store, SPLIT_FILE)
    stored = price_history(store, "AAPL", "1d")
    lines = ["Date,Open,High,Low,Close,Adj Close,Volume,Dividends,Stock Splits"]
    for r in stored.iter_rows(named=True):
        split = 4.0 if r["ts"] == datetime(2020, 8, 31) else 0.0
        div = 0.205 if r["ts"] == datetime(2020, 11, 6) else 0.0
        lines.append(f"{r['ts']:%Y-%m-%d},{r['open']!r},{r['high']!r},{r['low']!r},{r['close']!r},"
                     f"{r['adj_close']!r},{r['volume']},{div},{split}")
    csv = tmp_path / "AAPL.csv"
    csv.write_text("\n".join(lines) + "\n")
    from core.store import Store
    fresh = Store(tmp_path / "csv.duckdb")
    out = replay_price_file(fresh, csv)
    assert (out["status"], out["new"], out["rejected"]) == ("ok", 49, 0), out
    assert price_history(fresh, "AAPL", "1d").equals(stored)
    # the symbol can come from the caller when the file name does not carry it
    named = tmp_path / "export.csv"
    named.write_text(csv.read_text())
    assert replay_price_file(fresh, named, symbol="msft")["new"] == 49
    assert count_prices(fresh, "MSFT", "1d") == 49
