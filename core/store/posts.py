"""The Discord delivery ledger (table ``posts``): one row per item/target pair.

The row is written as ``pending`` *before* a message leaves, then moved to ``sent`` (with the
Discord message id) or ``failed`` (with the reason). Claiming a row is an
``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (or a guarded ``UPDATE ... RETURNING``), so two
clicks, two processes or a re-run can never both own the same key. ``core/publish/ledger.py``
holds the rules; this module holds the SQL.
"""
from __future__ import annotations

from datetime import datetime

import polars as pl

from core.models import PostStatus, utcnow
from core.store import Store

POST_COLUMNS = ["idempotency_key", "target", "kind", "item_id", "payload", "status",
                "discord_message_id", "error", "attempts", "created_at", "updated_at"]
_NEW_SCHEMA = {"idempotency_key": pl.String, "target": pl.String, "kind": pl.String,
               "item_id": pl.String, "payload": pl.String}


def _frame(rows: list[dict]) -> pl.DataFrame:
    """Rows plus ``ord``: created_at gets ``ord`` microseconds added so the ledger keeps the
    batch's order (a retry re-sends in the order items were first posted)."""
    frame = pl.DataFrame([{k: r.get(k) for k in _NEW_SCHEMA} for r in rows], schema=_NEW_SCHEMA)
    return frame.with_row_index("ord").with_columns(pl.col("ord").cast(pl.Int64))


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

    Keys that already have a row (in any status) are left alone and not returned.
    """
    if not rows:
        return set()
    now = now or utcnow()
    frame = _frame(rows).unique("idempotency_key", keep="first", maintain_order=True)
    with store.write() as con:
        con.register("_claim", frame.to_arrow())
        try:
            got = con.sql(
                "INSERT INTO posts (idempotency_key, target, kind, item_id, payload, status, attempts, "
                "created_at, updated_at) "
                "SELECT idempotency_key, target, kind, item_id, payload, ?, 1, "
                "CAST(? AS TIMESTAMP) + to_microseconds(ord), ? FROM _claim "
                "ON CONFLICT DO NOTHING RETURNING idempotency_key",
                params=[PostStatus.PENDING.value, now, now],
            ).fetchall()
        finally:
            con.unregister("_claim")
    return {k for (k,) in got}


def claim_failed(store: Store, keys: list[str] | None = None,
                 now: datetime | None = None) -> list[dict]:
    """Move ``failed`` rows (all, or those in ``keys``) back to ``pending`` for a retry.

    Returns the claimed rows (key, target, kind, item_id, payload, error before the retry),
    oldest first.
    """
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
    frame = _frame(rows).unique("idempotency_key", keep="last", maintain_order=True)
    with store.write() as con:
        con.register("_preview", frame.to_arrow())
        try:
            con.execute(
                "INSERT INTO posts (idempotency_key, target, kind, item_id, payload, status, attempts, "
                "created_at, updated_at) "
                "SELECT idempotency_key, target, kind, item_id, payload, ?, 0, "
                "CAST(? AS TIMESTAMP) + to_microseconds(ord), ? FROM _preview "
                "ON CONFLICT (idempotency_key) DO UPDATE SET payload = excluded.payload, "
                "updated_at = excluded.updated_at",
                [PostStatus.PREVIEW.value, now, now],
            )
        finally:
            con.unregister("_preview")
    return frame.height


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
