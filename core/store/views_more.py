"""Read-side queries for the Signals, Conversions and Jobs pages (bounded, one connection each).

Conversions use the funnel definitions of ``core.leads.funnel`` (pure) over a bounded window of
leads and their events, so the page and the learn job count the same way.
"""
from __future__ import annotations

from datetime import date, datetime

import polars as pl

from core.store import Store


def signal_markers(store: Store, symbol: str, since: date, threshold: float = 0.5) -> pl.DataFrame:
    """Days where the composite crossed +/- ``threshold``: where to draw buy/sell markers."""
    with store.read() as con:
        return con.sql(
            """
            SELECT s.day, p.close AS price, s.composite,
                   CASE WHEN s.composite > 0 THEN 'triangle-up' ELSE 'triangle-down' END AS symbol_shape,
                   CASE WHEN s.composite > 0 THEN 'green' ELSE 'red' END AS color,
                   printf('composite %+.2f', s.composite) AS label
            FROM signals s JOIN prices p
              ON p.symbol = s.symbol AND p.interval = '1d' AND CAST(p.ts AS DATE) = s.day
            WHERE s.symbol = ? AND s.day >= ? AND abs(s.composite) >= ?
            ORDER BY s.day
            """, params=[symbol.upper(), since, threshold]).pl()


def funnel_inputs(store: Store, since: datetime) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(outcomes, events) for leads posted since ``since``: the inputs of ``core.leads.funnel``."""
    with store.read() as con:
        outcomes = con.sql(
            "SELECT id, platform, matched_keywords, coalesce(posted_at, fetched_at) AS posted_at, status, "
            "status_at FROM leads WHERE coalesce(posted_at, fetched_at) >= ?", params=[since]).pl()
        events = con.sql(
            "SELECT e.id, e.lead_id, e.from_status, e.to_status, e.changed_at, e.note FROM lead_events e "
            "JOIN leads l ON l.id = e.lead_id WHERE coalesce(l.posted_at, l.fetched_at) >= ? "
            "ORDER BY e.changed_at, e.id", params=[since]).pl()
    return outcomes, events


def job_durations(store: Store, since: datetime, limit_per_job: int = 200) -> pl.DataFrame:
    """Recent finished runs of every job (started_at, duration_s) for one duration chart."""
    with store.read() as con:
        return con.sql(
            """
            SELECT job, started_at, status, duration_s FROM (
                SELECT job, started_at, status,
                       date_diff('millisecond', started_at, finished_at) / 1000.0 AS duration_s,
                       row_number() OVER (PARTITION BY job ORDER BY started_at DESC) AS rn
                FROM job_runs WHERE started_at >= ? AND finished_at IS NOT NULL AND status <> 'skipped')
            WHERE rn <= ? ORDER BY job, started_at
            """, params=[since, int(limit_per_job)]).pl()


def post_counts(store: Store) -> pl.DataFrame:
    """How many ledger rows are in each delivery status."""
    with store.read() as con:
        return con.sql("SELECT status, count(*) AS posts FROM posts GROUP BY status ORDER BY status").pl()
