"""Do two providers agree on a bar? Closes differing by more than the tolerance are alerts.

Pure: stored bars (from one provider) against fetched bars (from another), by bar key.
"""
from __future__ import annotations

import polars as pl

from core.models import utcnow
from core.sources.yahoo import ChartData


def disagreements(symbol: str, interval: str, a_name: str, a_closes: dict, b_name: str,
                  b_closes: dict, tolerance_pct: float) -> list[dict]:
    """Bars present in both with |a - b| / b > tolerance_pct %, as alert rows."""
    now = utcnow()
    out = []
    for ts in sorted(set(a_closes) & set(b_closes)):
        a, b = a_closes[ts], b_closes[ts]
        if not a or not b:
            continue
        pct = abs(a - b) / abs(b) * 100.0
        if pct > tolerance_pct:
            out.append({"symbol": symbol, "interval": interval, "ts": ts, "provider_a": a_name,
                        "close_a": float(a), "provider_b": b_name, "close_b": float(b),
                        "diff_pct": round(pct, 4), "detected_at": now})
    return out


def stored_vs_fetched(stored: pl.DataFrame, stored_provider: str, data: ChartData, provider: str,
                      tolerance_pct: float) -> list[dict]:
    """The failover overlap: bars stored from one provider, fetched again from another. The
    newest stored bar is left out (it may be a partial bar still being revised)."""
    if stored.is_empty() or not data.bars:
        return []
    newest = stored["ts"].max()
    mine = {ts: c for ts, c in stored.select("ts", "close").iter_rows() if ts != newest}
    theirs = {b.ts: b.close for b in data.bars}
    return disagreements(data.symbol, data.interval, stored_provider, mine, provider, theirs, tolerance_pct)


def summarise(alerts: list[dict]) -> str:
    if not alerts:
        return ""
    a = alerts[0]
    more = f" and {len(alerts) - 1} more bars" if len(alerts) > 1 else ""
    return (f"{a['symbol']} {a['interval']}: providers disagree on {a['ts']:%Y-%m-%d %H:%M}: "
            f"{a['provider_a']} {a['close_a']:.4f} vs {a['provider_b']} {a['close_b']:.4f} "
            f"({a['diff_pct']:.2f} %){more}")
