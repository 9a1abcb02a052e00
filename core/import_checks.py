"""An imported export is input from outside: checked and cleaned like anything fetched.

``import-parquet`` reads files that may come from another machine, an older version, or
someone else. Before a row reaches the store: columns must have the store's types (a wrong
schema is one sentence naming the column, not a database error); sentiment must lie in
[-1, 1] with a known label; titles, bodies and authors go through the same ``to_text`` as
feeds (no markup, capped) and URLs through ``clean_url``. Rows that fail are left out and
counted with their reason.
"""
from __future__ import annotations

import polars as pl

from core.sources.text import AUTHOR_MAX, SUMMARY_MAX, TITLE_MAX, clean_url, plain_text

LABELS = ("positive", "neutral", "negative")
TEXT_LIMITS = {"title": TITLE_MAX, "summary": SUMMARY_MAX, "body": SUMMARY_MAX, "author": AUTHOR_MAX}


class ImportProblem(ValueError):
    """The file cannot be imported as this dataset; the message says which column and why."""


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType], name: str) -> pl.DataFrame:
    """``frame`` in the store's column types, or ``ImportProblem`` naming the first misfit."""
    casts = []
    for col, dtype in schema.items():
        if col not in frame.columns:
            continue
        if frame.schema[col] == dtype:
            casts.append(pl.col(col))
            continue
        try:
            frame.select(pl.col(col).cast(dtype, strict=True))
        except Exception:  # noqa: BLE001 - reported to the caller, never lost
            raise ImportProblem(f"column {col!r} holds {frame.schema[col]}, but {name} stores {dtype}: "
                                f"this file is not a {name} export") from None
        casts.append(pl.col(col).cast(dtype, strict=True))
    return frame.with_columns(casts) if casts else frame


def clean_rows(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    """Rows with valid sentiment and cleaned text; ``{reason: rows left out}``."""
    rejected: dict[str, int] = {}
    keep = pl.lit(True)
    if "sentiment" in frame.columns:
        bad = pl.col("sentiment").is_not_null() & ~pl.col("sentiment").is_between(-1.0, 1.0)
        rejected["sentiment outside [-1, 1]"] = frame.select(bad.sum()).item()
        keep = keep & ~bad
    if "sentiment_label" in frame.columns:
        bad = pl.col("sentiment_label").is_not_null() & ~pl.col("sentiment_label").is_in(LABELS)
        rejected[f"sentiment_label not one of {', '.join(LABELS)}"] = frame.select(bad.sum()).item()
        keep = keep & ~bad
    out = frame.filter(keep.fill_null(True))
    fixes = [pl.col(c).map_elements(lambda v, n=n: plain_text(v, n), return_dtype=pl.String)
             for c, n in TEXT_LIMITS.items() if c in out.columns]
    if "url" in out.columns:
        fixes.append(pl.col("url").map_elements(clean_url, return_dtype=pl.String))
    if fixes and out.height:
        out = out.with_columns(fixes)
    return out, {k: v for k, v in rejected.items() if v}
