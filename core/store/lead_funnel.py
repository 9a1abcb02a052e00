"""Lead funnel pre-aggregates per day, and the Conversions page's numbers read from them.

``lead_funnel_daily`` counts leads per day posted (else fetched), platform, current status and
furthest stage reached; ``lead_keyword_daily`` per day, matched keyword and status (every listing,
and each lead once for the learner's all-time ``lead_totals``, kept here by deltas);
``lead_conversions`` holds each won lead's first event and first win. The page's
funnel, conversion by keyword / platform / ISO week and its lead totals are sums over the
window's days, so they cost the same for 200 k or 1 M stored leads. The definitions are
``core.leads.funnel``'s (stage ranks, decided statuses, rate = won / decided), applied in SQL here;
the tests compare both ways on the same stores.

Maintenance recomputes whole days: inserting leads or changing a status calls ``refresh_days``
in the same transaction. Queries group by platform and keyword from filter-friendly columns, so
a later ``intent`` filter is one more WHERE term in ``_LEADS``.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import duckdb
import polars as pl

from core.leads import funnel
from core.models import LeadStatus
from core.store import Store, day_ranges, lead_totals
from core.store.day_ranges import bounds, ranges, split


def _rank(col: str) -> str:
    """``core.leads.funnel.RANK`` as a SQL CASE (names and numbers come from code, not users)."""
    whens = " ".join(f"WHEN '{status}' THEN {rank}" for status, rank in funnel.RANK.items())
    return f"(CASE {col} {whens} ELSE 0 END)"


# One row per lead posted (else fetched) in [?, ?): its day, platform, keywords, status and the
# rank of the furthest stage it ever reached (current status, or any status in its event log).
_LEADS = f"""
WITH l AS (SELECT id, platform, matched_keywords, status,
                  CAST(coalesce(posted_at, fetched_at) AS DATE) AS day
           FROM leads WHERE coalesce(posted_at, fetched_at) >= ? AND coalesce(posted_at, fetched_at) < ?),
ev AS (SELECT e.lead_id AS id, max(greatest({_rank('e.to_status')}, {_rank('e.from_status')})) AS r
       FROM lead_events e SEMI JOIN l ON l.id = e.lead_id GROUP BY e.lead_id)
SELECT l.*, greatest({_rank('l.status')}, coalesce(ev.r, 0)) AS reached FROM l LEFT JOIN ev USING (id)
"""
_FUNNEL = (f"SELECT day, platform, status, reached, count(*) AS leads FROM ({_LEADS}) "
           "GROUP BY ALL ORDER BY ALL")
_KEYWORD = (f"SELECT day, keyword, status, count(*) AS leads, count(DISTINCT id) AS distinct_leads FROM "
            f"(SELECT id, day, status, unnest(matched_keywords) AS keyword FROM ({_LEADS})) "
            "WHERE keyword IS NOT NULL GROUP BY ALL ORDER BY ALL")  # day order: row groups skip
# Won leads posted in [?, ?): first status event and first 'won' event (core.leads.funnel.time_to_convert).
_WON = """
WITH l AS (SELECT id, CAST(coalesce(posted_at, fetched_at) AS DATE) AS day FROM leads
           WHERE coalesce(posted_at, fetched_at) >= ? AND coalesce(posted_at, fetched_at) < ?)
SELECT l.day, e.lead_id, min(e.changed_at) AS first_at,
       min(e.changed_at) FILTER (WHERE e.to_status = 'won') AS won_at
FROM lead_events e JOIN l ON l.id = e.lead_id GROUP BY ALL HAVING won_at IS NOT NULL ORDER BY ALL
"""
_TABLES = (("lead_funnel_daily", _FUNNEL), ("lead_keyword_daily", _KEYWORD), ("lead_conversions", _WON))


def refresh_days(con: duckdb.DuckDBPyConnection, days: Iterable[date | None]) -> int:
    """Recompute the aggregates for these days from ``leads`` and ``lead_events``; move the totals
    by the difference."""
    runs = ranges(d for d in days if d is not None)
    for first, last in runs:
        start, end = bounds(first, last)
        lead_totals.add_days(con, first, last, -1)
        for table, sql in _TABLES:
            con.execute(f"DELETE FROM {table} WHERE day BETWEEN ? AND ?", [first, last])
            con.execute(f"INSERT INTO {table} {sql}", [start, end])
        lead_totals.add_days(con, first, last, 1)
    if runs:
        lead_totals.drop_empty(con)
    return len(runs)


def days_of_ids(con: duckdb.DuckDBPyConnection, ids: list[str]) -> list[date]:
    """The days of these rows (to refresh after their aggregated columns changed)."""
    return day_ranges.days_of_ids(con, "leads", "coalesce(posted_at, fetched_at)", ids)


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    for table, sql in _TABLES:
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} {sql}", [datetime.min, datetime.max])
    lead_totals.rebuild(con)


def _window(con, table: str, sql: str, since: datetime) -> pl.DataFrame:
    first_day, part_start, part_end = split(since)
    query, params = f"SELECT * FROM {table} WHERE day >= ?", [first_day]
    if part_start is not None:
        query += f" UNION ALL SELECT * FROM ({sql})"
        params += [part_start, part_end]
    return con.sql(query, params=params).pl()


def _rates(counts: pl.DataFrame, group: pl.Expr) -> pl.DataFrame:
    """``core.leads.funnel.conversion_rates``' columns and order, from per-status counts."""
    status = pl.col("status")
    out = (counts.group_by(group.alias("group")).agg(
        pl.col("leads").sum().cast(pl.UInt32).alias("leads"),
        pl.col("leads").filter(status.is_in(funnel.DECIDED)).sum().cast(pl.UInt32).alias("decided"),
        pl.col("leads").filter(status == LeadStatus.WON.value).sum().cast(pl.UInt32).alias("won"),
    ).with_columns(
        pl.when(pl.col("decided") > 0).then(pl.col("won") / pl.col("decided")).alias("rate"),
        (pl.col("won") / pl.col("leads")).alias("rate_all"),
    ))
    return out.sort(["rate", "decided", "group"], descending=[True, True, False], nulls_last=True)


def _funnel_counts(counts: pl.DataFrame) -> pl.DataFrame:
    rows = [(s.value, int(counts.filter(pl.col("reached") >= i)["leads"].sum()))
            for i, s in enumerate(funnel.STAGES)]
    for s in (LeadStatus.LOST, LeadStatus.IGNORED):
        rows.append((s.value, int(counts.filter(pl.col("status") == s.value)["leads"].sum())))
    return pl.DataFrame(rows, schema={"stage": pl.String, "leads": pl.Int64}, orient="row")


def _time_to_convert(con, since: datetime) -> pl.DataFrame:
    """``core.leads.funnel.time_to_convert`` for leads posted since ``since`` (``lead_conversions``)."""
    won = _window(con, "lead_conversions", _WON, since)
    return won.select(
        "lead_id", "first_at", "won_at",
        ((pl.col("won_at") - pl.col("first_at")).dt.total_seconds() / 3600.0).alias("hours"),
    ).sort("won_at", "lead_id")


def conversions(store: Store, since: datetime) -> dict:
    """The Conversions page for leads posted since ``since``: totals, funnel, rates, time to convert."""
    with store.read() as con:
        by_status = _window(con, "lead_funnel_daily", _FUNNEL, since)
        by_keyword = _window(con, "lead_keyword_daily", _KEYWORD, since)
        ttc = _time_to_convert(con, since)
    day = pl.col("day")
    return {
        "leads": int(by_status["leads"].sum()),
        "decided": int(by_status.filter(pl.col("status").is_in(funnel.DECIDED))["leads"].sum()),
        "funnel": _funnel_counts(by_status),
        "by_keyword": _rates(by_keyword, pl.col("keyword")),
        "by_platform": _rates(by_status, pl.col("platform")),
        "by_week": _rates(by_status, pl.format("{}-W{}", day.dt.iso_year(),
                                               day.dt.week().cast(pl.String).str.zfill(2))).sort("group"),
        "time_to_convert": ttc,
    }
