"""``jobs check-prices``: ask two or more providers for the same recent bars and compare closes.

Each provider's answer counts against its quota like any other call; disagreements beyond
``settings.price_disagreement_pct`` are stored as data-quality alerts (Overview, Jobs pages).
Nothing is written to the prices table: this is a check, not an ingest.
"""
from __future__ import annotations

from datetime import timedelta

from core.models import utcnow
from core.vendors.agreement import disagreements
from core.vendors.chain import PriceChain
from core.vendors.quota import QuotaBook


def check_prices(store, settings, symbols: list[str] | None = None, providers: list[str] | None = None,
                 interval: str = "1d", days: int = 10) -> dict:
    from core.prices import _watchlist
    from core.store.price_alerts import insert_alerts
    from core.store.provider_usage import load_usage, save_usage

    providers = list(providers or settings.price_providers)
    if len(providers) < 2:
        return {"status": "error", "reason": "need two providers to compare (--providers a,b)"}
    if settings.offline:
        return {"status": "error", "reason": "offline: nothing fetched"}
    symbols = [s.upper() for s in (symbols or _watchlist(store, settings))]
    quota = QuotaBook(settings, load_usage(store))
    chain = PriceChain(settings, quota, providers=providers)
    start = (utcnow() - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    alerts, compared, per_symbol = [], 0, {}
    try:
        for symbol in symbols:
            closes = {}
            for name in providers:
                data, _, reason = chain.fetch(symbol, interval, start=start, only=name)
                if data is not None:
                    closes[name] = {b.ts: b.close for b in data.bars}
            names = list(closes)
            found = []
            for other in names[1:]:
                found += disagreements(symbol, interval, names[0], closes[names[0]], other, closes[other],
                                       settings.price_disagreement_pct)
                compared += len(set(closes[names[0]]) & set(closes[other]))
            per_symbol[symbol] = {"providers": names, "disagreements": len(found)}
            alerts += found
    finally:
        save_usage(store, quota.changed())
    insert_alerts(store, alerts)
    return {"status": "ok" if not alerts else "partial", "symbols": per_symbol, "bars_compared": compared,
            "alerts": len(alerts), "attempts": chain.attempt_rows()}
