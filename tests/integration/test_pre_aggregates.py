"""The daily pre-aggregates equal a from-scratch computation after any sequence of writes.

Hypothesis draws operation sequences (news and lead inserts, status changes, re-scoring) on a
real DuckDB store; after each sequence the pages' reads from the aggregates are compared with
``core.leads.funnel`` over the raw rows and with an unnest over the raw news, and the incrementally
kept tables with a rebuild from scratch. Windows start both at a midnight and mid-day (the
partial first day is read from the raw rows). The all-time lead totals also give the learner
the posteriors it would compute from every lead.
"""
from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from bench.stores import synthetic
from core.config import Settings
from core.leads import funnel, learning
from core.models import LEAD_SCHEMA, NEWS_SCHEMA, LeadStatus
from core.store import Store, aggregates, lead_funnel, lead_totals, rescore, ticker_sentiment
from core.store.funnel import lead_events, lead_outcomes, set_lead_status
from core.store.leads import insert_leads
from core.store.news import insert_news

pytestmark = pytest.mark.timeout(240)
T0 = datetime(2026, 3, 2)
TICKERS = ["AAPL", "MSFT", "NVDA"]
TERMS = ["trading bot", "dashboard", "scraper"]
STATUSES = [s.value for s in LeadStatus]
AGG_TABLES = ["news_ticker_daily", "news_ticker_totals", "lead_funnel_daily", "lead_keyword_daily",
              "lead_conversions", "lead_status_totals", "lead_keyword_totals"]

hours = st.integers(0, 20 * 24)
news_op = st.tuples(st.just("news"), st.lists(st.tuples(
    st.integers(0, 40), st.one_of(st.none(), hours), st.lists(st.sampled_from(TICKERS), max_size=3),
    st.one_of(st.none(), st.floats(-1, 1))), min_size=1, max_size=8))
lead_op = st.tuples(st.just("leads"), st.lists(st.tuples(
    st.integers(0, 40), st.one_of(st.none(), hours), hours, st.sampled_from(["reddit", "hn"]),
    st.lists(st.sampled_from(TERMS), max_size=3)), min_size=1, max_size=8))
status_op = st.tuples(st.just("status"), st.lists(st.integers(0, 40), min_size=1, max_size=6),
                      st.sampled_from(STATUSES), hours)
rescore_op = st.tuples(st.just("rescore"), st.lists(st.tuples(st.integers(0, 40), st.floats(-1, 1)),
                                                     min_size=1, max_size=6))
operations = st.lists(st.one_of(news_op, lead_op, status_op, rescore_op), min_size=1, max_size=10)


def news_frame(rows) -> pl.DataFrame:
    return pl.DataFrame({
        "id": [f"n{i}" for i, *_ in rows], "source": "s", "url": None, "title": "t", "summary": None,
        "published_at": [None if h is None else T0 + timedelta(hours=h) for _, h, _, _ in rows],
        "fetched_at": T0, "tickers": [t for _, _, t, _ in rows], "sentiment": [s for *_, s in rows],
        "sentiment_label": None, "cluster_id": None,
    }, schema_overrides={"tickers": pl.List(pl.String)}).select(list(NEWS_SCHEMA)).cast(NEWS_SCHEMA)


def leads_frame(rows) -> pl.DataFrame:
    return pl.DataFrame({
        "id": [f"l{i}" for i, *_ in rows], "platform": [p for *_, p, _ in rows], "source": "s", "url": None,
        "author": "a", "title": "t", "body": "b",
        "posted_at": [None if h is None else T0 + timedelta(hours=h) for _, h, *_ in rows],
        "fetched_at": [T0 + timedelta(hours=f) for _, _, f, *_ in rows],
        "matched_keywords": [k for *_, k in rows], "score": 1.0, "sentiment": 0.0,
        "sentiment_label": "neutral", "cluster_id": None,
    }, schema_overrides={"matched_keywords": pl.List(pl.String)}).select(list(LEAD_SCHEMA)).cast(LEAD_SCHEMA)


def apply(store: Store, op) -> None:
    kind = op[0]
    if kind == "news":
        insert_news(store, news_frame(op[1]))
    elif kind == "leads":
        insert_leads(store, leads_frame(op[1]))
    elif kind == "status":
        set_lead_status(store, [f"l{i}" for i in op[1]], op[2], now=T0 + timedelta(hours=op[3]))
    else:
        ids = list(dict.fromkeys(f"n{i}" for i, _ in op[1]))
        scores = dict((f"n{i}", s) for i, s in op[1])
        rescore.write_scores(store, "news", ids, [scores[i] for i in ids], ["neutral"] * len(ids))


def raw_sentiment(store: Store, tickers: list[str] | None, since: datetime) -> pl.DataFrame:
    """From scratch: every story since ``since``, exploded by ticker, averaged per day."""
    with store.read() as con:
        news = con.sql("SELECT published_at, sentiment, tickers FROM news WHERE published_at >= ?",
                       params=[since]).pl()
    x = news.explode("tickers").rename({"tickers": "ticker"}).filter(pl.col("ticker").is_not_null())
    if tickers is not None:
        x = x.filter(pl.col("ticker").is_in(tickers))
    return x.group_by(pl.col("published_at").dt.date().alias("day"), "ticker").agg(
        pl.col("sentiment").mean(), pl.len().cast(pl.Int64).alias("stories")).sort("day", "ticker")


def raw_conversions(store: Store, since: datetime) -> dict:
    """From scratch: ``core.leads.funnel`` over the raw outcomes and events of leads since ``since``."""
    outcomes = lead_outcomes(store).filter(pl.col("posted_at") >= since)
    events = lead_events(store).filter(pl.col("lead_id").is_in(outcomes["id"].implode()))
    return {
        "leads": outcomes.height,
        "decided": int(outcomes["status"].is_in(funnel.DECIDED).sum()),
        "funnel": funnel.funnel_counts(outcomes, events),
        "by_keyword": funnel.conversion_rates(outcomes, "keyword"),
        "by_platform": funnel.conversion_rates(outcomes, "platform"),
        "by_week": funnel.conversion_rates(outcomes, "week").sort("group"),
        "time_to_convert": funnel.time_to_convert(events),
    }


def assert_same_reads(store: Store, since: datetime) -> None:
    got = ticker_sentiment.sentiment_by_ticker(store, TICKERS[:2], since)
    assert_frame_equal(got, raw_sentiment(store, TICKERS[:2], since), check_exact=False, check_dtypes=False)
    everything = raw_sentiment(store, None, since)
    counts = everything.group_by("ticker").agg(pl.col("stories").sum()).sort(["stories", "ticker"],
                                                                            descending=[True, False])
    assert ticker_sentiment.news_tickers(store, since) == counts["ticker"].to_list()
    conv, want = lead_funnel.conversions(store, since), raw_conversions(store, since)
    assert (conv["leads"], conv["decided"]) == (want["leads"], want["decided"])
    assert_frame_equal(conv["funnel"], want["funnel"])
    for key in ("by_keyword", "by_platform", "by_week"):
        assert_frame_equal(conv[key], want[key], check_dtypes=False, check_exact=False)
    ttc = conv["time_to_convert"].sort("lead_id")
    assert_frame_equal(ttc, want["time_to_convert"].sort("lead_id"), check_dtypes=False)


def tables(store: Store) -> dict[str, pl.DataFrame]:
    with store.read() as con:
        # changed_from is the learn job's mark, not a sum: a rebuild marks "from the beginning"
        return {t: con.sql(f"SELECT * {'EXCLUDE (changed_from)' if t == 'news_ticker_totals' else ''} "
                           f"FROM {t} ORDER BY ALL").pl() for t in AGG_TABLES}


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations, since_h=st.sampled_from([0, 24, 24 * 5 + 7, 24 * 9 + 13]))
def test_pre_aggregates_equal_a_from_scratch_computation(ops, since_h):
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.duckdb")
        for op in ops:
            apply(store, op)
        assert_same_reads(store, T0 + timedelta(hours=since_h))
        assert_frame_equal(learning.posteriors_from_totals(*lead_totals.totals(store)),
                           learning.posteriors(lead_outcomes(store)), check_exact=True)
        kept = tables(store)
        with store.write() as con:
            aggregates.rebuild_all(con)
        for name, frame in tables(store).items():
            assert_frame_equal(kept[name], frame, check_exact=False, rel_tol=1e-9)


def test_seeded_ui_store_shows_the_same_numbers_as_the_raw_rows(tmp_path):
    """The store the UI tests seed (synthetic, filled inside DuckDB, then the aggregates built)."""
    store = Store.from_settings(Settings(_env_file=None, data_dir=tmp_path))
    now = datetime(2026, 11, 20, 15, 30)
    synthetic.fill(store, now, news=600, leads=300, n_symbols=6, years=1, news_days=30, lead_days=30)
    for since in (now - timedelta(days=7), datetime(2026, 11, 1), now - timedelta(days=90)):
        assert_same_reads(store, since)
    set_lead_status(store, ["l5", "l6", "l7"], "won", now=now)  # the page's numbers follow at once
    assert_same_reads(store, now - timedelta(days=90))


def test_learn_job_prunes_old_bookkeeping_but_keeps_what_rules_read(store):
    from core.store import bookkeeping

    now = datetime(2026, 6, 1)
    old = now - timedelta(days=200)
    with store.write() as con:
        con.execute("""INSERT INTO job_runs (run_id, job, started_at, finished_at, status) VALUES
            ('r1', 'news', ?, ?, 'ok'), ('r2', 'news', ?, ?, 'failed'), ('r3', 'news', ?, ?, 'failed'),
            ('r4', 'news', ?, ?, 'ok'), ('r5', 'learn', ?, ?, 'ok'), ('r6', 'leads', ?, NULL, 'running')""",
                    [old, old, old + timedelta(hours=1), old, old + timedelta(hours=2), old,
                     now, now, old, old, old])
        con.execute("""INSERT INTO job_requests (job, requested_at, picked_at) VALUES
            ('news', ?, ?), ('news', ?, NULL), ('news', ?, ?)""", [old, old, old, now, now])
        con.execute("""INSERT INTO source_state (source, etag, last_fetch_at, paused_until) VALUES
            ('gone', NULL, ?, NULL), ('validators-only', 'W/"1"', NULL, NULL),
            ('paused', NULL, ?, ?), ('fresh', NULL, ?, NULL)""", [old, old, now + timedelta(hours=1), now])
    assert bookkeeping.prune(store, now) == {"job_runs": 3, "job_requests": 1, "source_state": 1}
    with store.read() as con:
        runs = sorted(r[0] for r in con.execute("SELECT run_id FROM job_runs").fetchall())
        assert runs == ["r4", "r5", "r6"]
        assert con.execute("SELECT count(*) FROM job_requests").fetchone()[0] == 2
        assert sorted(r[0] for r in con.execute("SELECT source FROM source_state").fetchall()) == [
            "fresh", "paused", "validators-only"]
    assert bookkeeping.prune(store, now) == {"job_runs": 0, "job_requests": 0, "source_state": 0}


# ---- the per-symbol bar summary (price_bar_summary) kept by the price writers
SYMBOLS = ["AAPL", "MSFT"]
bar_rows = st.lists(st.tuples(st.sampled_from(SYMBOLS), st.sampled_from(["1d", "1h"]), st.integers(0, 30),
                              st.floats(1, 500)), min_size=1, max_size=12)
bar_op = st.one_of(st.tuples(st.just("upsert"), bar_rows),
                   st.tuples(st.just("rebase"), st.sampled_from(SYMBOLS), st.sampled_from(["1d", "1h"]),
                             st.lists(st.integers(0, 30), max_size=8)),
                   st.tuples(st.just("delete"), st.sampled_from(SYMBOLS), st.sampled_from(["1d", "1h"])))


def bars_frame(rows) -> pl.DataFrame:
    from core.models import PRICE_SCHEMA

    return pl.DataFrame({
        "symbol": [r[0] for r in rows], "interval": [r[1] for r in rows],
        "ts": [T0 + timedelta(days=r[2]) for r in rows], "open": [r[3] for r in rows],
        "high": [r[3] for r in rows], "low": [r[3] for r in rows], "close": [r[3] for r in rows],
        "adj_close": None, "volume": 1000,
    }).select(list(PRICE_SCHEMA)).cast(PRICE_SCHEMA)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(bar_op, min_size=1, max_size=8))
def test_bar_summary_equals_a_from_scratch_computation(ops):
    from core.store import bar_summary, prices

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "s.duckdb")
        for op in ops:
            if op[0] == "upsert":
                inserted, updated = prices.upsert_prices(store, bars_frame(op[1]))
                assert inserted + updated == bars_frame(op[1]).unique(["symbol", "interval", "ts"]).height
            elif op[0] == "rebase":
                prices.replace_symbol_history(store, op[1], op[2],
                                              bars_frame([(op[1], op[2], d, 10.0) for d in op[3]]))
            else:
                prices.delete_symbol_history(store, op[1], op[2])
        with store.read() as con:
            kept, want = bar_summary.stored(con), bar_summary.from_scratch(con)
        assert kept == want
        for sym in SYMBOLS:  # the page reads (newest bar, bar count) equal the raw rows'
            rows = [r for r in want if r[0] == sym and r[1] == "1d"]
            assert bar_summary.newest(store, sym.lower(), "1d") == (rows[0][3] if rows else None)
            assert bar_summary.count(store, sym, "1d") == prices.count_prices(store, sym, "1d")
        assert bar_summary.count(store, None, "1d") == prices.count_prices(store, None, "1d")


def test_seeded_store_bar_summary_is_built(tmp_path):
    from core.store import bar_summary

    store = Store.from_settings(Settings(_env_file=None, data_dir=tmp_path))
    synthetic.fill(store, datetime(2026, 11, 20), news=50, leads=50, n_symbols=4, years=1)
    with store.read() as con:
        assert bar_summary.stored(con) == bar_summary.from_scratch(con) != []


# ---- the per-ticker totals (news_ticker_totals): the learn job's sentiment fingerprint


def test_migration_150_backfills_ticker_totals_equal_to_the_group_by(tmp_path):
    """A store from before 150 with news gets totals whose fingerprints are the ones the learn job
    used to compute by grouping the daily aggregate, so no symbol is recomputed for nothing."""
    import duckdb

    from core.store.migrate import apply_migrations

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    apply_migrations(con, up_to=141)
    frame = news_frame([(1, 3, ["AAPL", "MSFT"], 0.25), (2, 30, ["AAPL"], -0.5), (3, 60, ["NVDA"], None)])
    con.register("incoming", frame.to_arrow())
    con.execute(f"INSERT INTO news ({', '.join(frame.columns)}) SELECT * FROM incoming")
    ticker_sentiment.rebuild_daily(con)  # what the writers kept at 141
    con.close()
    old = Store(path)  # opening applies 150 and its backfill
    with old.read() as con:
        grouped = dict(con.execute(
            "SELECT ticker, count(*) || ':' || sum(stories) || ':' || sum(scored) || ':' || "
            "sum(sentiment_sum::DECIMAL(18, 6)) FROM news_ticker_daily WHERE scored > 0 GROUP BY ticker").fetchall())
        assert ticker_sentiment.ticker_fingerprints(con) == grouped
    assert sorted(grouped) == ["AAPL", "MSFT"]  # NVDA's only story is unscored


def test_migration_160_marks_only_inputs_the_learn_job_has_not_computed_from(tmp_path):
    """A symbol whose bars or news moved since the learn job computed it is marked "from the
    beginning" (nothing changed before the marks existed is lost); one in sync stays unmarked."""
    import duckdb

    from core.store.migrate import apply_migrations

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    apply_migrations(con, up_to=151)
    con.execute("INSERT INTO price_bar_summary VALUES ('AAPL', '1d', ?, ?, 3, 7), ('MSFT', '1d', ?, ?, 3, 8)",
                [T0, T0, T0, T0])
    con.execute("INSERT INTO news_ticker_totals VALUES ('AAPL', 1, 1, 1, 0.5), ('MSFT', 1, 1, 1, 0.25)")
    con.execute("INSERT INTO signal_symbol_state VALUES ('AAPL', 7, '1:1:1:0.400000', 'p'), "
                "('MSFT', 7, '1:1:1:0.250000', 'p')")  # MSFT's bars and AAPL's news moved since
    assert 160 in apply_migrations(con)
    assert con.execute("SELECT symbol, changed_from FROM price_bar_summary ORDER BY 1").fetchall() == [
        ("AAPL", None), ("MSFT", T0)]
    assert ticker_sentiment.changed_from(con) == {"AAPL": ticker_sentiment.FROM_THE_BEGINNING}
    con.close()


def test_writers_mark_the_earliest_day_they_changed(store):
    """changed_from: least() of the refreshed ranges (news) and of the batches' first bars (prices)."""
    from core.store import prices

    apply(store, ("news", [(1, 24 * 5, ["AAPL"], 0.25), (2, 24 * 9, ["MSFT"], 0.1)]))
    apply(store, ("news", [(3, 24 * 7, ["AAPL"], 0.5)]))  # later: AAPL keeps day 5
    with store.read() as con:
        assert ticker_sentiment.changed_from(con) == {"AAPL": (T0 + timedelta(days=5)).date(),
                                                      "MSFT": (T0 + timedelta(days=9)).date()}
    prices.upsert_prices(store, bars_frame([("AAPL", "1d", 10, 5.0), ("AAPL", "1d", 12, 5.0)]))
    prices.upsert_prices(store, bars_frame([("AAPL", "1d", 11, 6.0), ("AAPL", "1d", 20, 6.0)]))
    with store.read() as con:
        assert con.execute("SELECT first_ts, changed_from FROM price_bar_summary").fetchall() == [
            (T0 + timedelta(days=10), T0 + timedelta(days=10))]  # new: from the beginning
    with store.write() as con:
        con.execute("UPDATE price_bar_summary SET changed_from = NULL")  # as the learn job consumes
    prices.upsert_prices(store, bars_frame([("AAPL", "1d", 15, 7.0), ("AAPL", "1d", 30, 7.0)]))
    with store.read() as con:
        assert con.execute("SELECT changed_from FROM price_bar_summary").fetchall() == [(T0 + timedelta(days=15),)]


def test_ticker_fingerprint_moves_with_a_rescore_and_only_for_its_tickers(store):
    apply(store, ("news", [(1, 3, ["AAPL"], 0.25), (2, 5, ["MSFT"], 0.1)]))
    with store.read() as con:
        before = ticker_sentiment.ticker_fingerprints(con)
    apply(store, ("rescore", [(1, -0.75)]))
    with store.read() as con:
        after = ticker_sentiment.ticker_fingerprints(con)
    assert after["AAPL"] != before["AAPL"] and after["MSFT"] == before["MSFT"]
