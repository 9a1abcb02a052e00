"""Recorded vendor answers -> ChartData through the same extract/transform as live fetches.

The provider is named (``--provider``) or recognised by the answer's shape; symbol and
interval come from, in order: the caller, the answer itself, the recorded request URL, the
file name (``AAPL.json``, ``AAPL_5m.json``).
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from core.sources.prices import PRICE_FETCHERS, BarsQuery, sniff_price_provider
from core.sources.vendor_http import VendorError
from core.sources.yahoo import INTERVALS, ChartData, ChartError

_AV_SERIES = re.compile(r"Time Series \((\d+)min\)")
_URL_INTERVALS = {"day": "1d", "week": "1wk", "D": "1d", "W": "1wk", "1Day": "1d", "1Week": "1wk",
                  "minute": "1m", "1Min": "1m", "5Min": "5m", "15Min": "15m", "30Min": "30m", "1Hour": "1h",
                  "1": "1m", "5": "5m", "15": "15m", "30": "30m", "60": "1h"}


def _from_doc(provider: str, doc) -> tuple[str | None, str | None]:
    if provider == "alpha_vantage":
        meta = doc.get("Meta Data") or {}
        sym = next((v for k, v in meta.items() if "Symbol" in k), None)
        key = next((k for k in doc if k.startswith("Time Series")), "")
        m = _AV_SERIES.search(key)
        return sym, (f"{m.group(1)}m" if m else "1d")
    if provider == "polygon":
        return doc.get("ticker"), None
    if provider == "alpaca":
        bars = doc.get("bars")
        return doc.get("symbol") or (next(iter(bars)) if isinstance(bars, dict) and bars else None), None
    if provider == "nasdaq_data_link":
        table = PRICE_FETCHERS[provider]._table(doc) or {}
        return table.get("dataset_code") or table.get("code"), "1d"
    return None, None


def _from_url(provider: str, url: str) -> tuple[str | None, str | None]:
    if not url:
        return None, None
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path = parts.path.split("/")
    sym = q.get("symbol") or q.get("symbols")
    interval = None
    if provider == "polygon" and "range" in path:
        i = path.index("range")
        sym = path[i - 1]
        mult, span = path[i + 1], path[i + 2]
        interval = _URL_INTERVALS.get(span) if mult == "1" else f"{mult}m" if span == "minute" else None
    elif provider == "alpaca":
        sym = sym or (path[3] if len(path) > 4 and path[2] == "stocks" else None)
        interval = _URL_INTERVALS.get(q.get("timeframe", ""))
    elif provider == "finnhub":
        interval = _URL_INTERVALS.get(q.get("resolution", ""))
    elif provider == "nasdaq_data_link" and "datasets" in path:
        sym = path[path.index("datasets") + 2]
    return sym, interval


def vendor_chart(doc, provider: str | None, symbol: str | None, interval: str | None,
                 url: str = "", path: Path | None = None) -> ChartData:
    """One recorded vendor answer -> ChartData; ChartError with the reason when it is not one."""
    provider = provider or sniff_price_provider(doc)
    if provider is None or provider == "yahoo":
        raise ChartError("not a recorded vendor answer")
    if provider not in PRICE_FETCHERS:
        raise ChartError(f"unknown price provider {provider!r}; known: yahoo, {', '.join(PRICE_FETCHERS)}")
    fetcher = PRICE_FETCHERS[provider]
    doc_sym, doc_iv = _from_doc(provider, doc) if isinstance(doc, dict) else (None, None)
    url_sym, url_iv = _from_url(provider, url)
    name_sym, name_iv = None, None
    if path is not None:
        parts = path.stem.split("_")
        name_sym = parts[0].upper() or None
        name_iv = parts[1] if len(parts) > 1 and parts[1] in INTERVALS else None
    symbol = (symbol or doc_sym or url_sym or name_sym or "").upper()
    interval = interval or doc_iv or url_iv or name_iv or "1d"
    if not symbol:
        raise ChartError(f"{provider}: the answer names no symbol: pass --symbol")
    if interval not in fetcher.intervals:
        raise ChartError(f"{provider}: no {interval} bars")
    try:
        raw = fetcher.extract(json.dumps(doc).encode())
        data = fetcher.transform(raw, BarsQuery(symbol, interval))
    except VendorError as exc:
        raise ChartError(exc.reason) from None
    if not data.bars and not data.reasons:
        data.reasons.append(f"{symbol} {interval}: no data (no bars in the answer)")
    return data
