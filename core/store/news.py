"""News rows: which ids are known already, and inserting new items (the key decides).

Two writers in one process (a scheduled poll and a "fetch now") can insert the same ids at
the same moment. DuckDB's optimistic concurrency then aborts one transaction instead of
letting ``ON CONFLICT DO NOTHING`` see the other's rows; ``insert_rows`` retries it, and the
retry inserts only what is still new. Nothing is ever stored twice either way.
"""
from __future__ import annotations

import logging
import random
import time

import duckdb
import polars as pl

from core.models import NEWS_SCHEMA
from core.store import Store, aggregates, insert_new

log = logging.getLogger(__name__)
_ID_TABLES = {"news", "leads"}
_CONFLICT_RETRIES = 5


def insert_rows(store: Store, table: str, frame: pl.DataFrame) -> list[str]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id, retried on a write-write conflict."""
    if table not in _ID_TABLES:
        raise ValueError(f"insert_rows: unknown table {table!r}")
    for attempt in range(_CONFLICT_RETRIES + 1):
        try:
            with store.write() as con:
                new = insert_new(con, table, frame, "id")["id"].to_list()
                aggregates.after_insert(con, table, frame, new)  # same transaction
                return new
        except (duckdb.TransactionException, duckdb.ConstraintException, duckdb.CatalogException) as exc:
            # CatalogException "python_arrow_scan does not exist": measured with duckdb 2.0.1 when
            # threads register Arrow data on fresh connections at the same instant (prevented now
            # by Store._connect_lock; the retry stays as a guard).
            if attempt == _CONFLICT_RETRIES or (isinstance(exc, duckdb.CatalogException)
                                                and "arrow_scan" not in str(exc)):
                raise
            log.info("insert conflicted with a concurrent writer; retrying",
                     extra={"table": table, "attempt": attempt + 1, "error": str(exc)[:200]})
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")


def known_ids(store: Store, table: str, ids: list[str]) -> set[str]:
    """The subset of ``ids`` already stored in ``table`` ('news' or 'leads'): one query.

    The ids travel as one list parameter (no Arrow registration, which races between
    threads in duckdb 2.0.1, see ``insert_rows``).
    """
    if table not in _ID_TABLES:
        raise ValueError(f"known_ids: unknown table {table!r}")
    if not ids:
        return set()
    unique = list(dict.fromkeys(ids))
    with store.read() as con:
        rows = con.execute(
            f"SELECT t.id FROM {table} t SEMI JOIN (SELECT unnest(?::VARCHAR[]) AS id) q USING (id)",
            [unique]).fetchall()
    return {r[0] for r in rows}


def insert_news(store: Store, frame: pl.DataFrame) -> list[str]:
    """Insert NEWS_SCHEMA rows; rows whose id exists are skipped. Returns the new ids."""
    if frame.is_empty():
        return []
    frame = frame.select(list(NEWS_SCHEMA)).cast(NEWS_SCHEMA).unique("id", keep="first",
                                                                      maintain_order=True)
    return insert_rows(store, "news", frame)


def count_news(store: Store) -> int:
    with store.read() as con:
        return con.execute("SELECT count(*) FROM news").fetchone()[0]
