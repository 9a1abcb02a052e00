"""Health columns of ``source_state``: circuit breaker and adaptive polling state per source.

The HTTP layer owns ``etag`` / ``last_modified`` in the same table; every write here is an
upsert that names only the health columns, so the two never overwrite each other.
The decisions (when to pause, how fast to poll) live in ``core/resilience.py``; this module
only loads and saves, inside one transaction so two threads cannot lose an update.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import polars as pl

from core.store import Store

HEALTH_COLUMNS = ("consecutive_failures", "paused_until", "last_error", "poll_interval_s",
                  "next_poll_at", "last_fetch_at", "last_success_at", "last_new_at")
_SELECT = "SELECT source, " + ", ".join(HEALTH_COLUMNS) + " FROM source_state"
_UPSERT = (
    "INSERT INTO source_state (source, " + ", ".join(HEALTH_COLUMNS) + ") VALUES ("
    + ", ".join("?" for _ in range(len(HEALTH_COLUMNS) + 1)) + ") ON CONFLICT (source) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in HEALTH_COLUMNS)
)


def health_row(con, source: str) -> dict | None:
    """The health row of ``source`` on an open connection (inside a caller's transaction)."""
    frame = con.sql(_SELECT + " WHERE source = ?", params=[source]).pl()
    return None if frame.is_empty() else frame.row(0, named=True)


def save_health(con, source: str, row: dict) -> None:
    """Upsert the health columns of ``source`` on an open connection."""
    con.execute(_UPSERT, [source, *[row.get(c) for c in HEALTH_COLUMNS]])


def update_health(con, source: str, update: Callable[[dict | None], dict]) -> dict:
    new = update(health_row(con, source))
    save_health(con, source, new)
    return new


def update_source_health(store: Store, source: str,
                         update: Callable[[dict | None], dict]) -> dict:
    """Read the source's health row, let ``update`` compute the new one, save it: one transaction.

    ``update`` gets ``None`` for a source never seen and returns a dict with the health columns.
    """
    return update_sources_health(store, {source: update})[source]


def update_sources_health(store: Store, updates: dict[str, Callable[[dict | None], dict]]) -> dict[str, dict]:
    """``update_source_health`` for many sources in one transaction (a feed run's 50 outcomes
    cost one commit, not 50: about 45 ms each here)."""
    from core.store.job_runs import write_retrying

    return write_retrying(store, lambda con: {s: update_health(con, s, u) for s, u in updates.items()})


def load_source_health(store: Store, sources: list[str] | None = None) -> dict[str, dict]:
    """Health rows by source (all, or just these); sources never seen are absent."""
    with store.read() as con:
        if sources is None:
            frame = con.sql(_SELECT).pl()
        else:
            frame = con.sql(_SELECT + " WHERE list_contains(?, source)", params=[list(sources)]).pl()
    return {r["source"]: r for r in frame.iter_rows(named=True)}


def paused_sources(store: Store, now: datetime) -> pl.DataFrame:
    """Sources whose breaker is open right now, with the reason, for the dashboard."""
    with store.read() as con:
        return con.sql(
            "SELECT source, paused_until, consecutive_failures, last_error, last_success_at "
            "FROM source_state WHERE paused_until > ? ORDER BY paused_until DESC",
            params=[now],
        ).pl()


def source_health_table(store: Store) -> pl.DataFrame:
    """Every source's health (breaker, poll interval, last success), for the Jobs page."""
    with store.read() as con:
        return con.sql(_SELECT + " ORDER BY source").pl()
