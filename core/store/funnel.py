"""Lead status changes with their event log, and the outcome data learning and metrics read.

Every status change leaves one ``lead_events`` row written in the same transaction as the
``leads`` update, so the funnel and the learned weights can always be rebuilt from the log.
"""
from __future__ import annotations

from datetime import datetime

import polars as pl

from core.models import LeadStatus, utcnow
from core.store import Store, aggregates, insert_frame

LEARNED_COLUMNS = ["term", "trials", "conversions", "rate_mean", "rate_low", "rate_high",
                   "suggested_weight", "computed_at"]


def parse_status(value: str) -> LeadStatus:
    """The LeadStatus for ``value``, or a ValueError that lists the allowed ones."""
    try:
        return LeadStatus(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in LeadStatus)
        raise ValueError(f"unknown lead status {value!r}; use one of: {allowed}") from None


def set_lead_status(store: Store, lead_ids: list[str], to_status: str, note: str | None = None,
                    now: datetime | None = None) -> int:
    """Move leads to ``to_status``; returns how many changed. Leads already there are untouched.

    Each changed lead gets one lead_events row (from, to, changed_at, note); the note, when
    given, also replaces the lead's note. Unknown ids are ignored.
    """
    status = parse_status(to_status).value
    ids = list(dict.fromkeys(lead_ids))
    if not ids:
        return 0
    at = now or utcnow()
    with store.write() as con:
        changed = con.sql(
            "INSERT INTO lead_events (lead_id, from_status, to_status, changed_at, note) "
            "SELECT id, status, ?, ?, ? FROM leads WHERE list_contains(?, id) AND status <> ? ORDER BY id "
            "RETURNING lead_id", params=[status, at, note, ids, status],
        ).fetchall()
        if changed:
            con.execute(
                "UPDATE leads SET status = ?, status_at = ?, note = coalesce(?, note) "
                "WHERE list_contains(?, id)", [status, at, note, [r[0] for r in changed]],
            )
            aggregates.after_change(con, "leads", [r[0] for r in changed])
    return len(changed)


def set_lead_note(store: Store, lead_id: str, note: str | None) -> bool:
    """Replace one lead's note (None clears it). False when the lead does not exist."""
    with store.write() as con:
        rows = con.sql("UPDATE leads SET note = ? WHERE id = ? RETURNING id",
                       params=[note, lead_id]).fetchall()
    return bool(rows)


def lead_outcomes(store: Store) -> pl.DataFrame:
    """One row per lead: id, platform, matched_keywords, posted_at (or fetched_at), status, status_at."""
    with store.read() as con:
        return con.sql(
            "SELECT id, platform, matched_keywords, coalesce(posted_at, fetched_at) AS posted_at, "
            "status, status_at FROM leads ORDER BY posted_at, id"
        ).pl()


def lead_events(store: Store, since: datetime | None = None) -> pl.DataFrame:
    """The status change log (lead_id, from_status, to_status, changed_at, note) in time order."""
    where, params = "", []
    if since is not None:
        where, params = "WHERE changed_at >= ?", [since]
    with store.read() as con:
        return con.sql(
            f"SELECT id, lead_id, from_status, to_status, changed_at, note FROM lead_events {where} "
            "ORDER BY changed_at, id", params=params,
        ).pl()


def replace_learned_weights(store: Store, frame: pl.DataFrame) -> int:
    """Replace the learned_weights table with ``frame`` (LEARNED_COLUMNS) in one transaction."""
    with store.write() as con:
        con.execute("DELETE FROM learned_weights")
        return insert_frame(con, "learned_weights", frame, LEARNED_COLUMNS)


def learned_weights(store: Store) -> pl.DataFrame:
    """Learned weights beside the operator's current weight (null when the term is not a keyword)."""
    with store.read() as con:
        return con.sql(
            "SELECT l.*, k.weight AS current_weight FROM learned_weights l "
            "LEFT JOIN keywords k ON k.term = l.term ORDER BY l.rate_mean DESC, l.term"
        ).pl()
