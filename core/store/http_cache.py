"""Conditional-GET validators (ETag, Last-Modified) per URL, kept in ``source_state``.

A ``ValidatorCache`` for ``core.sources.http.HttpClient`` backed by the store. DuckDB lets one
process hold the file at a time and a connection must never stay open across network I/O, so
the cache reads every URL's validators in one query before the fetches (``load``) and writes
the changed ones back in one transaction after them (``flush``). In between it is a dict.

Only the ``etag`` and ``last_modified`` columns are written (an upsert naming just those), so
the health columns of the same rows (``core.store.source_health``: failures, pauses, fetch
times) are never overwritten. ``source`` is the URL.
"""
from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from core.store import Store

_SCHEMA = {"source": pl.String, "etag": pl.String, "last_modified": pl.String}


class StoreValidatorCache:
    """``load(urls)`` -> fetch with ``HttpClient(validators=cache)`` -> ``flush()``."""

    def __init__(self, store: Store):
        self.store = store
        self._known: dict[str, tuple[str | None, str | None]] = {}
        self._dirty: dict[str, tuple[str | None, str | None]] = {}

    def load(self, urls: Iterable[str]) -> int:
        """Read the stored validators of these URLs in one query; returns how many were found."""
        urls = list(dict.fromkeys(urls))
        if not urls:
            return 0
        with self.store.read() as con:
            rows = con.sql(
                "SELECT source, etag, last_modified FROM source_state WHERE list_contains(?, source)",
                params=[urls],
            ).fetchall()
        for source, etag, last_modified in rows:
            if source not in self._dirty:
                self._known[source] = (etag, last_modified)
        return len(rows)

    def get(self, url: str) -> tuple[str | None, str | None]:
        return self._known.get(url, (None, None))

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        value = (etag, last_modified)
        if self._known.get(url) != value:
            self._dirty[url] = value
        self._known[url] = value

    @property
    def pending(self) -> int:
        """Validators changed since the last flush."""
        return len(self._dirty)

    def flush(self) -> int:
        """Write changed validators in one transaction (upsert of our two columns only)."""
        if not self._dirty:
            return 0
        frame = pl.DataFrame(
            [{"source": u, "etag": e, "last_modified": lm} for u, (e, lm) in self._dirty.items()],
            schema=_SCHEMA,
        )
        with self.store.write() as con:
            con.register("_validators", frame.to_arrow())
            try:
                con.execute(
                    "INSERT INTO source_state (source, etag, last_modified) "
                    "SELECT source, etag, last_modified FROM _validators "
                    "ON CONFLICT (source) DO UPDATE SET etag = excluded.etag, "
                    "last_modified = excluded.last_modified"
                )
            finally:
                con.unregister("_validators")
        n = len(self._dirty)
        self._dirty.clear()
        return n
