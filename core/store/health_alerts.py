"""What is wrong right now, for the Overview's "Needs attention": jobs whose last finished run
failed or was partial, and sources that are failing but not (yet) paused.

Paused sources, stale jobs and bad posts have their own queries (``views.alerts``,
``jobs.status``); these two close the gap where every feed failed and the page still said
"All clear".
"""
from __future__ import annotations

from datetime import datetime

import polars as pl

from core.store import Store


def unhealthy_jobs(store: Store) -> pl.DataFrame:
    """Jobs whose last finished run (skips aside) was failed or partial: status, reason, when,
    and since when the job has not had a clean (ok) run."""
    with store.read() as con:
        return con.sql(
            """
            WITH done AS (SELECT * FROM job_runs WHERE status IN ('ok', 'partial', 'failed')),
            last AS (SELECT job, arg_max(status, started_at) AS status, arg_max(error, started_at) AS reason,
                            max(finished_at) AS finished_at, max(finished_at) FILTER (WHERE status = 'ok') AS last_ok
                     FROM done GROUP BY job)
            SELECT job, status, reason, finished_at, last_ok FROM last
            WHERE status IN ('failed', 'partial') ORDER BY status = 'partial', job
            """).pl()


def failing_sources(store: Store, now: datetime) -> pl.DataFrame:
    """Feeds (not jobs) whose last fetch failed and whose breaker is not open: how many failures
    in a row, the last error, and the last success (null: never fetched successfully)."""
    with store.read() as con:
        return con.sql(
            "SELECT source, consecutive_failures, last_error, last_success_at, last_fetch_at "
            "FROM source_state WHERE consecutive_failures > 0 AND NOT starts_with(source, 'job:') "
            "AND (paused_until IS NULL OR paused_until <= ?) "
            "ORDER BY consecutive_failures DESC, source LIMIT 50", params=[now]).pl()
