"""The DuckDB store: the only code in signaldesk that speaks SQL.

DuckDB lets one process at a time hold the file, so nothing keeps a connection: every access
is a short ``with store.read()`` / ``with store.write()`` that opens, works and closes, and
waits with back-off while another process holds the lock. Domain modules next to this one
(``news``, ``leads``, ``posts`` ...) hold the queries; callers use their functions.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar

import duckdb
import polars as pl
from tenacity import Retrying, retry_if_exception, stop_after_delay, wait_random_exponential

from core.store.migrate import apply_migrations

log = logging.getLogger(__name__)


class StoreBusy(RuntimeError):
    """Another process held the store for longer than the configured wait."""


def _is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


class Store:
    """A handle on one DuckDB file. Cheap to create; holds no connection."""

    _migrated: ClassVar[set[Path]] = set()
    _migrate_lock = threading.Lock()
    # duckdb 2.0.1 shares one database instance per file inside a process and drops it when the
    # last connection closes. Threads connecting at the same instant could get a new instance
    # before its Python table functions were registered: their first Arrow scan then failed
    # with "python_arrow_scan does not exist" (measured; registration names made no
    # difference). Opening connections one at a time removes that window; it costs
    # milliseconds and is never held while waiting for the other process's file lock.
    _connect_lock = threading.Lock()

    def __init__(self, path: str | Path, lock_wait_s: float = 30.0, migrate: bool = True):
        self.path = Path(path).resolve()
        self.lock_wait_s = lock_wait_s
        self._reading = threading.local()  # the open read connection of this thread, if any
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if migrate:
            self.migrate()

    @classmethod
    def from_settings(cls, settings=None) -> Store:
        from core.config import get_settings

        s = settings or get_settings()
        return cls(s.store_path, lock_wait_s=s.store_lock_wait_s)

    def _connect(self) -> duckdb.DuckDBPyConnection:
        for attempt in Retrying(
            retry=retry_if_exception(_is_lock_error),
            wait=wait_random_exponential(multiplier=0.02, max=0.5),
            stop=stop_after_delay(self.lock_wait_s),
            reraise=True,
            before_sleep=lambda rs: log.debug("store locked by another process; waiting",
                                              extra={"attempt": rs.attempt_number}),
        ):
            with attempt, Store._connect_lock:
                return duckdb.connect(str(self.path))
        raise AssertionError("unreachable")

    def connect(self) -> duckdb.DuckDBPyConnection:
        try:
            return self._connect()
        except duckdb.IOException as exc:
            if _is_lock_error(exc):
                raise StoreBusy(
                    f"the store {self.path} is held by another process and was not released "
                    f"within {self.lock_wait_s:.0f}s"
                ) from exc
            raise

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short read connection. Inside another ``read()`` of the same thread it is that one:
        a page that needs several answers wraps them in one ``read()`` and opens the file once
        (opening costs 30-90 ms, more than most bounded queries) instead of once per query."""
        outer = getattr(self._reading, "con", None)
        if outer is not None:
            yield outer
            return
        con = self.connect()
        self._reading.con = con
        if getattr(self._reading, "shared", False):
            self._reading.kept = con  # for the block's next read; closed when ``shared_reads`` ends
            yield con
            return
        try:
            yield con
        finally:
            self._reading.con = None
            con.close()

    @contextmanager
    def shared_reads(self) -> Iterator[None]:
        """Every ``read()`` of this thread inside the block shares one connection, opened by the
        first read (a block without reads opens nothing) and closed at the end: a dashboard page
        run makes several reads, and each open costs 30-90 ms. ``release()`` ends the sharing
        early, before anything slow that is not the store (network I/O)."""
        self._reading.shared = True
        try:
            yield
        finally:
            self.release()

    def release(self) -> None:
        """Close this thread's shared read connection, if any, and read unshared from here on."""
        self._reading.shared = False
        kept, self._reading.kept = getattr(self._reading, "kept", None), None
        if kept is not None:
            if self._reading.con is kept:
                self._reading.con = None
            kept.close()

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction: everything inside commits whole or not at all."""
        con = self.connect()
        try:
            con.begin()
            try:
                yield con
            except BaseException:
                con.rollback()
                raise
            con.commit()
        finally:
            con.close()

    def migrate(self) -> list[int]:
        with Store._migrate_lock:
            if self.path in Store._migrated:
                return []
            con = self.connect()
            try:
                applied = apply_migrations(con)
            finally:
                con.close()
            Store._migrated.add(self.path)
            if applied:
                log.info("store migrated", extra={"path": str(self.path), "applied": applied})
            return applied


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    """The single value of a one-row, one-column query (the result is finished, not left open)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame,
                 columns: list[str]) -> int:
    """Append ``frame``'s ``columns`` to ``table`` in one statement (an Arrow scan, no row loop).

    For tables the caller has just cleared (replace-all writes). ``table`` and ``columns`` come
    from code, never from users. Returns the number of rows written.
    """
    if frame.is_empty():
        return 0
    con.register("_frame", frame.select(columns).to_arrow())
    try:
        cols = ", ".join(f'"{c}"' for c in columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _frame")
    finally:
        con.unregister("_frame")
    return frame.height


def insert_new(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame,
               key: str | tuple[str, ...]) -> pl.DataFrame:
    """Insert rows the table does not hold yet; the key decides. Returns the new keys.

    ``key`` is the table's primary key: one column or several. ``table`` and ``key`` come
    from code, never from users. Known keys are skipped by ``ON CONFLICT DO NOTHING``, which
    probes the key's index per incoming row, so the cost follows the batch, not the table (an
    ``ANTI JOIN`` against the table scanned every stored key: 0.04 s at 1 M news, 0.21 s at
    10 M, for 1,000 incoming rows; ``ON CONFLICT`` alone 0.015 s at both).
    """
    keys = (key,) if isinstance(key, str) else tuple(key)
    if frame.is_empty():
        return frame.select(keys).clear()
    con.register("_incoming", frame.to_arrow())
    try:
        cols = ", ".join(f'"{c}"' for c in frame.columns)
        using = ", ".join(f'"{k}"' for k in keys)
        return con.sql(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _incoming "
            f"ON CONFLICT DO NOTHING RETURNING {using}"
        ).pl()
    finally:
        con.unregister("_incoming")
