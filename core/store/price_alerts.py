"""SQL for data-quality alerts: two providers disagreeing on a bar's close."""
from __future__ import annotations

import polars as pl

from core.store import Store

ALERT_SCHEMA = {"symbol": pl.String, "interval": pl.String, "ts": pl.Datetime("us"),
                "provider_a": pl.String, "close_a": pl.Float64, "provider_b": pl.String,
                "close_b": pl.Float64, "diff_pct": pl.Float64, "detected_at": pl.Datetime("us")}


def insert_alerts(store: Store, alerts: list[dict]) -> int:
    """Store alerts (a repeat of the same bar and pair updates the values). Returns how many."""
    if not alerts:
        return 0
    frame = pl.DataFrame(alerts, schema=ALERT_SCHEMA)
    with store.write() as con:
        con.register("_alerts", frame.to_arrow())
        try:
            con.execute("INSERT INTO price_alerts SELECT * FROM _alerts ON CONFLICT "
                        "(symbol, interval, ts, provider_a, provider_b) DO UPDATE SET "
                        "close_a = excluded.close_a, close_b = excluded.close_b, "
                        "diff_pct = excluded.diff_pct, detected_at = excluded.detected_at")
        finally:
            con.unregister("_alerts")
    return frame.height


def recent_alerts(store: Store, limit: int = 50, since=None) -> pl.DataFrame:
    """The newest disagreements (detected at or after ``since`` when given)."""
    with store.read() as con:
        frame = con.sql("SELECT * FROM price_alerts WHERE ? IS NULL OR detected_at >= ? "
                        "ORDER BY detected_at DESC, symbol, ts DESC LIMIT ?",
                        params=[since, since, limit]).pl()
    return frame if not frame.is_empty() else pl.DataFrame(schema=ALERT_SCHEMA)
