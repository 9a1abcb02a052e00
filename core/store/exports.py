"""Dataset reads for exports and writes for imports. Filters are bound parameters, never SQL."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import polars as pl

from core.store import Store, aggregates


@dataclass(frozen=True)
class Dataset:
    name: str
    table: str
    time_column: str | None  # what --since/--until and the dt= partitions use
    key: tuple[str, ...]  # what makes a row the same row (import dedup)
    filters: dict[str, tuple[str, str]]  # filter name -> (column, "eq" | "contains")
    drop_on_import: tuple[str, ...] = ()  # columns the store assigns itself


DATASETS: dict[str, Dataset] = {d.name: d for d in [
    Dataset("prices", "prices", "ts", ("symbol", "interval", "ts"),
            {"symbol": ("symbol", "eq"), "interval": ("interval", "eq")}),
    Dataset("news", "news", "published_at", ("id",),
            {"ticker": ("tickers", "contains"), "source": ("source", "eq")}),
    Dataset("leads", "leads", "posted_at", ("id",),
            {"platform": ("platform", "eq"), "status": ("status", "eq")}),
    Dataset("lead_events", "lead_events", "changed_at", ("lead_id", "to_status", "changed_at"),
            {"lead": ("lead_id", "eq"), "status": ("to_status", "eq")}, drop_on_import=("id",)),
    Dataset("posts", "posts", "created_at", ("idempotency_key",),
            {"status": ("status", "eq"), "kind": ("kind", "eq"), "target": ("target", "eq")}),
    Dataset("job_runs", "job_runs", "started_at", ("run_id",),
            {"job": ("job", "eq"), "status": ("status", "eq")}),
    Dataset("learned_weights", "learned_weights", "computed_at", ("term",), {"term": ("term", "eq")}),
]}


class BadFilter(ValueError):
    """A filter the dataset does not have, said in words the operator can act on."""


def dataset(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        raise BadFilter(f"unknown dataset {name!r}: choose one of {', '.join(DATASETS)}") from None


def _where(ds: Dataset, since: date | None, until: date | None,
           filters: dict[str, str]) -> tuple[str, list]:
    clauses, params = [], []
    if ds.time_column and since:
        clauses.append(f'"{ds.time_column}" >= ?')
        params.append(datetime.combine(since, datetime.min.time()))
    if ds.time_column and until:  # inclusive day: everything before the next midnight
        clauses.append(f'"{ds.time_column}" < ?')
        params.append(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    for name, value in filters.items():
        if name not in ds.filters:
            allowed = ", ".join(ds.filters) or "none"
            raise BadFilter(f"{ds.name} has no filter {name!r}; filters: {allowed}")
        column, how = ds.filters[name]
        clauses.append(f'list_contains("{column}", ?)' if how == "contains" else f'"{column}" = ?')
        params.append(value)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_rows(store: Store, name: str, since: date | None = None, until: date | None = None,
               filters: dict[str, str] | None = None) -> int:
    ds = dataset(name)
    where, params = _where(ds, since, until, filters or {})
    with store.read() as con:
        return con.execute(f"SELECT count(*) FROM {ds.table} {where}", params).fetchall()[0][0]


def read_rows(store: Store, name: str, since: date | None = None, until: date | None = None,
              filters: dict[str, str] | None = None) -> pl.DataFrame:
    """The dataset's rows in a stable order, every column as the store types it."""
    ds = dataset(name)
    where, params = _where(ds, since, until, filters or {})
    order = ", ".join(f'"{c}"' for c in ((ds.time_column,) if ds.time_column else ()) + ds.key)
    with store.read() as con:
        return con.sql(f"SELECT * FROM {ds.table} {where} ORDER BY {order}", params=params).pl()


def empty_frame(store: Store, name: str) -> pl.DataFrame:
    """No rows, but the store's columns and types: the schema exports are read back into."""
    with store.read() as con:
        return con.sql(f"SELECT * FROM {dataset(name).table} LIMIT 0").pl()


def import_rows(store: Store, name: str, frame: pl.DataFrame) -> int:
    """Add rows the store does not hold yet (by the dataset's key). Returns how many were new."""
    ds = dataset(name)
    with store.write() as con:
        table_cols = [r[0] for r in con.execute(f"DESCRIBE {ds.table}").fetchall()]
        cols = [c for c in frame.columns if c in table_cols and c not in ds.drop_on_import]
        if frame.is_empty() or not cols:
            return 0
        quoted = ", ".join(f'"{c}"' for c in cols)
        match = " AND ".join(f'i."{k}" IS NOT DISTINCT FROM t."{k}"' for k in ds.key)
        con.register("_import", frame.select(cols).unique(list(ds.key), keep="first").to_arrow())
        try:
            added = len(con.execute(
                f"INSERT INTO {ds.table} ({quoted}) SELECT {quoted} FROM _import i "
                f"WHERE NOT EXISTS (SELECT 1 FROM {ds.table} t WHERE {match}) "
                f"ON CONFLICT DO NOTHING RETURNING 1").fetchall())
            if added:
                aggregates.after_import(con, ds.table)
            return added
        finally:
            con.unregister("_import")
