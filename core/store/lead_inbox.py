"""The lead inbox: leads ranked by score (then newest) under the operator's filters, one lead's
status history, full rows by id. Filters are bound parameters; each query has a ``LIMIT``.
"""
from __future__ import annotations

from datetime import datetime

import polars as pl

from core.store import Store
from core.store.news_search import like_pattern
from core.store.top_rows import top_rows

LEAD_INBOX_COLUMNS = ["id", "score", "title", "matched", "platform", "source", "author",
                      "posted_at", "status", "note", "url", "body", "intent", "intent_confidence",
                      "intent_reason", "score_reason"]


def lead_platforms(store: Store) -> list[str]:
    """Every platform a stored lead came from (read from the daily funnel, not every lead)."""
    with store.read() as con:
        rows = con.execute("SELECT DISTINCT platform FROM lead_funnel_daily ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def lead_inbox(store: Store, status: str | None = "new", platform: str | None = None,
               since: datetime | None = None, text: str | None = None, limit: int = 200,
               intent: str | None = "request") -> pl.DataFrame:
    """Leads ranked by score (then newest), with the matched keywords as one text column.

    ``intent`` 'request' (the inbox) also shows rows stored before intent existed (NULL);
    'offer' / 'other' show those alone; None shows every intent."""
    clauses, params = [], []
    if intent == "request":
        clauses.append("(intent = 'request' OR intent IS NULL)")
    elif intent:
        clauses.append("intent = ?")
        params.append(intent)
    if status:
        clauses.append("status = ?")
        params.append(status)
    if platform:
        clauses.append("platform = ?")
        params.append(platform)
    if since is not None:
        clauses.append("fetched_at >= ?")
        params.append(since)
    if text and text.strip():
        clauses.append("(title ILIKE ? ESCAPE '\\' OR body ILIKE ? ESCAPE '\\')")
        params += [like_pattern(text.strip())] * 2
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with store.read() as con:
        return top_rows(
            con, "leads",
            "id, score, title, array_to_string(matched_keywords, ', ') AS matched, platform, source, "
            "author, posted_at, status, note, url, left(body, 400) AS body, "
            "coalesce(intent, 'not scored') AS intent, intent_confidence, intent_reason, score_reason",
            where, "score DESC NULLS LAST, fetched_at DESC", params, limit)


def lead_events(store: Store, lead_id: str, limit: int = 50) -> pl.DataFrame:
    """The status history of one lead, newest first."""
    with store.read() as con:
        return con.sql(
            "SELECT changed_at, from_status, to_status, note FROM lead_events WHERE lead_id = ? "
            "ORDER BY changed_at DESC LIMIT ?", params=[lead_id, int(limit)]).pl()


def leads_by_ids(store: Store, ids: list[str]) -> pl.DataFrame:
    """Full lead rows for the given ids (e.g. to post them to Discord)."""
    with store.read() as con:
        return con.sql("SELECT * FROM leads WHERE list_contains(?, id) ORDER BY score DESC NULLS LAST",
                       params=[list(ids)]).pl()
