"""Components, track record without look-ahead, composite weights, equity curve, refresh()."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from core.models import NEWS_SCHEMA, PRICE_SCHEMA
from core.signals import COMPONENTS, compute, equity_curve, refresh
from core.signals.components import components, daily_sentiment_on_bars
from core.signals.composite import weights
from core.signals.indicators import indicators
from core.signals.performance import track_record
from core.store import signals as sstore
from core.store.news import insert_news
from core.store.prices import upsert_prices

pytestmark = pytest.mark.timeout(60)
START = datetime(2020, 1, 1)


def walk(symbols: list[str], n: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for sym in symbols:
        close = 50 * np.exp(np.cumsum(rng.normal(0.0003, 0.015, n)))
        frames.append(pl.DataFrame({
            "symbol": sym, "ts": [START + timedelta(days=d) for d in range(n)],
            "open": close, "high": close * (1 + rng.uniform(0, 0.01, n)),
            "low": close * (1 - rng.uniform(0, 0.01, n)), "close": close,
            "volume": rng.integers(1_000, 100_000, n),
        }))
    return pl.concat(frames)


def news_sentiment(symbols: list[str], n_days: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    days = [START.date() + timedelta(days=int(d)) for d in rng.integers(0, n_days, 300)]
    return pl.DataFrame({"symbol": rng.choice(symbols, 300).tolist(), "day": days,
                         "sentiment": rng.uniform(-1, 1, 300)})


def test_components_are_clipped_and_null_only_in_warm_up():
    comp = components(indicators(walk(["A", "B"], 300)), news_sentiment(["A", "B"], 300))
    for c in COMPONENTS:
        values = comp[c].drop_nulls()
        assert values.min() >= -1.0 and values.max() <= 1.0, c
    late = comp.filter(pl.col("day") >= (START + timedelta(days=40)).date())
    assert late.select(pl.col(COMPONENTS).null_count().sum()).row(0) == (0, 0, 0, 0)
    assert comp["sentiment"].abs().max() > 0.1  # news reached the signal


def test_reversion_sign_and_volume_direction():
    last_row = pl.int_range(pl.len()) == 59
    bars = walk(["A"], 60).with_columns(
        pl.when(last_row).then(pl.col("close") * 1.2).otherwise(pl.col("close")).alias("close"),
        pl.when(last_row).then(10_000_000).otherwise(pl.col("volume")).alias("volume"),
    )
    last = components(indicators(bars)).row(-1, named=True)
    assert last["reversion"] == -1.0  # far above the upper band: expect a fall
    assert last["volume"] == 1.0  # huge volume on an up day confirms the rise


def test_weekend_news_counts_for_the_next_bar_day():
    days = pl.DataFrame({"symbol": ["A", "A"], "day": [date(2024, 1, 5), date(2024, 1, 8)]})  # Fri, Mon
    news = pl.DataFrame({"symbol": ["A", "A", "A"],
                         "day": [date(2024, 1, 5), date(2024, 1, 6), date(2024, 1, 7)],
                         "sentiment": [0.2, 0.6, 1.0]})
    out = daily_sentiment_on_bars(days, news).sort("day")
    assert out["__sent"].to_list() == [pytest.approx(0.2), pytest.approx(0.8)]


def oracle_frame(n: int = 400) -> pl.DataFrame:
    """trend knows the 5-day future (a deliberate cheat), the others are noise."""
    comp = components(indicators(walk(["A", "B", "C"], n, seed=5)))
    rng = np.random.default_rng(9)
    return comp.sort("symbol", "day").with_columns(
        (pl.col("close").shift(-5) / pl.col("close") - 1).over("symbol").sign().fill_null(0.0).alias("trend"),
        pl.Series(rng.uniform(-1, 1, comp.height)).alias("reversion"),
        pl.Series(rng.uniform(-1, 1, comp.height)).alias("sentiment"),
        pl.Series(rng.uniform(-1, 1, comp.height)).alias("volume"),
    )


def test_track_record_counts_only_settled_bets_and_rewards_the_oracle():
    comp = oracle_frame()
    rec = track_record(comp, horizon=5, window=250)
    days = sorted(comp["day"].unique().to_list())
    trend = rec.filter(pl.col("component") == "trend").sort("day")
    # a bet made on day 0 settles on day 5: nothing is known before
    assert trend["evidence"][:5].to_list() == [0] * 5
    assert trend["evidence"][5] == 3  # three symbols' day-0 bets
    last = trend.row(-1, named=True)
    assert last["hit_rate"] == 1.0 and last["mean_return"] > 0 and last["sharpe"] > 3
    assert last["evidence"] == 3 * 250  # window of 250 settlement days
    noise = rec.filter((pl.col("component") == "volume") & (pl.col("day") == days[-1])).row(0, named=True)
    assert 0.35 < noise["hit_rate"] < 0.65
    w = weights(rec, n0=200).filter(pl.col("day") == days[-1])
    by = dict(zip(w["component"], w["weight"]))
    assert by["trend"] > 0.7 and by["trend"] == max(by.values())
    assert sum(by.values()) <= 1.0 + 1e-12


def test_thin_evidence_leans_toward_equal_weights():
    rec = pl.DataFrame({"component": COMPONENTS, "day": [date(2024, 1, 2)] * 4,
                        "evidence": [10, 10, 10, 10], "hit_rate": [0.6] * 4,
                        "mean_return": [0.01, 0.0, -0.01, 0.0], "sharpe": [1.0] * 4})
    w = dict(weights(rec, n0=90).select("component", "weight").iter_rows())
    # shrink = 90/100: trend gets 0.1 * 1 + 0.9 * 0.25, the rest 0.9 * 0.25
    assert w["trend"] == pytest.approx(0.325)
    assert w["reversion"] == pytest.approx(0.225)
    assert sum(w.values()) == pytest.approx(1.0)


def test_all_losing_components_damp_the_composite():
    rec = pl.DataFrame({"component": COMPONENTS, "day": [date(2024, 1, 2)] * 4,
                        "evidence": [1000] * 4, "hit_rate": [0.4] * 4,
                        "mean_return": [-0.01] * 4, "sharpe": [-1.0] * 4})
    w = weights(rec, n0=1000)
    assert w["weight"].sum() == pytest.approx(0.5)


def _day_le(frame: pl.DataFrame, cut: date) -> pl.DataFrame:
    keys = [c for c in ("symbol", "component", "day") if c in frame.columns]
    return frame.filter(pl.col("day") <= cut).sort(keys)


@pytest.mark.timeout(120)
@hsettings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=40, max_value=230), seed=st.integers(0, 2**16),
       mode=st.sampled_from(["alter", "drop"]))
def test_no_look_ahead_signals_and_weights_ignore_the_future(cut, seed, mode):
    bars = walk(["A", "B", "C"], 260, seed=1)
    sent = news_sentiment(["A", "B", "C"], 260, seed=2)
    cut_day = (START + timedelta(days=cut)).date()
    rng = np.random.default_rng(seed)
    after = pl.col("ts").dt.date() > cut_day
    if mode == "alter":
        noise = pl.Series(rng.uniform(0.5, 2.0, bars.height))
        changed = bars.with_columns(
            pl.when(after).then(pl.col(c) * noise).otherwise(pl.col(c)).alias(c)
            for c in ("open", "high", "low", "close"))
        sent2 = sent.with_columns(pl.when(pl.col("day") > cut_day).then(-pl.col("sentiment"))
                                  .otherwise(pl.col("sentiment")).alias("sentiment"))
    else:
        changed = bars.filter(~after)
        sent2 = sent.filter(pl.col("day") <= cut_day)
    sig1, w1 = compute(bars, sent)
    sig2, w2 = compute(changed, sent2)
    a, b = _day_le(sig1, cut_day), _day_le(sig2, cut_day)
    assert a.height == b.height > 0
    for c in [*COMPONENTS, "composite"]:
        np.testing.assert_allclose(a[c].to_numpy(), b[c].to_numpy(), rtol=0, atol=1e-12, err_msg=c)
    wa, wb = _day_le(w1, cut_day), _day_le(w2, cut_day)
    np.testing.assert_allclose(wa["weight"].to_numpy(), wb["weight"].to_numpy(), rtol=0, atol=1e-12)
    assert wa["evidence"].to_list() == wb["evidence"].to_list()


def test_equity_curve_against_hand_computation():
    bars = pl.DataFrame({"symbol": ["A"] * 4, "day": [date(2024, 1, d) for d in (1, 2, 3, 4)],
                         "close": [100.0, 110.0, 99.0, 99.0]})
    sig = pl.DataFrame({"symbol": ["A"] * 4, "day": bars["day"], "composite": [0.5, -1.0, 1.0, 0.0]})
    eq = equity_curve(sig, bars)
    assert eq["buy_and_hold"].to_list() == pytest.approx([1.1, 0.99, 0.99])
    # held 0.5 through +10%, -1 through -10%, +1 through 0%
    assert eq["strategy"].to_list() == pytest.approx([1.05, 1.05 * 1.1, 1.05 * 1.1])
    sign = equity_curve(sig, bars, position="sign")
    assert sign["strategy"].to_list() == pytest.approx([1.1, 1.1 * 1.1, 1.1 * 1.1])
    with pytest.raises(ValueError, match="position"):
        equity_curve(sig, bars, position="double")


def test_equal_weight_portfolio_curve():
    bars = pl.DataFrame({"symbol": ["A", "A", "B", "B"], "day": [date(2024, 1, 1), date(2024, 1, 2)] * 2,
                         "close": [100.0, 110.0, 100.0, 90.0]})
    sig = pl.DataFrame({"symbol": ["A", "A", "B", "B"], "day": bars["day"], "composite": [1.0, 0, -1.0, 0]})
    eq = equity_curve(sig, bars)
    assert eq["buy_and_hold"].to_list() == pytest.approx([1.0])
    assert eq["strategy"].to_list() == pytest.approx([1.1])


def _store_bars(symbols: list[str], n: int) -> pl.DataFrame:
    return walk(symbols, n, seed=3).with_columns(
        pl.lit("1d").alias("interval"), pl.col("close").alias("adj_close"),
    ).select(list(PRICE_SCHEMA)).cast(PRICE_SCHEMA)


def test_refresh_writes_signals_and_weights(store):
    upsert_prices(store, _store_bars(["AAA", "BBB", "CCC"], 120))  # the writer keeps the bar summary
    insert_news(store, pl.DataFrame({
        "id": ["n1", "n2"], "source": ["t", "t"], "url": ["u1", "u2"], "title": ["x", "y"],
        "summary": ["", ""], "published_at": [START + timedelta(days=100, hours=3)] * 2,
        "fetched_at": [START + timedelta(days=100, hours=4)] * 2,
        "tickers": [["AAA"], ["aaa", "BBB"]], "sentiment": [0.8, 0.4], "sentiment_label": ["pos", "pos"],
        "cluster_id": [None, None]}, schema=NEWS_SCHEMA))
    counts = refresh(store)
    assert {k: counts[k] for k in ("symbols", "bars", "news_days", "signals", "weights")} == {
        "symbols": 3, "bars": 360, "news_days": 2, "signals": 360, "weights": 4}
    daily = sstore.daily_sentiment(store, ["AAA"])
    assert daily.row(0, named=True)["sentiment"] == pytest.approx(0.6)
    latest = sstore.latest_signals(store, limit=10)
    assert sorted(latest["symbol"]) == ["AAA", "BBB", "CCC"]
    assert latest["composite"].null_count() == 0
    hist = sstore.signal_history(store, "aaa")
    assert hist.height == 120 and hist["day"].is_sorted()
    assert hist.filter(pl.col("day") == (START + timedelta(days=100)).date())["sentiment"][0] > 0.3
    w = sstore.signal_weights(store)
    assert sorted(w["component"]) == sorted(COMPONENTS)
    assert all("toward equal" in r for r in w["reason"])
    assert w["weight"].sum() <= 1.0 + 1e-9
    # a second run with nothing new computes nothing; a forced one replaces, never duplicates
    assert "skipped" in refresh(store)
    with store.write() as con:
        con.execute("DELETE FROM signal_symbol_state")  # forget what they were computed from
    assert refresh(store)["signals"] == 360
    assert sstore.signal_history(store, "BBB").height == 120
    bars = sstore.price_bars(store, ["AAA"], since=START + timedelta(days=110))
    assert bars.height == 10
    eq = equity_curve(hist, sstore.price_bars(store, ["AAA"]))
    assert eq.height == 119 and eq["strategy"].null_count() == 0


def test_refresh_on_empty_store_reports_zero(store):
    assert refresh(store)["signals"] == 0
    assert sstore.latest_signals(store).is_empty()


def test_short_history_gives_equal_weights_and_no_crash():
    sig, w = compute(walk(["A", "B"], 4))
    assert sig.height == 8 and sig["composite"].null_count() == 0
    assert set(w["weight"].round(12)) == {0.25} and set(w["evidence"]) == {0}


def test_refresh_uses_the_settings_horizon(store, settings):
    upsert_prices(store, _store_bars(["AAA"], 60))
    refresh(store, settings.model_copy(update={"signal_horizon_days": 2, "signal_shrink_n0": 0.0}))
    w = sstore.signal_weights(store)
    with_evidence = w.filter(pl.col("evidence") > 0)
    assert with_evidence.height == 3  # no news, so sentiment never bet
    assert all("mean 2-day return" in r and "shrunk 0%" in r for r in with_evidence["reason"])
    no_news = w.filter(pl.col("component") == "sentiment")["reason"][0]
    assert no_news.startswith("no settled signals yet")
