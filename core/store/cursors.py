"""Paging cursors of API sources (``source_cursors``): read before a poll, saved after its rows."""
from __future__ import annotations

from core.models import utcnow
from core.store import Store


def load_cursors(store: Store, sources: list[str]) -> dict[str, tuple[float | None, str | None]]:
    if not sources:
        return {}
    with store.read() as con:
        rows = con.execute("SELECT source, position, marker FROM source_cursors WHERE list_contains(?, source)",
                           [sources]).fetchall()
    return {s: (p, m) for s, p, m in rows}


def save_cursors(store: Store, cursors: dict[str, tuple[float | None, str | None]]) -> None:
    if not cursors:
        return
    now = utcnow()
    with store.write() as con:
        for source, (position, marker) in cursors.items():
            con.execute(
                "INSERT INTO source_cursors VALUES (?, ?, ?, ?) ON CONFLICT (source) DO UPDATE SET "
                "position = excluded.position, marker = excluded.marker, updated_at = excluded.updated_at",
                [source, position, marker, now])
