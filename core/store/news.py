"""News rows: which ids are known already, and inserting new items (the key decides)."""
from __future__ import annotations

import polars as pl

from core.models import NEWS_SCHEMA
from core.store import Store, insert_new

_ID_TABLES = {"news", "leads"}


def known_ids(store: Store, table: str, ids: list[str]) -> set[str]:
    """The subset of ``ids`` already stored in ``table`` ('news' or 'leads'): one query."""
    if table not in _ID_TABLES:
        raise ValueError(f"known_ids: unknown table {table!r}")
    if not ids:
        return set()
    frame = pl.DataFrame({"id": list(dict.fromkeys(ids))}, schema={"id": pl.String})
    with store.read() as con:
        con.register("_ids", frame.to_arrow())
        try:
            rows = con.sql(f"SELECT t.id FROM {table} t SEMI JOIN _ids USING (id)").fetchall()
        finally:
            con.unregister("_ids")
    return {r[0] for r in rows}


def insert_news(store: Store, frame: pl.DataFrame) -> list[str]:
    """Insert NEWS_SCHEMA rows; rows whose id exists are skipped. Returns the new ids."""
    if frame.is_empty():
        return []
    frame = frame.select(list(NEWS_SCHEMA)).cast(NEWS_SCHEMA).unique("id", keep="first",
                                                                      maintain_order=True)
    with store.write() as con:
        new = insert_new(con, "news", frame, "id")
    return new["id"].to_list()


def count_news(store: Store) -> int:
    with store.read() as con:
        return con.execute("SELECT count(*) FROM news").fetchone()[0]
