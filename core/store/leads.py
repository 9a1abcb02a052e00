"""Lead rows written by ingestion (the inbox's read and status queries live elsewhere)."""
from __future__ import annotations

import polars as pl

from core.models import LEAD_ROW_SCHEMA
from core.store import Store
from core.store.news import insert_rows, known_ids

__all__ = ["known_ids", "insert_leads"]


def insert_leads(store: Store, frame: pl.DataFrame) -> list[str]:
    """Insert LEAD_SCHEMA (+ LEAD_INTENT_SCHEMA) rows (status defaults to 'new'); known ids are skipped. Returns new ids."""
    if frame.is_empty():
        return []
    missing = [c for c in LEAD_ROW_SCHEMA if c not in frame.columns]  # e.g. intent from older callers
    if missing:
        frame = frame.with_columns([pl.lit(None, dtype=LEAD_ROW_SCHEMA[c]).alias(c) for c in missing])
    frame = frame.select(list(LEAD_ROW_SCHEMA)).cast(LEAD_ROW_SCHEMA).unique("id", keep="first",
                                                                      maintain_order=True)
    return insert_rows(store, "leads", frame)
