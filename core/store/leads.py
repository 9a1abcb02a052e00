"""Lead rows written by ingestion (the inbox's read and status queries live elsewhere)."""
from __future__ import annotations

import polars as pl

from core.models import LEAD_SCHEMA
from core.store import Store
from core.store.news import insert_rows, known_ids

__all__ = ["known_ids", "insert_leads"]


def insert_leads(store: Store, frame: pl.DataFrame) -> list[str]:
    """Insert LEAD_SCHEMA rows (status defaults to 'new'); known ids are skipped. Returns new ids."""
    if frame.is_empty():
        return []
    frame = frame.select(list(LEAD_SCHEMA)).cast(LEAD_SCHEMA).unique("id", keep="first",
                                                                      maintain_order=True)
    return insert_rows(store, "leads", frame)
