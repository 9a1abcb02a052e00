"""The operator's keyword table: what a lead must mention (or must not, when negative)."""
from __future__ import annotations

import polars as pl

from core.models import utcnow
from core.store import Store, scalar

KEYWORD_COLUMNS = ["term", "weight", "negative", "whole_word", "enabled"]


def list_keywords(store: Store, enabled_only: bool = False) -> pl.DataFrame:
    where = "WHERE enabled" if enabled_only else ""
    with store.read() as con:
        return con.sql(
            f"SELECT term, weight, negative, whole_word, enabled, updated_at FROM keywords {where} ORDER BY term"
        ).pl()


def upsert_keywords(store: Store, frame: pl.DataFrame) -> int:
    """Insert or replace keywords (columns KEYWORD_COLUMNS; terms are stored lower-case, trimmed)."""
    frame = frame.select(KEYWORD_COLUMNS).with_columns(
        pl.col("term").str.strip_chars().str.to_lowercase(),
        pl.lit(utcnow()).alias("updated_at"),
    ).filter(pl.col("term").str.len_chars() > 0).unique("term", keep="last")
    with store.write() as con:
        con.register("_kw", frame.to_arrow())
        con.execute(
            "INSERT INTO keywords SELECT term, weight, negative, whole_word, enabled, updated_at FROM _kw "
            "ON CONFLICT (term) DO UPDATE SET weight = excluded.weight, negative = excluded.negative, "
            "whole_word = excluded.whole_word, enabled = excluded.enabled, updated_at = excluded.updated_at"
        )
        con.unregister("_kw")
    return frame.height


def set_weights(store: Store, weights: dict[str, float]) -> None:
    """Set the weight of existing keywords (e.g. accepting learned suggestions)."""
    if not weights:
        return
    frame = pl.DataFrame({"term": list(weights), "weight": list(weights.values())})
    with store.write() as con:
        con.register("_w", frame.to_arrow())
        con.execute(
            "UPDATE keywords SET weight = _w.weight, updated_at = ? FROM _w WHERE keywords.term = _w.term",
            [utcnow()],
        )
        con.unregister("_w")


def delete_keywords(store: Store, terms: list[str]) -> None:
    with store.write() as con:
        con.execute("DELETE FROM keywords WHERE list_contains(?, term)", [terms])


def seed_keywords(store: Store, defaults: dict[str, float]) -> int:
    """Fill an empty keyword table with defaults; leaves an edited table alone."""
    with store.read() as con:
        if scalar(con, "SELECT count(*) FROM keywords"):
            return 0
    return upsert_keywords(store, pl.DataFrame({
        "term": list(defaults), "weight": list(defaults.values()),
        # short terms ("app", "bot", "api", "data") as whole words, or "app" matches "happy"
        "negative": [False] * len(defaults), "whole_word": [len(t) <= 4 for t in defaults],
        "enabled": [True] * len(defaults),
    }))


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
