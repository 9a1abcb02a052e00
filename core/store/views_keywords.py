"""Read-side queries for the Keywords page: the table beside its learned weights, and a preview.

The preview answers "how would today's leads rank with these (unsaved) weights?" by running
the same pure matcher and score the leads job uses (``core.leads.keywords``) over a bounded set of
recent leads, so the operator sees the effect before saving.
"""
from __future__ import annotations

from datetime import datetime

import polars as pl

from core.leads.keywords import KeywordMatcher, lead_score
from core.store import Store


def keyword_table(store: Store) -> pl.DataFrame:
    """Every keyword with the learned weight, its interval and evidence beside it."""
    with store.read() as con:
        return con.sql(
            """
            SELECT k.term, k.weight, k.enabled, k.negative, k.whole_word,
                   l.suggested_weight AS learned_weight, l.rate_low, l.rate_high,
                   l.conversions, l.trials, l.computed_at AS learned_at
            FROM keywords k LEFT JOIN learned_weights l USING (term)
            ORDER BY k.enabled DESC, k.weight DESC, k.term
            """).pl()


def suggested_weights(store: Store, terms: list[str] | None = None) -> dict[str, float]:
    """Learned weights for existing keywords (all, or just ``terms``)."""
    with store.read() as con:
        rows = con.execute(
            "SELECT l.term, l.suggested_weight FROM learned_weights l JOIN keywords k USING (term) "
            "WHERE ? IS NULL OR list_contains(?, l.term)", [terms, terms]).fetchall()
    return {t: float(w) for t, w in rows}


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
