"""SQL for vendor quotas (``provider_usage``) and which provider last served a symbol."""
from __future__ import annotations

from datetime import datetime

from core.models import utcnow
from core.store import Store
from core.vendors.quota import Usage

_COLS = ("provider", "day", "calls_day", "minute_start", "calls_minute", "exhausted_until", "exhausted_reason")


def load_usage(store: Store) -> dict[str, Usage]:
    with store.read() as con:
        rows = con.execute(f"SELECT {', '.join(_COLS)} FROM provider_usage").fetchall()
    return {r[0]: Usage(*r) for r in rows}


def save_usage(store: Store, usages: list[Usage]) -> None:
    if not usages:
        return
    now = utcnow()
    with store.write() as con:
        for u in usages:  # a handful of providers: one small statement each
            con.execute(
                f"INSERT INTO provider_usage ({', '.join(_COLS)}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (provider) DO UPDATE SET day = excluded.day, calls_day = excluded.calls_day, "
                "minute_start = excluded.minute_start, calls_minute = excluded.calls_minute, "
                "exhausted_until = excluded.exhausted_until, exhausted_reason = excluded.exhausted_reason, "
                "updated_at = excluded.updated_at",
                [u.provider, u.day, u.calls_day, u.minute_start, u.calls_minute, u.exhausted_until,
                 u.exhausted_reason, now])


def served_by(store: Store, symbols: list[str], interval: str) -> dict[str, str]:
    if not symbols:
        return {}
    with store.read() as con:
        rows = con.execute("SELECT symbol, provider FROM price_provider WHERE interval = ? "
                           "AND list_contains(?, symbol)", [interval, list(symbols)]).fetchall()
    return dict(rows)


def record_served(store: Store, interval: str, served: dict[str, str], at: datetime | None = None) -> None:
    if not served:
        return
    at = at or utcnow()
    with store.write() as con:
        for symbol, provider in served.items():
            con.execute("INSERT INTO price_provider VALUES (?, ?, ?, ?) ON CONFLICT (symbol, interval) "
                        "DO UPDATE SET provider = excluded.provider, served_at = excluded.served_at",
                        [symbol, interval, provider, at])
