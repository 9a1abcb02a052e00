"""The chart normaliser and the re-basing rule, on Yahoo's real recordings (no network)."""
from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import polars as pl
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import price_frame
from core.prices import rebase_reason
from core.sources.yahoo import (
    ChartError,
    call_with_timeout,
    normalise_chart,
    parse_chart_body,
    parse_history_csv,
)
from tests.conftest import FIXTURES

YAHOO = FIXTURES / "yahoo"
SPLIT_FILE = YAHOO / "chart-AAPL-2020-08-31-to-2020-11-07.json"
WEEKEND_FILE = YAHOO / "chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json"


def body(path):
    return json.loads(path.read_text())["response"]["bodyJson"]


@pytest.fixture(scope="module")
def split_chart():
    return parse_chart_body(body(SPLIT_FILE))


def test_split_recording_is_on_the_post_split_basis(split_chart):
    raw = body(SPLIT_FILE)["chart"]["result"][0]
    # What the recording holds: the 4:1 split takes effect on the first bar (2020-08-31), and
    # Yahoo's own view of the 2020-08-28 close (the bar before) is on the new basis already.
    assert raw["events"]["splits"]["1598880600"]["splitRatio"] == "4:1"
    assert raw["meta"]["chartPreviousClose"] == pytest.approx(124.808)  # not ~499.23
    assert split_chart.splits == [(datetime(2020, 8, 31), 4.0)]
    assert split_chart.dividends == [(datetime(2020, 11, 6), 0.205)]
    assert len(split_chart.bars) == len(raw["timestamp"]) == 49
    first = split_chart.bars[0]
    assert first.ts == datetime(2020, 8, 31) and first.close == pytest.approx(129.04, abs=0.01)
    assert all(100 < b.close < 140 for b in split_chart.bars)  # never the ~$500 old basis
    assert all(b.symbol == "AAPL" and b.interval == "1d" for b in split_chart.bars)


def test_adj_close_carries_the_dividend(split_chart):
    bars = {b.ts: b for b in split_chart.bars}
    ex_date = datetime(2020, 11, 6)
    before = [b for b in split_chart.bars if b.ts < ex_date]
    assert before and all(b.adj_close <= b.close for b in before)
    # Crossing the ex-date the adjustment factor moves by exactly (1 - dividend / prior close).
    prev, ex = bars[datetime(2020, 11, 5)], bars[ex_date]
    step = (prev.adj_close / prev.close) / (ex.adj_close / ex.close)
    assert step == pytest.approx(1 - 0.205 / prev.close, rel=1e-4)


def test_daily_keys_are_trading_dates_not_the_utc_open(split_chart):
    # 2020-11-02 opened 14:30 UTC (after the DST change), 2020-10-30 at 13:30 UTC: both keyed by date
    keys = {b.ts for b in split_chart.bars}
    assert datetime(2020, 10, 30) in keys and datetime(2020, 11, 2) in keys
    assert all(k.hour == 0 and k.minute == 0 for k in keys)


def test_weekend_minute_chart_is_no_data_not_a_crash():
    data = parse_chart_body(body(WEEKEND_FILE))
    assert data.bars == [] and data.interval == "1m"
    assert data.reasons == ["AAPL 1m: no data (no bars in the answer)"]


def test_quote_response_is_not_a_chart():
    with pytest.raises(ChartError, match="not a Yahoo chart response.*quoteResponse"):
        parse_chart_body(body(YAHOO / "quote-AAPL.json"))


def test_vendor_error_body_becomes_the_reason():
    err = {"chart": {"result": None, "error": {"code": "Not Found",
                                               "description": "No data found, symbol may be delisted"}}}
    with pytest.raises(ChartError, match="No data found, symbol may be delisted"):
        parse_chart_body(err)


def test_intraday_keys_are_naive_utc_and_junk_rows_are_counted():
    t0 = 1738593000  # 2025-02-03 14:30:00 UTC
    quote = {"open": [1.0, None, 2.0, 3.0], "high": [1.0, None, 2.0, 3.0],
             "low": [1.0, None, 2.0, 3.0], "close": [1.0, None, None, -3.0], "volume": [5, None, 1, 1]}
    data = normalise_chart("msft", "1m", [t0, t0 + 60, t0 + 120, t0 + 180], quote, None, [], [],
                           "America/New_York")
    assert [b.ts for b in data.bars] == [datetime(2025, 2, 3, 14, 30)]
    assert data.bars[0].symbol == "MSFT" and data.bars[0].adj_close == 1.0
    assert data.rejected == 2 and "2 bars without a usable close" in data.reasons[0]


@hsettings(max_examples=60, deadline=None)
@given(st.lists(st.integers(946684800, 2_000_000_000), min_size=1, max_size=30, unique=True),
       st.sampled_from(["1d", "1m", "1h"]), st.sampled_from(["America/New_York", "Asia/Tokyo", "UTC"]))
def test_normaliser_keys_are_unique_sorted_and_follow_the_convention(stamps, interval, tz):
    n = len(stamps)
    quote = {k: [10.0] * n for k in ("open", "high", "low", "close")} | {"volume": [1] * n}
    data = normalise_chart("X", interval, stamps, quote, [9.0] * n, [], [], tz)
    keys = [b.ts for b in data.bars]
    assert keys == sorted(set(keys)) and all(k.tzinfo is None for k in keys)
    utc = [datetime.fromtimestamp(s, UTC).replace(tzinfo=None) for s in stamps]
    if interval == "1d":
        assert all(k.hour == 0 for k in keys) and len(keys) <= n
    else:
        assert sorted(keys) == sorted(utc)


def _yf_csv(bars, splits=(), dividends=()) -> str:
    """The layout ``DataFrame.to_csv`` writes for ``history(auto_adjust=False, actions=True)``."""
    lines = ["Date,Open,High,Low,Close,Adj Close,Volume,Dividends,Stock Splits"]
    s, d = dict(splits), dict(dividends)
    for b in bars:
        offset = "-05:00" if b.ts.month in (11, 12, 1, 2) else "-04:00"
        lines.append(f"{b.ts:%Y-%m-%d} 00:00:00{offset},{b.open!r},{b.high!r},{b.low!r},"
                     f"{b.close!r},{b.adj_close!r},{b.volume},{d.get(b.ts, 0.0)},{s.get(b.ts, 0.0)}")
    return "\n".join(lines) + "\n"


def test_csv_in_yfinance_layout_gives_the_same_bars_as_the_chart(split_chart):
    text = _yf_csv(split_chart.bars, split_chart.splits, split_chart.dividends)
    data = parse_history_csv(text, "AAPL", "1d")
    assert data.bars == split_chart.bars
    assert data.splits == split_chart.splits and data.dividends == split_chart.dividends


@hsettings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["2020-01-02", "2020-13-40", "", "x", "2020-01-03 00:00:00-05:00"]),
                          st.sampled_from(["1.5", "", "nan", "-2", "abc", "1e400", "1e300", "0"])), max_size=12))
def test_csv_parser_never_crashes_on_odd_rows(rows):
    text = "Date,Open,High,Low,Close,Adj Close,Volume\n" + "".join(
        f"{d},{v},{v},{v},{v},{v},{v}\n" for d, v in rows)
    data = parse_history_csv(text, "AAPL")
    assert len(data.bars) + data.rejected <= len(rows)
    assert all(b.close > 0 for b in data.bars)


def test_csv_daily_dates_keep_their_written_trading_day():
    text = ("Date,Open,High,Low,Close,Adj Close,Volume,Dividends,Stock Splits\n"
            "2020-01-06 00:00:00+09:00,1,1,1,2,2,5,0,0\n2020-01-07,1,1,1,3,3,5,0,0\n")
    data = parse_history_csv(text, "7203.T", "1d")
    assert [b.ts for b in data.bars] == [datetime(2020, 1, 6), datetime(2020, 1, 7)]


def test_csv_without_a_close_column_is_refused():
    with pytest.raises(ChartError, match="not a yfinance CSV"):
        parse_history_csv("when,price\n2020-01-02,3\n", "AAPL")


def _stored(bars, **changes):
    frame = price_frame(bars)
    for col, (ts, value) in changes.items():
        frame = frame.with_columns(pl.when(pl.col("ts") == ts).then(value).otherwise(pl.col(col)).alias(col))
    return frame


def test_rebase_rule(split_chart):
    bars = split_chart.bars
    nov = [b for b in bars if b.ts >= datetime(2020, 11, 2)]
    data = split_chart
    data_nov = type(data)(data.symbol, data.interval, nov, [], [])
    # Same values: nothing to do. A revised newest bar is a revision, not a re-basing.
    assert rebase_reason(price_frame(nov), data_nov) is None
    assert rebase_reason(_stored(nov, close=(nov[-1].ts, 130.0)), data_nov) is None
    # Every settled overlap bar 4x Yahoo's: the basis changed (split without an event).
    old_basis = price_frame(nov).with_columns(pl.col("close") * 4)
    assert "split basis changed" in rebase_reason(old_basis, data_nov)
    # All adj_close shifted by one factor: a new dividend re-based adj_close.
    shifted = price_frame(nov).with_columns(pl.col("adj_close") * 1.002)
    assert "dividend adjustment changed" in rebase_reason(shifted, data_nov)
    # A dividend inside the overlap: stored bars before the ex-date lack its adjustment
    # (as stored before Yahoo knew of it), the bar on the ex-date is fine.
    with_div = type(data)(data.symbol, data.interval, nov, [], [(datetime(2020, 11, 6), 0.205)])
    unadjusted = price_frame(nov).with_columns(
        pl.when(pl.col("ts") < datetime(2020, 11, 6)).then(pl.col("adj_close") / (1 - 0.205 / 119.03))
        .otherwise(pl.col("adj_close")).alias("adj_close"))
    assert "dividend 0.205 ex 2020-11-06" in rebase_reason(unadjusted, with_div)
    assert rebase_reason(price_frame(nov), with_div) is None
    # A split event with stored bars before it on the old basis (no overlap bar before it).
    pre = pl.DataFrame({"symbol": ["AAPL"], "interval": ["1d"], "ts": [datetime(2020, 8, 28)],
                        "open": [None], "high": [None], "low": [None], "close": [499.23],
                        "adj_close": [None], "volume": [None]}).cast(price_frame([]).schema)
    assert "split 4:1 on 2020-08-31" in rebase_reason(pre, split_chart)
    # ...and the same row already on the new basis is left alone.
    assert rebase_reason(pre.with_columns(pl.lit(124.81).alias("close")), split_chart) is None


@pytest.mark.timeout(10)
def test_call_with_timeout_abandons_a_silent_call():
    never = threading.Event()
    try:
        with pytest.raises(TimeoutError, match="no answer within 0.2s"):
            call_with_timeout(never.wait, 0.2)
        assert call_with_timeout(lambda: 42, 1.0) == 42
        with pytest.raises(KeyError):
            call_with_timeout(lambda: {}["x"], 1.0)
    finally:
        never.set()
