"""Recompute the signals of only the symbols whose daily bars or news sentiment changed, each
from a warm-up margin before where it changed.

A symbol's components depend on its own bars and news alone, but every day's weights depend on
all symbols' bets settled in the window before it (``performance``). So the job keeps, per
settlement day, the sums of every symbol's bets (``signal_settled``) and the calendar of days
(``signal_calendar``). A run:

1. finds the changed symbols: bar revision (``price_bar_summary``, moved by every price write)
   or sentiment fingerprint (``news_ticker_totals``) differs from what their signals were
   computed from (``signal_symbol_state``); other settings = every symbol;
2. finds where each changed: the writers' ``changed_from`` marks (migration 160), the earliest
   bar / news day written since this job consumed them. With a known day d (the earlier of the
   two) and ``WARMUP_BARS`` + horizon bars before it, the symbol is recomputed from that tail
   ("tail"); otherwise (first run, other settings, a history swap or rebuild = "from the
   beginning", no mark, a short history) over its whole history ("full");
3. a tail symbol's rows that may differ are the days from its cut on, the bar ``horizon`` bars
   before d (bets made before the cut settle before d); only those signals and bets are
   replaced, and only those old bets and days are read, so the sums and the calendar move by
   exactly the difference; its news is read from ``_NEWS_BARS`` bars before the cut (the
   sentiment windows are short, so older news moves no row from the cut on);
4. compares the new bets with the stored ones: only bets that differ (beyond 1e-11 relative:
   recomputing a symbol moves its values by a few ulps) move the day sums (new minus old), only
   days that appear or disappear move the calendar;
5. recomputes the record and the weights from the sums (a few thousand rows), then the
   composite of the replaced rows and of every other row (other symbols', and a tail symbol's
   before its cut) from the first day whose sums or calendar moved (usually none: today's news
   settles no bet yet).

Why a tail is exact: every recursive smoother here forgets its seed geometrically: EMA20 by
(19/21)^n, MACD slow EMA by (25/27)^n (the fast one faster), Wilder RSI/ATR by (13/14)^n, the
MACD signal EMA by 0.8^n. The slowest, (25/27)^n, is 4.6e-21 at n = 600 bars and 2.5e-27 at
n = 800, far below float precision (2.2e-16) and ``_REL_TOL``; the rolling windows (20, 14, 9, 5,
3 bars) and the horizon are short. So components computed from bars starting ``WARMUP_BARS``
before the cut equal the full-history ones within rounding (tests/unit/test_signal_tail.py
measures it on a long random walk with flat stretches). One exception: a symbol whose bars are
constant over the whole margin (hundreds of bars without a move) has decayed the state of its
last move below rounding in both computations, so its trend's ratio of two rounding noises may
differ; no real series trades that flat for three years.

The result equals a full recompute up to floating-point rounding of the day sums
(tests/integration/test_learn_incremental.py compares them).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from core.signals.components import COMPONENTS, components
from core.signals.composite import composite, weights
from core.signals.indicators import indicators
from core.signals.performance import STAT_COLUMNS, STATS, bets, record_from_settled, settled_stats

_BET_KEY = ["symbol", "day", "settled_on", "fwd", *COMPONENTS]
_REL_TOL = 1e-11
# (25/27)^800 = 2.5e-27: the slowest smoother's seed weight after the margin (module docstring)
WARMUP_BARS = 800
_NEWS_BARS = 6  # the sentiment component's bars (today and 5 before) + the one whose day bounds them
FROM_THE_START = date.min  # a replaced row's since for a full recompute: every row


def _margin_days(bars: int) -> int:
    """Calendar days that hold ``bars`` trading bars: 5 a week, plus holidays (~10 a year)."""
    return bars * 7 // 5 + 60


def _wide(settled_long: pl.DataFrame) -> pl.DataFrame:
    """signal_settled rows (settled_on, component, n, hits, s1, s2) -> one row per day."""
    if settled_long.is_empty():
        return pl.DataFrame(schema={"settled_on": pl.Date, **{k: pl.Float64 for k in STAT_COLUMNS}})
    out = settled_long.unpivot(index=["settled_on", "component"], on=list(STATS), variable_name="stat")
    out = out.with_columns((pl.col("component") + "|" + pl.col("stat")).alias("key"))
    out = out.pivot(on="key", index="settled_on", values="value")
    return out.with_columns([pl.lit(0.0).alias(k) for k in STAT_COLUMNS if k not in out.columns]).select(
        "settled_on", *STAT_COLUMNS)


def _long(wide: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for c in COMPONENTS:
        rows.append(wide.select("settled_on", pl.lit(c).alias("component"),
                                *[pl.col(f"{c}|{s}").alias(s) for s in STATS]))
    return pl.concat(rows)


def _apply(totals: pl.DataFrame, added: pl.DataFrame, removed: pl.DataFrame) -> pl.DataFrame:
    """Day sums + added bets' sums - removed bets' sums, on the days they touch only (other days
    keep their stored sums bit for bit); a component without bets on a day sums to exactly 0."""
    delta = pl.concat([added, removed.select("settled_on", *[-pl.col(k) for k in STAT_COLUMNS])])
    if delta.is_empty():
        return totals
    delta = delta.group_by("settled_on").agg(pl.col(STAT_COLUMNS).sum())
    touched = pl.concat([totals.join(delta.select("settled_on"), on="settled_on", how="semi"), delta])
    touched = touched.group_by("settled_on").agg(pl.col(STAT_COLUMNS).sum())
    for c in COMPONENTS:
        none = pl.col(f"{c}|n").round(6) == 0
        touched = touched.with_columns(
            *[pl.when(none).then(0.0).otherwise(pl.col(f"{c}|{s}")).alias(f"{c}|{s}") for s in STATS])
    kept = totals.join(delta.select("settled_on"), on="settled_on", how="anti")
    return pl.concat([kept, touched.select(kept.columns)]).sort("settled_on")


def _same(a: str, b: str) -> pl.Expr:
    """Equal values, nulls equal; floats within 1e-11 relative: a symbol's indicators come out a
    few ulps apart depending on which other symbols share the batch (rolling sums over groups)."""
    x, y = pl.col(a), pl.col(b)
    close = (x - y).abs() <= _REL_TOL * (1.0 + y.abs())
    return (x.is_null() & y.is_null()) | (x.is_not_null() & y.is_not_null() & close.fill_null(False))


def _differing(new: pl.DataFrame, old: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(new bets, old bets) of the (symbol, day)s whose bet was made, dropped or changed."""
    key = ["symbol", "day"]
    both = new.join(old, on=key, how="inner", suffix="_old")
    same = both.filter(pl.col("settled_on") == pl.col("settled_on_old"),
                       *[_same(c, f"{c}_old") for c in ["fwd", *COMPONENTS]]).select(key)
    return new.join(same, on=key, how="anti"), old.join(same, on=key, how="anti")


def _change_day(first_bar: datetime, bars_from: datetime | None, news_from: date | None,
                bars_moved: bool, news_moved: bool) -> date | None:
    """The earliest day a symbol's inputs changed; None = unknown or from the beginning (full)."""
    days = []
    if bars_moved:
        if bars_from is None:
            return None
        days.append(bars_from.date())
    if news_moved:
        if news_from is None:
            return None
        days.append(news_from)
    return min(days) if days and min(days) > first_bar.date() else None


def _tails(store, tail_days: dict[str, date], horizon: int) -> tuple[pl.DataFrame, pl.DataFrame, date | None]:
    """(bars of the symbols with ``WARMUP_BARS`` + horizon bars before their change day d, from
    exactly that many before it; (symbol, since): the cut, ``horizon`` bars before d, from which
    on its rows may differ; the first news day the rows from the cuts need: the sentiment
    component of a bar reads the news of that bar and the 5 before, each bar the news since
    the previous bar). Symbols with fewer bars before d are left out (a full recompute)."""
    from core.store import signals as sstore

    keep = WARMUP_BARS + horizon
    days = pl.DataFrame({"symbol": list(tail_days), "d": list(tail_days.values())},
                        schema={"symbol": pl.String, "d": pl.Date})
    starts = days.select("symbol", (pl.col("d") - timedelta(days=_margin_days(keep))).alias("since"))
    bars = sstore.price_bars_from(store, starts).join(days, on="symbol").with_columns(
        (pl.col("ts").dt.date() < pl.col("d")).sum().over("symbol").alias("__before"),
        pl.int_range(pl.len()).over("symbol").alias("__idx"))
    bars = bars.filter(pl.col("__before") >= keep, pl.col("__idx") >= pl.col("__before") - keep)
    cuts = bars.group_by("symbol").agg(pl.col("ts").sort().get(WARMUP_BARS).dt.date().alias("since"))
    news_since = bars.filter(pl.col("__idx") == pl.col("__before") - keep + WARMUP_BARS - _NEWS_BARS)["ts"].min()
    return bars.drop("d", "__before", "__idx"), cuts, None if news_since is None else news_since.date()


def _no_cuts() -> pl.DataFrame:
    return pl.DataFrame(schema={"symbol": pl.String, "since": pl.Date})


def _from_cut(rows: pl.DataFrame, cuts: pl.DataFrame) -> pl.DataFrame:
    """A tail symbol's rows from its cut on (the earlier ones are stored and unchanged); every
    row of the other symbols."""
    if cuts.is_empty():
        return rows
    joined = rows.join(cuts, on="symbol", how="left")
    return joined.filter(pl.col("since").is_null() | (pl.col("day") >= pl.col("since"))).drop("since")


def refresh(store, horizon: int, window: int, n0: float, now: datetime) -> dict:
    """One learn run's signal part (see the module docstring). Returns counts for the job record."""
    from core.signals import latest_weights
    from core.store import signal_record
    from core.store import signals as sstore

    params = f"{horizon}/{window}/{n0}"
    current, marks = signal_record.inputs(store)
    known = signal_record.state(store)
    reset = not known or any(p != params for *_, p in known.values())
    if reset:
        changed, removed = sorted(current), []
    else:
        changed = sorted(s for s, inp in current.items() if known.get(s, (None, None))[:2] != inp)
        removed = sorted(s for s in known if s not in current)
    if not reset and not changed and not removed:
        return {"skipped": "no symbol's daily bars or news sentiment changed since the last run"}
    if not current and not known:
        return {"symbols": 0, "bars": 0, "news_days": 0, "signals": 0, "weights": 0}

    tail_days = {}
    if not reset:
        for sym in changed:
            if sym not in marks:  # its summary row went between the two reads: full
                continue
            was, now_in = known.get(sym, (None, None)), current[sym]
            day = _change_day(*marks[sym], was[0] != now_in[0], was[1] != now_in[1])
            if day is not None:
                tail_days[sym] = day
    tail_bars, cuts, news_since = _tails(store, tail_days, horizon) if tail_days else (pl.DataFrame(), _no_cuts(), None)
    tail = cuts["symbol"].to_list()
    full = sorted(set(changed) - set(tail))
    bars = pl.concat([*([sstore.price_bars(store, full, interval="1d")] if full or not tail else []),
                      *([tail_bars] if tail else [])])
    sentiment = pl.concat([*([sstore.daily_sentiment(store, full)] if full or not tail else []),
                           *([sstore.daily_sentiment(store, tail, since=news_since)]
                             if tail else [])])
    replaced = pl.concat([cuts, pl.DataFrame({"symbol": full + removed, "since": FROM_THE_START},
                                             schema=cuts.schema)])
    comp = (components(indicators(bars), sentiment.select("symbol", "day", "sentiment"))
            if bars.height else pl.DataFrame(schema={"symbol": pl.String, "day": pl.Date, "close": pl.Float64,
                                                     **{c: pl.Float64 for c in COMPONENTS}}))
    new_bets = _from_cut(bets(comp, horizon), cuts).select(_BET_KEY)
    comp = _from_cut(comp, cuts)
    if reset:
        old_bets = new_bets.clear()
        old_days = pl.DataFrame(schema={"day": pl.Date, "symbols": pl.Int64})
        totals, calendar = _wide(pl.DataFrame()), old_days
    else:
        old_bets, old_days = signal_record.old_bets(store, replaced)
        old_bets = old_bets.select(_BET_KEY).cast(new_bets.schema).sort("symbol", "day")
        settled_long, calendar = signal_record.totals(store)
        totals = _wide(settled_long)
    # only bets that differ move the sums (equal ones would add rounding noise, and a move)
    added, gone = _differing(new_bets, old_bets)
    totals = _apply(totals, settled_stats(added), settled_stats(gone))
    new_days = comp.group_by("day").agg(pl.len().cast(pl.Int64).alias("symbols"))
    cal = pl.concat([calendar.select("day", pl.col("symbols").cast(pl.Int64)), new_days,
                     old_days.select("day", -pl.col("symbols").cast(pl.Int64))])
    cal = cal.group_by("day").agg(pl.col("symbols").sum()).filter(pl.col("symbols") > 0).sort("day")
    moved_days = set(cal["day"].to_list()) ^ set(calendar["day"].to_list())
    moved = [*added["settled_on"].to_list(), *gone["settled_on"].to_list(), *moved_days]

    record = record_from_settled(cal.select("day"), totals, horizon, window)
    w = weights(record, n0)
    signals = composite(comp, w).with_columns(pl.lit(now).alias("computed_at"))
    others = pl.DataFrame()
    if moved and not reset:
        since = min(moved)
        rows = signal_record.components_since(store, since, replaced)
        if rows.height:
            others = composite(rows.drop("composite"), w).select("symbol", "day", "composite").with_columns(
                pl.lit(now).alias("computed_at"))
    state = pl.DataFrame({"symbol": changed, "bars_rev": [current[s][0] for s in changed],
                          "sentiment": [current[s][1] for s in changed], "params": params},
                         schema={"symbol": pl.String, "bars_rev": pl.Int64, "sentiment": pl.String,
                                 "params": pl.String})
    latest = latest_weights(w, horizon).with_columns(pl.lit(now).alias("computed_at"))
    n_signals, n_weights = signal_record.write(
        store, replaced=replaced, signals=signals, bet_rows=new_bets, composites=others,
        settled=_long(totals), calendar=cal, weights=latest, symbol_state=state, reset=reset)
    return {"symbols": len(changed), "tail_symbols": len(tail), "full_symbols": len(full),
            "removed": len(removed), "full": reset, "bars": bars.height,
            "news_days": sentiment.height, "signals": n_signals, "weights": n_weights,
            "other_rows_reweighted": others.height}
