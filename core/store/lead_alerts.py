"""Reads for instant lead alerts: which new rows qualify, and how many alerts went out lately."""
from __future__ import annotations

from datetime import datetime

import polars as pl

from core.store import Store


def alert_candidates(store: Store, ids: list[str], threshold: float) -> pl.DataFrame:
    """New requests among ``ids`` with score >= threshold, best first (full lead rows)."""
    with store.read() as con:
        return con.sql("SELECT * FROM leads WHERE list_contains(?, id) AND intent = 'request' "
                       "AND score >= ? ORDER BY score DESC, id", params=[ids, float(threshold)]).pl()


def alerts_since(store: Store, kind: str, since: datetime) -> int:
    """Alerts of ``kind`` sent, pending or unknown since ``since`` (they count against the limit)."""
    with store.read() as con:
        return int(con.execute("SELECT count(*) FROM posts WHERE kind = ? AND created_at >= ? "
                               "AND status IN ('sent', 'pending', 'unknown')", [kind, since]).fetchall()[0][0])
