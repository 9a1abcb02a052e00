"""How recent leads would rank with unsaved keyword weights (the Keywords page's preview).

It runs the same pure matcher and score the leads job uses (``core.leads.keywords``) over a bounded
set of recent leads, so the operator sees the effect before saving.
"""
from __future__ import annotations

from datetime import datetime

import polars as pl

from core.leads.keywords import KeywordMatcher, lead_score
from core.store import Store


def recent_leads_text(store: Store, since: datetime, limit: int = 500) -> pl.DataFrame:
    with store.read() as con:
        return con.sql(
            "SELECT id, title, coalesce(title, '') || ' ' || coalesce(body, '') AS text, posted_at, score "
            "FROM leads WHERE fetched_at >= ? ORDER BY fetched_at DESC LIMIT ?",
            params=[since, int(limit)]).pl()


def preview_ranking(store: Store, keywords: pl.DataFrame, now: datetime, since: datetime,
                    limit: int = 500) -> pl.DataFrame:
    """Recent leads re-scored with ``keywords`` (unsaved edits), best first, with old rank."""
    leads = recent_leads_text(store, since, limit)
    schema = {"new_rank": pl.Int64, "old_rank": pl.Int64, "new_score": pl.Float64, "old_score": pl.Float64,
              "title": pl.String, "matched": pl.String, "excluded_by": pl.String, "id": pl.String}
    if leads.is_empty():
        return pl.DataFrame(schema=schema)
    matcher = KeywordMatcher.from_frame(keywords)
    rows = []
    for r in leads.iter_rows(named=True):
        m = matcher.match(r["text"])
        rows.append({"id": r["id"], "title": r["title"], "old_score": r["score"],
                     "new_score": lead_score(m, r["posted_at"], now), "matched": ", ".join(m.terms),
                     "excluded_by": m.excluded_by})
    frame = pl.DataFrame(rows, schema={k: schema[k] for k in
                                       ["id", "title", "old_score", "new_score", "matched", "excluded_by"]})
    frame = frame.with_columns(
        pl.col("old_score").rank("ordinal", descending=True).cast(pl.Int64).alias("old_rank"),
        pl.col("new_score").rank("ordinal", descending=True).cast(pl.Int64).alias("new_rank"),
    ).sort("new_rank")
    return frame.select(list(schema))
