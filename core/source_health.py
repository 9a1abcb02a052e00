"""Store-facing breaker and adaptive polling, for the runner and for ingestion pipelines.

Call from an ingest loop (e.g. ``core/ingest.py``)::

    from core.source_health import due_sources, record_source_outcome
    for url in due_sources(store, feed_urls, now):          # skips paused / not-yet-due feeds
        try:
            counts = fetch_and_store(url)
        except Exception as exc:
            record_source_outcome(store, url, ok=False, new_items=0, error=str(exc), now=now)
        else:
            record_source_outcome(store, url, ok=True, new_items=counts.new, error=None, now=now)

The runner also treats each job as a source named ``job:<name>``, so a job that keeps failing
is paused even if its pipeline never calls these.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import polars as pl

from core.models import utcnow
from core.resilience import (
    BreakerPolicy,
    PollPolicy,
    SourceHealth,
    after_outcome,
    is_due,
    is_paused,
    pause_reason,
)
from core.store import Store
from core.store import source_health as sql


def _policies(settings) -> tuple[BreakerPolicy, PollPolicy]:
    if settings is None:
        from core.config import get_settings

        settings = get_settings()
    return BreakerPolicy.from_settings(settings), PollPolicy.from_settings(settings)


def outcome_update(source: str, ok: bool, new_items: int, error: str | None, now: datetime,
                   settings=None) -> Callable[[dict | None], dict]:
    """The row update for one outcome, for ``update_source_health`` / ``update_health``."""
    breaker, poll = _policies(settings)

    def update(row: dict | None) -> dict:
        state = SourceHealth.from_row(source, row)
        return after_outcome(state, ok, new_items, error, now, breaker, poll).to_row()

    return update


def record_source_outcome(store: Store, source: str, ok: bool, new_items: int, error: str | None,
                          now: datetime | None = None, settings=None) -> SourceHealth:
    """Record one fetch of ``source``; returns its new health (``paused_until`` set if the breaker opened).

    ``error`` must already be free of secrets (it is shown on the dashboard).
    """
    return record_source_outcomes(store, {source: (ok, new_items, error)}, now, settings)[source]


def record_source_outcomes(store: Store, outcomes: dict[str, tuple[bool, int, str | None]],
                           now: datetime | None = None, settings=None) -> dict[str, SourceHealth]:
    """``record_source_outcome`` for every source of a run, ``{source: (ok, new_items, error)}``,
    in one transaction; returns each source's new health."""
    now = now or utcnow()
    updates = {src: outcome_update(src, ok, new, error, now, settings) for src, (ok, new, error) in outcomes.items()}
    rows = sql.update_sources_health(store, updates)
    return {src: SourceHealth.from_row(src, row) for src, row in rows.items()}


def source_health(store: Store, source: str) -> SourceHealth:
    return SourceHealth.from_row(source, sql.load_source_health(store, [source]).get(source))


def due_sources(store: Store, sources: list[str], now: datetime | None = None) -> list[str]:
    """The sources (in the given order) that are neither paused nor waiting for their next poll."""
    now = now or utcnow()
    rows = sql.load_source_health(store, list(sources))
    return [s for s in sources if is_due(SourceHealth.from_row(s, rows.get(s)), now)]


def pause_gate(source: str, now: datetime) -> Callable[[object], str | None]:
    """A check for ``job_runs.begin_run``: the pause reason if ``source`` is paused at ``now``."""
    def gate(con) -> str | None:
        state = SourceHealth.from_row(source, sql.health_row(con, source))
        return pause_reason(state) if is_paused(state, now) else None

    return gate


def is_source_paused(store: Store, source: str, now: datetime | None = None) -> SourceHealth | None:
    """The source's health if its breaker is open now, else None."""
    state = source_health(store, source)
    return state if is_paused(state, now or utcnow()) else None


def paused_sources(store: Store, now: datetime | None = None) -> pl.DataFrame:
    """Paused sources with reason (last_error, failures, paused_until) for the dashboard."""
    return sql.paused_sources(store, now or utcnow())
