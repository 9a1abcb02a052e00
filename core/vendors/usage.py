"""Per-provider usage for the Jobs page: calls today and this minute against the limits, and
when each resets (read from the persisted quota state, counted in UTC)."""
from __future__ import annotations

from datetime import datetime, timedelta

from core.models import utcnow
from core.vendors.catalog import PROVIDERS
from core.vendors.quota import QuotaBook, next_day


def usage_rows(store, settings, now: datetime | None = None) -> list[dict]:
    from core.store.provider_usage import load_usage

    now = now or utcnow()
    book = QuotaBook(settings, load_usage(store), clock=lambda: now)
    in_chain = set(settings.price_providers) | set(settings.news_providers)
    rows = []
    for p in PROVIDERS.values():
        if not p.configured(settings) and p.name not in in_chain:
            continue
        u = book.usage(p.name)
        per_min, per_day = p.limits(settings)
        blocked = book.blocked(p.name)
        rows.append({
            "provider": p.name, "configured": p.configured(settings),
            "calls today": u.calls_day, "daily limit": per_day or None,
            "calls this minute": u.calls_minute, "per-minute limit": per_min or None,
            "status": "blocked" if blocked else "ok",
            "resets (UTC)": u.exhausted_until or (next_day(now) if per_day else
                                                   now.replace(second=0, microsecond=0) + timedelta(minutes=1)),
            "why blocked": blocked or "",
        })
    return rows
