"""Pruning the store's bookkeeping: old job run records, picked run requests, dead sources.

Rows the product reads for its rules are never pruned: each job's last run and last success
(staleness and the Overview's job health read them), running rows, unpicked requests, paused
sources. Data rows (news, leads, lead events, posts: the delivery ledger that makes posting
exactly-once) are not bookkeeping and are never touched here; job spans prune themselves.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from core.store import Store


def prune(store: Store, now: datetime, keep_runs_days: int = 90, keep_requests_days: int = 7,
          keep_sources_days: int = 90) -> dict:
    """Delete bookkeeping older than its retention in one transaction; returns rows deleted per table."""
    runs_before = now - timedelta(days=keep_runs_days)
    with store.write() as con:
        runs = con.execute(
            """
            DELETE FROM job_runs WHERE started_at < ? AND status <> 'running'
              AND run_id NOT IN (SELECT arg_max(run_id, started_at) FROM job_runs GROUP BY job)
              AND run_id NOT IN (SELECT arg_max(run_id, started_at) FROM job_runs
                                 WHERE status IN ('ok', 'partial') GROUP BY job)
            """, [runs_before]).fetchone()[0]
        requests = con.execute(
            "DELETE FROM job_requests WHERE picked_at IS NOT NULL AND requested_at < ?",
            [now - timedelta(days=keep_requests_days)]).fetchone()[0]
        sources = con.execute(
            # a row without a fetch time (validators only) is never judged old
            "DELETE FROM source_state WHERE last_fetch_at < ? AND (paused_until IS NULL OR paused_until < ?)",
            [now - timedelta(days=keep_sources_days), now]).fetchone()[0]
    return {"job_runs": int(runs), "job_requests": int(requests), "source_state": int(sources)}


def prune_with(store: Store, settings, now: datetime) -> dict:
    """``prune`` with the retention settings (``keep_*_days``)."""
    return prune(store, now, settings.keep_job_runs_days, settings.keep_job_requests_days,
                 settings.keep_source_state_days)
