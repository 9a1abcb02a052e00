"""The local span table: finished spans of job runs and Discord batches, bounded and pruned.

Written by ``core.tracing.save_local`` once a run is recorded (one short write for all its
spans); read by the Jobs page's run waterfall. Old spans go on every write: older than
``keep_days``, and past ``max_spans`` the oldest.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from core.models import utcnow
from core.store import Store, insert_new

SPAN_SCHEMA: dict[str, pl.DataType] = {
    "trace_id": pl.String,
    "span_id": pl.String,
    "parent_span_id": pl.String,
    "name": pl.String,
    "kind": pl.String,
    "run_id": pl.String,
    "start_at": pl.Datetime("us"),
    "duration_ms": pl.Float64,
    "status": pl.String,
    "status_message": pl.String,
    "attributes": pl.String,
}


def span_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=SPAN_SCHEMA)


def save_spans(store: Store, rows: list[dict], keep_days: float = 7.0, max_spans: int = 200_000,
               now: datetime | None = None) -> int:
    """Insert the spans (a span already stored is kept once) and prune; returns rows inserted."""
    if not rows:
        return 0
    frame = span_frame(rows)
    with store.write() as con:
        return insert_spans(con, frame, now or utcnow(), keep_days, max_spans)


def insert_spans(con, frame: pl.DataFrame, now: datetime, keep_days: float, max_spans: int) -> int:
    """On an open connection (the job executor's run-record transaction): insert, then prune
    spans older than ``keep_days`` and, past ``max_spans``, the oldest."""
    new = insert_new(con, "trace_spans", frame, ("trace_id", "span_id")).height
    con.execute("DELETE FROM trace_spans WHERE start_at < ?", [now - timedelta(days=keep_days)])
    con.execute(
        "DELETE FROM trace_spans WHERE start_at < ("
        " SELECT start_at FROM trace_spans ORDER BY start_at DESC LIMIT 1 OFFSET ?)", [max_spans - 1])
    return new


def recent_traces(store: Store, limit: int = 50) -> pl.DataFrame:
    """One row per trace, newest first: its root span's name, run id, start, duration, status,
    and how many spans (and failed spans) it has. Job runs and Discord batches alike."""
    with store.read() as con:
        return con.sql(
            "WITH t AS (SELECT trace_id, count(*) AS spans,"
            "  count(*) FILTER (WHERE status = 'error') AS errors FROM trace_spans GROUP BY trace_id)"
            " SELECT s.trace_id, s.name, s.run_id, s.start_at, s.duration_ms, s.status, t.spans, t.errors"
            " FROM trace_spans s JOIN t USING (trace_id) WHERE s.parent_span_id IS NULL"
            f" ORDER BY s.start_at DESC LIMIT {int(limit)}").pl()


def trace_spans(store: Store, trace_id: str) -> pl.DataFrame:
    """Every stored span of one trace, in start order."""
    with store.read() as con:
        return con.sql(
            "SELECT * EXCLUDE (attributes), attributes::VARCHAR AS attributes FROM trace_spans"
            " WHERE trace_id = ? ORDER BY start_at, span_id", params=[trace_id]).pl()


def trace_of_run(store: Store, run_id: str) -> str | None:
    """The trace id of a job run (its root span carries the run id)."""
    with store.read() as con:
        rows = con.execute("SELECT trace_id FROM trace_spans WHERE run_id = ? AND parent_span_id IS NULL"
                           " ORDER BY start_at DESC LIMIT 1", [run_id]).fetchall()
    return rows[0][0] if rows else None
