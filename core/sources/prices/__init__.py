"""Price bars from every provider: one fetcher per vendor, a registry, replay by shape.

Yahoo keeps its own path (yfinance, ``core.sources.yahoo``); every other vendor is a
``PriceFetcher`` (build query -> extract -> transform) run over the shared HTTP layer by
``base.fetch_bars``. All land in the convention of ``convention.py``.
"""
from __future__ import annotations

from core.sources.prices.alpaca import AlpacaPrices
from core.sources.prices.alpha_vantage import AlphaVantagePrices
from core.sources.prices.base import BarsQuery, PriceFetcher, fetch_bars
from core.sources.prices.finnhub import FinnhubPrices
from core.sources.prices.nasdaq_data_link import NasdaqDataLinkPrices
from core.sources.prices.polygon import PolygonPrices
from core.sources.vendor_http import VendorError

PRICE_FETCHERS: dict[str, PriceFetcher] = {f.name: f for f in (
    AlphaVantagePrices(), PolygonPrices(), FinnhubPrices(), AlpacaPrices(), NasdaqDataLinkPrices())}


def price_fetcher(name: str) -> PriceFetcher:
    try:
        return PRICE_FETCHERS[name]
    except KeyError:
        raise KeyError(f"no price fetcher {name!r}; known: yahoo, {', '.join(PRICE_FETCHERS)}") from None


def sniff_price_provider(doc) -> str | None:
    """Which vendor's recorded answer this parsed JSON is (None: not a vendor shape we know)."""
    if isinstance(doc, dict) and "chart" in doc:
        return "yahoo"
    for name, f in PRICE_FETCHERS.items():
        if f.sniff(doc):
            return name
    return None


__all__ = ["PRICE_FETCHERS", "BarsQuery", "PriceFetcher", "VendorError", "fetch_bars", "price_fetcher",
           "sniff_price_provider"]
