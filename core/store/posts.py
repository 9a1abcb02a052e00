"""The Discord delivery ledger (table ``posts``): one row per item/target pair.

The row is written as ``pending`` *before* a message leaves, then moved to ``sent`` (with the
Discord message id) or ``failed`` (with the reason). Claiming a row is an
``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (or a guarded ``UPDATE ... RETURNING``), so two
clicks, two processes or a re-run can never both own the same key. ``core/publish/ledger.py``
holds the rules; this module holds the SQL.
"""
from __future__ import annotations

import random
import time
from datetime import datetime

import duckdb
import polars as pl

from core.models import PostStatus, utcnow
from core.store import Store

POST_COLUMNS = ["idempotency_key", "target", "kind", "item_id", "payload", "status",
                "discord_message_id", "error", "attempts", "created_at", "updated_at"]
_CONFLICT_RETRIES = 8
_NEW_COLUMNS = ["idempotency_key", "target", "kind", "item_id", "payload"]


# Small batches (one click's items) go in as bound list parameters zipped by ``unnest``: no
# Arrow registration, which DuckDB's Python client does not survive from several threads at once.
_UNNEST = ("SELECT unnest(?::VARCHAR[]) AS k, unnest(?::VARCHAR[]) AS t, unnest(?::VARCHAR[]) AS kd, "
           "unnest(?::VARCHAR[]) AS i, unnest(?::VARCHAR[]) AS p, unnest(?::BIGINT[]) AS o")


def _columns(rows: list[dict], keep: str) -> list[list]:
    """Column lists for ``_UNNEST``, one row per key (first or last wins), in batch order; ``o``
    is added to created_at in microseconds so the ledger keeps the batch's order (a retry
    re-sends in the order items were first posted)."""
    by_key: dict[str, dict] = {}
    for r in rows:
        if keep == "last" or r["idempotency_key"] not in by_key:
            by_key[r["idempotency_key"]] = r
    picked = list(by_key.values())
    return [[r.get(c) for r in picked] for c in _NEW_COLUMNS] + [list(range(len(picked)))]


def statuses(store: Store, keys: list[str]) -> dict[str, str]:
    """Current status of each key that has a row."""
    if not keys:
        return {}
    with store.read() as con:
        got = con.sql("SELECT idempotency_key, status FROM posts WHERE list_contains(?, idempotency_key)",
                      params=[keys]).fetchall()
    return dict(got)


def claim_new(store: Store, rows: list[dict], now: datetime | None = None) -> set[str]:
    """Insert rows as ``pending`` (attempts 1); returns the keys this call now owns.

    Keys that already have a row (in any status) are left alone and not returned. When another
    thread claims the same keys at the same moment DuckDB aborts one transaction (write
    conflict): it is retried, and then ``ON CONFLICT DO NOTHING`` sees the winner's rows.
    """
    if not rows:
        return set()
    return _retry_conflicts(lambda: _claim_new(store, rows, now))


def _retry_conflicts(fn):
    """Run a claiming transaction again when a concurrent one made DuckDB abort it."""
    for attempt in range(_CONFLICT_RETRIES):
        try:
            return fn()
        except (duckdb.TransactionException, duckdb.ConstraintException):
            if attempt == _CONFLICT_RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1) * (1 + random.random()))
    raise AssertionError("unreachable")


def _claim_new(store: Store, rows: list[dict], now: datetime | None) -> set[str]:
    now = now or utcnow()
    cols = _columns(rows, keep="first")
    with store.write() as con:
        got = con.sql(
            "INSERT INTO posts (idempotency_key, target, kind, item_id, payload, status, attempts, "
            "created_at, updated_at) "
            f"SELECT k, t, kd, i, p, ?, 1, CAST(? AS TIMESTAMP) + to_microseconds(o), ? FROM ({_UNNEST}) "
            "ON CONFLICT DO NOTHING RETURNING idempotency_key",
            params=[PostStatus.PENDING.value, now, now, *cols],
        ).fetchall()
    return {k for (k,) in got}


def claim_failed(store: Store, keys: list[str] | None = None,
                 now: datetime | None = None) -> list[dict]:
    """Move ``failed`` rows (all, or those in ``keys``) back to ``pending`` for a retry.

    Returns the claimed rows (key, target, kind, item_id, payload, error before the retry),
    oldest first.
    """
    return _retry_conflicts(lambda: _claim_failed(store, keys, now))


def _claim_failed(store: Store, keys: list[str] | None, now: datetime | None) -> list[dict]:
    now = now or utcnow()
    where = "status = ?" + ("" if keys is None else " AND list_contains(?, idempotency_key)")
    params: list = [PostStatus.PENDING.value, now, PostStatus.FAILED.value]
    if keys is not None:
        params.append(list(keys))
    with store.write() as con:
        before = con.sql(
            f"SELECT idempotency_key, target, kind, item_id, payload, error, created_at FROM posts "
            f"WHERE {where} ORDER BY created_at, idempotency_key", params=params[2:]).pl()
        if before.is_empty():
            return []
        con.execute(
            f"UPDATE posts SET status = ?, attempts = attempts + 1, updated_at = ? WHERE {where}", params)
    return before.drop("created_at").to_dicts()


def mark_sent(store: Store, keys: list[str], message_id: str | None, now: datetime | None = None) -> None:
    _mark(store, keys, PostStatus.SENT, message_id=message_id, error=None, now=now)


def mark_failed(store: Store, keys: list[str], reason: str, now: datetime | None = None) -> None:
    _mark(store, keys, PostStatus.FAILED, message_id=None, error=reason, now=now)


def _mark(store: Store, keys: list[str], status: PostStatus, message_id: str | None,
          error: str | None, now: datetime | None) -> None:
    if not keys:
        return
    with store.write() as con:
        con.execute(
            "UPDATE posts SET status = ?, discord_message_id = ?, error = ?, updated_at = ? "
            "WHERE list_contains(?, idempotency_key) AND status = ?",
            [status.value, message_id, error, now or utcnow(), list(keys), PostStatus.PENDING.value],
        )


def record_previews(store: Store, rows: list[dict], now: datetime | None = None) -> int:
    """Store dry-run renderings as ``preview`` rows (refreshing earlier previews of the same key)."""
    if not rows:
        return 0
    now = now or utcnow()
    cols = _columns(rows, keep="last")
    with store.write() as con:
        con.execute(
            "INSERT INTO posts (idempotency_key, target, kind, item_id, payload, status, attempts, "
            "created_at, updated_at) "
            f"SELECT k, t, kd, i, p, ?, 0, CAST(? AS TIMESTAMP) + to_microseconds(o), ? FROM ({_UNNEST}) "
            "ON CONFLICT (idempotency_key) DO UPDATE SET payload = excluded.payload, "
            "updated_at = excluded.updated_at",
            [PostStatus.PREVIEW.value, now, now, *cols],
        )
    return len(cols[0])


def pending_to_unknown(store: Store, older_than: datetime, reason: str,
                       now: datetime | None = None) -> list[str]:
    """``pending`` rows last touched before ``older_than`` become ``unknown``; returns their keys."""
    with store.write() as con:
        got = con.sql(
            "UPDATE posts SET status = ?, error = ?, updated_at = ? "
            "WHERE status = ? AND updated_at < ? RETURNING idempotency_key",
            params=[PostStatus.UNKNOWN.value, reason, now or utcnow(), PostStatus.PENDING.value, older_than],
        ).fetchall()
    return sorted(k for (k,) in got)


def post_history(store: Store, limit: int = 100, status: str | None = None) -> pl.DataFrame:
    """Newest ledger rows first, for the dashboard's post log (payload left out)."""
    where = "WHERE status = ?" if status else ""
    params: list = [status] if status else []
    with store.read() as con:
        return con.sql(
            "SELECT idempotency_key, target, kind, item_id, status, discord_message_id, error, attempts, "
            f"created_at, updated_at FROM posts {where} ORDER BY updated_at DESC, idempotency_key LIMIT ?",
            params=params + [int(limit)],
        ).pl()


def get_posts(store: Store, keys: list[str]) -> pl.DataFrame:
    """Full rows (payload included) for the given keys."""
    with store.read() as con:
        return con.sql(f"SELECT {', '.join(POST_COLUMNS)} FROM posts WHERE list_contains(?, idempotency_key)",
                       params=[list(keys)]).pl()


def post_counts(store: Store) -> pl.DataFrame:
    """How many ledger rows are in each delivery status."""
    with store.read() as con:
        return con.sql("SELECT status, count(*) AS posts FROM posts GROUP BY status ORDER BY status").pl()
