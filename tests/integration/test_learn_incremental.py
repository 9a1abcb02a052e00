"""The learn job recomputes only what changed: a run with nothing new skips each part."""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from bench.stores import synthetic
from core import signals
from core.leads import learning
from core.store import learn_state, prices
from core.store import signals as sstore
from core.store.funnel import set_lead_status
from core.store.news import insert_news

pytestmark = pytest.mark.timeout(120)


def test_learn_skips_parts_whose_inputs_did_not_change(store, settings):
    now = datetime(2026, 11, 20, 12)
    synthetic.fill(store, now, news=300, leads=200, n_symbols=3, years=1, news_days=30, lead_days=30)
    first = learning.refresh(store)
    assert first["terms"] > 0
    assert "skipped" in learning.refresh(store)
    assert signals.refresh(store, settings)["signals"] > 0
    assert "skipped" in signals.refresh(store, settings)

    set_lead_status(store, ["l10"], "won", now=now)  # a decided lead more: the posteriors move
    assert learning.refresh(store)["decided"] == first["decided"] + 1
    assert "skipped" in signals.refresh(store, settings)  # bars and stories did not change

    revise_last_bar(store, "AAPL")  # a revised daily bar: that symbol is recomputed
    again = signals.refresh(store, settings)
    assert again["signals"] > 0 and again["symbols"] == 1
    other = settings.model_copy(update={"signal_horizon_days": settings.signal_horizon_days + 1})
    assert "skipped" not in signals.refresh(store, other)  # other settings: computed again
    assert learn_state.fingerprint(store, "keywords") == learn_state.fingerprint(store, "keywords")


def revise_last_bar(store, symbol: str, bump: float = 1.0) -> None:
    bars = prices.price_history(store, symbol, "1d").tail(1)
    prices.upsert_prices(store, bars.with_columns(pl.col("close") + bump))


def stored_signals(store) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    with store.read() as con:
        sig = con.sql("SELECT * EXCLUDE (computed_at) FROM signals ORDER BY symbol, day").pl()
        latest = con.sql("SELECT * EXCLUDE (computed_at) FROM signals_latest ORDER BY symbol").pl()
        weights = con.sql("SELECT * EXCLUDE (computed_at) FROM signal_weights ORDER BY component").pl()
    return sig, latest, weights


def full_recompute(store, settings) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The definition: ``core.signals.compute`` over every stored bar and the news sentiment."""
    bars = sstore.price_bars(store, interval="1d")
    sent = sstore.daily_sentiment(store).select("symbol", "day", "sentiment")
    sig, w = signals.compute(bars, sent, settings.signal_horizon_days, settings.signal_window_days,
                             settings.signal_shrink_n0)
    cols = ["symbol", "day", "trend", "reversion", "sentiment", "volume", "composite"]
    latest = signals.latest_weights(w, settings.signal_horizon_days)
    return sig.select(cols).sort("symbol", "day"), latest.drop("perf_weight", "shrink", strict=False)


def assert_equal_to_full(store, settings) -> None:
    sig, latest, weights = stored_signals(store)
    want, want_w = full_recompute(store, settings)
    assert_frame_equal(sig.select(want.columns), want, check_dtypes=False, check_exact=False, rel_tol=1e-9,
                       abs_tol=1e-12)
    newest = want.sort("day").group_by("symbol", maintain_order=True).last().sort("symbol")
    assert_frame_equal(latest.select(want.columns), newest, check_dtypes=False, check_exact=False, rel_tol=1e-9,
                       abs_tol=1e-12)
    assert_frame_equal(weights.select("component", "weight", "hit_rate", "mean_return", "evidence"),
                       want_w.select("component", "weight", "hit_rate", "mean_return", "evidence"),
                       check_dtypes=False, check_exact=False, rel_tol=1e-9, abs_tol=1e-12)


def test_incremental_signals_equal_a_full_recompute_after_changes(store, settings):
    now = datetime(2026, 11, 20, 12)
    synthetic.fill(store, now, news=400, leads=20, n_symbols=5, years=2, news_days=300, lead_days=30)
    assert signals.refresh(store, settings)["full"] is True
    assert_equal_to_full(store, settings)

    today_news = pl.DataFrame({  # today's story about AMZN: no bet settles on it, no weight moves
        "id": ["x0"], "source": "s", "url": None, "title": "t", "summary": None, "published_at": [now],
        "fetched_at": now, "tickers": [["AMZN"]], "sentiment": [0.7], "sentiment_label": "positive",
        "cluster_id": None})
    insert_news(store, today_news.cast({"tickers": pl.List(pl.String)}, strict=False))
    counts = signals.refresh(store, settings)
    assert (counts["symbols"], counts["other_rows_reweighted"]) == (1, 0)
    assert_equal_to_full(store, settings)

    revise_last_bar(store, "MSFT", 3.0)  # today's bar revised: no bet settles on it yet
    with_news = pl.DataFrame({  # a story about NVDA 40 days ago: its bets settle, every weight moves
        "id": ["x1"], "source": "s", "url": None, "title": "t", "summary": None,
        "published_at": [now - timedelta(days=40)], "fetched_at": now, "tickers": [["NVDA"]],
        "sentiment": [0.9], "sentiment_label": "positive", "cluster_id": None})
    insert_news(store, with_news.cast({"tickers": pl.List(pl.String)}, strict=False))
    counts = signals.refresh(store, settings)
    assert counts["symbols"] == 2 and not counts["full"] and counts["other_rows_reweighted"] > 0
    assert_equal_to_full(store, settings)

    old = prices.price_history(store, "AAPL", "1d")  # a split re-bases AAPL's whole history
    prices.replace_symbol_history(store, "AAPL", "1d", old.with_columns(pl.col("open", "high", "low", "close") / 4))
    prices.delete_symbol_history(store, "GOOGL", "1d")  # a symbol dropped
    counts = signals.refresh(store, settings)
    assert counts["symbols"] == 1 and counts["removed"] == 1
    assert_equal_to_full(store, settings)
    assert "skipped" in signals.refresh(store, settings)


def append_bar(store, symbols: list[str]) -> None:
    """The daily prices job: one new bar after each symbol's newest."""
    last = pl.concat([prices.price_history(store, s, "1d").tail(1) for s in symbols])
    prices.upsert_prices(store, last.with_columns(pl.col("ts") + timedelta(days=1), pl.col("close") * 1.01))


def marks(store) -> tuple[list, list]:
    with store.read() as con:
        bars = con.execute("SELECT symbol FROM price_bar_summary WHERE changed_from IS NOT NULL").fetchall()
        news = con.execute("SELECT ticker FROM news_ticker_totals WHERE changed_from IS NOT NULL").fetchall()
    return sorted(r[0] for r in bars), sorted(r[0] for r in news)


def test_changed_symbols_are_recomputed_from_a_tail_equal_to_a_full_recompute(store, settings, monkeypatch):
    now = datetime(2026, 11, 20, 12)
    synthetic.fill(store, now, news=400, leads=20, n_symbols=4, years=3, news_days=300, lead_days=30)
    syms = sorted(sstore.price_bars(store, interval="1d")["symbol"].unique().to_list())
    assert signals.refresh(store, settings)["full"] is True
    assert marks(store) == ([], [])  # the first run consumed every mark

    append_bar(store, syms)  # the daily case: a new bar for every symbol
    counts = signals.refresh(store, settings)
    assert (counts["tail_symbols"], counts["full_symbols"]) == (len(syms), 0)
    assert counts["bars"] < len(syms) * 1000  # about WARMUP_BARS + horizon each, not 3 years
    assert marks(store) == ([], [])
    assert_equal_to_full(store, settings)

    old_news = pl.DataFrame({  # a story about NVDA 200 days ago: its bets settle, weights move
        "id": ["y1"], "source": "s", "url": None, "title": "t", "summary": None,
        "published_at": [now - timedelta(days=200)], "fetched_at": now, "tickers": [["NVDA"]],
        "sentiment": [-0.9], "sentiment_label": "negative", "cluster_id": None})
    insert_news(store, old_news.cast({"tickers": pl.List(pl.String)}, strict=False))
    counts = signals.refresh(store, settings)
    assert (counts["symbols"], counts["tail_symbols"]) == (1, 1) and counts["other_rows_reweighted"] > 0
    assert_equal_to_full(store, settings)

    old_bar = prices.price_history(store, "MSFT", "1d").slice(-150, 1)  # a revised old bar
    prices.upsert_prices(store, old_bar.with_columns(pl.col("close") * 1.05))
    counts = signals.refresh(store, settings)
    assert (counts["symbols"], counts["tail_symbols"]) == (1, 1)
    assert_equal_to_full(store, settings)

    old = prices.price_history(store, "AAPL", "1d")  # a split: changed from the beginning
    prices.replace_symbol_history(store, "AAPL", "1d", old.with_columns(pl.col("open", "high", "low", "close") / 4))
    append_bar(store, ["MSFT"])
    counts = signals.refresh(store, settings)
    assert (counts["symbols"], counts["tail_symbols"], counts["full_symbols"]) == (2, 1, 1)
    assert_equal_to_full(store, settings)

    from core.store import signal_record
    real_write = signal_record.write

    def write_after_a_new_bar(*args, **kwargs):  # a price write lands while the job computes
        append_bar(store, ["AMZN"])
        return real_write(*args, **kwargs)

    append_bar(store, ["AMZN"])
    monkeypatch.setattr(signal_record, "write", write_after_a_new_bar)
    signals.refresh(store, settings)
    monkeypatch.setattr(signal_record, "write", real_write)
    assert marks(store)[0] == ["AMZN"]  # its mark stays: the job computed from the older revision
    counts = signals.refresh(store, settings)
    assert (counts["symbols"], counts["tail_symbols"]) == (1, 1)
    assert marks(store) == ([], [])
    assert_equal_to_full(store, settings)
    assert "skipped" in signals.refresh(store, settings)
