"""SQL for re-scoring stored sentiment after the scorer or its lexicon changed.

Why batches: the dashboard shares the DuckDB file, and DuckDB lets one process hold it at a
time. Reading a page of rows and writing its scores back are each their own short
``store.read()`` / ``store.write()``, so another process waits at most one batch. Pages are
walked by primary key (keyset pagination), so the walk is stable while rows are written.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from core.store import Store, aggregates

# table -> the column holding the text after the title (same composition as at ingest)
RESCORE_TABLES: dict[str, str] = {"news": "summary", "leads": "body"}


@dataclass(frozen=True)
class TextRow:
    id: str
    text: str
    sentiment: float | None
    label: str | None


def compose_text(title: str | None, extra: str | None) -> str:
    """The text the pipeline scores: ``"title. extra"``, or the title alone."""
    title = title or ""
    return f"{title}. {extra}" if extra else title


def _check(table: str) -> str:
    if table not in RESCORE_TABLES:
        raise ValueError(f"rescore: unknown table {table!r} (known: {', '.join(RESCORE_TABLES)})")
    return RESCORE_TABLES[table]


def count_rows(store: Store, table: str) -> int:
    _check(table)
    with store.read() as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def read_page(store: Store, table: str, after_id: str | None, limit: int) -> list[TextRow]:
    """Up to ``limit`` rows with id > ``after_id`` (all from the start when None), by id."""
    extra = _check(table)
    with store.read() as con:
        rows = con.execute(
            f"SELECT id, title, {extra}, sentiment, sentiment_label FROM {table} "
            "WHERE ? IS NULL OR id > ? ORDER BY id LIMIT ?",
            [after_id, after_id, int(limit)],
        ).fetchall()
    return [TextRow(r[0], compose_text(r[1], r[2]), r[3], r[4]) for r in rows]


def write_scores(store: Store, table: str, ids: list[str], compound: list[float],
                 labels: list[str]) -> int:
    """Store new scores for ``ids`` in one short transaction; returns how many rows changed."""
    _check(table)
    if not ids:
        return 0
    frame = pl.DataFrame({"id": ids, "sentiment": compound, "sentiment_label": labels},
                         schema={"id": pl.String, "sentiment": pl.Float64,
                                 "sentiment_label": pl.String})
    with store.write() as con:
        con.register("_scores", frame.to_arrow())
        try:
            changed = con.execute(
                f"UPDATE {table} AS t SET sentiment = s.sentiment, "
                "sentiment_label = s.sentiment_label FROM _scores AS s "
                "WHERE t.id = s.id AND (t.sentiment IS DISTINCT FROM s.sentiment "
                "OR t.sentiment_label IS DISTINCT FROM s.sentiment_label)"
            ).fetchone()
        finally:
            con.unregister("_scores")
        if table == "news":
            aggregates.after_change(con, table, ids)  # news sentiment per ticker and day
    return int(changed[0]) if changed else 0
