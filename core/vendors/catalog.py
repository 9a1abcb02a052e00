"""The one list of data providers: what each serves, which settings hold its keys and limits.

Settings validation, the chain, the quota and the Settings/Jobs pages all read this table, so
a provider is named, keyed and limited in one place.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    kinds: frozenset[str]          # "prices", "news"
    key_fields: tuple[str, ...]    # Settings fields that must all be set (empty: needs no key)
    base_url: str
    reset: str = "UTC midnight"    # when the daily count starts again (all counted in UTC)

    def configured(self, settings) -> bool:
        return all(_secret(settings, f) for f in self.key_fields)

    def limits(self, settings) -> tuple[int, int]:
        """(calls per minute, calls per day); 0 = no limit of that kind."""
        return (int(getattr(settings, f"{self.name}_calls_per_minute", 0) or 0),
                int(getattr(settings, f"{self.name}_calls_per_day", 0) or 0))

    def base(self, settings) -> str:
        return (getattr(settings, "provider_base_urls", {}) or {}).get(self.name, self.base_url).rstrip("/")


def _secret(settings, field: str) -> str:
    value = getattr(settings, field, None)
    return value.get_secret_value() if value is not None else ""


PROVIDERS: dict[str, Provider] = {p.name: p for p in (
    Provider("yahoo", "Yahoo (yfinance)", frozenset({"prices"}), (), "https://query2.finance.yahoo.com"),
    Provider("alpha_vantage", "Alpha Vantage", frozenset({"prices", "news"}), ("alpha_vantage_api_key",),
             "https://www.alphavantage.co"),
    Provider("polygon", "Polygon.io", frozenset({"prices", "news"}), ("polygon_api_key",),
             "https://api.polygon.io"),
    Provider("finnhub", "Finnhub", frozenset({"prices", "news"}), ("finnhub_api_key",),
             "https://finnhub.io/api/v1"),
    Provider("alpaca", "Alpaca market data", frozenset({"prices", "news"}),
             ("alpaca_api_key_id", "alpaca_api_secret_key"), "https://data.alpaca.markets"),
    Provider("nasdaq_data_link", "Nasdaq Data Link", frozenset({"prices"}), ("nasdaq_data_link_api_key",),
             "https://data.nasdaq.com"),
    Provider("newsapi", "NewsAPI", frozenset({"news"}), ("newsapi_api_key",), "https://newsapi.org"),
)}


def check_chain(names: list[str]) -> list[str]:
    """Settings validator: lower-cased known names, each once (ValueError names the unknown)."""
    out: list[str] = []
    for raw in names:
        name = str(raw).strip().lower()
        if name not in PROVIDERS:
            raise ValueError(f"unknown provider {name!r}; known: {', '.join(PROVIDERS)}")
        if name not in out:
            out.append(name)
    return out


def provider_problems(settings) -> list[str]:
    """check-config: a chain naming a provider that cannot serve that kind, or has no key."""
    problems = []
    for kind, field in (("prices", "price_providers"), ("news", "news_providers")):
        for name in getattr(settings, field, []) or []:
            p = PROVIDERS[name]
            if kind not in p.kinds:
                problems.append(f"SIGNALDESK_{field.upper()}: {name} does not serve {kind} "
                                f"(it serves {', '.join(sorted(p.kinds))}).")
            elif not p.configured(settings):
                missing = [f"SIGNALDESK_{f.upper()}" for f in p.key_fields if not _secret(settings, f)]
                problems.append(f"SIGNALDESK_{field.upper()} lists {name} but {' and '.join(missing)} "
                                f"{'is' if len(missing) == 1 else 'are'} not set: it will be skipped.")
    for name, url in (getattr(settings, "provider_base_urls", {}) or {}).items():
        if name not in PROVIDERS:
            problems.append(f"provider_base_urls names unknown provider {name!r}.")
        elif not str(url).startswith(("http://", "https://")):
            problems.append(f"provider_base_urls[{name}] {url!r} is not an http(s) URL.")
    return problems


def provider_table(settings) -> list[dict]:
    """One row per provider for the Settings page: configured (keys masked), limits, chains."""
    rows = []
    for p in PROVIDERS.values():
        per_min, per_day = p.limits(settings)
        keys = ", ".join(f"{f}: {'set' if _secret(settings, f) else 'not set'}" for f in p.key_fields)
        rows.append({"provider": p.name, "serves": ", ".join(sorted(p.kinds)),
                     "configured": p.configured(settings), "keys (masked)": keys or "no key needed",
                     "calls/min": per_min or None, "calls/day": per_day or None,
                     "in price chain": p.name in settings.price_providers,
                     "in news chain": p.name in settings.news_providers})
    return rows
