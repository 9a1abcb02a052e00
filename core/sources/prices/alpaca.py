"""Alpaca market data v2: /v2/stocks/{sym}/bars (and the multi-symbol /v2/stocks/bars shape).

Keys in APCA-API-KEY-ID / APCA-API-SECRET-KEY headers. ``adjustment=split`` gives the
convention's split-adjusted prices; ``t`` is the bar start in RFC 3339 UTC (daily bars at
midnight US/Eastern). Pages are linked by ``next_page_token`` (sent back as ``page_token``).
``feed=iex`` is the one feed the free plan may read.
"""
from __future__ import annotations

from yarl import URL

from core.sources.prices.base import BarsQuery
from core.sources.prices.convention import RawBar, to_convention
from core.sources.vendor_http import VendorError, VendorRequest, build_url, load_json, num, parse_time
from core.sources.yahoo import ChartData

TIMEFRAMES = {"1d": "1Day", "1wk": "1Week", "1mo": "1Month", "1m": "1Min", "5m": "5Min", "15m": "15Min",
              "30m": "30Min", "60m": "1Hour", "1h": "1Hour"}


def alpaca_headers(settings) -> dict[str, str]:
    def val(s):
        return s.get_secret_value() if s is not None else ""

    return {"APCA-API-KEY-ID": val(settings.alpaca_api_key_id),
            "APCA-API-SECRET-KEY": val(settings.alpaca_api_secret_key)}


class AlpacaPrices:
    name = "alpaca"
    intervals = frozenset(TIMEFRAMES)

    def build_query(self, q: BarsQuery, settings) -> VendorRequest:
        from core.vendors.catalog import PROVIDERS

        params = {"timeframe": TIMEFRAMES[q.interval], "start": q.since().strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "end": q.until().strftime("%Y-%m-%dT%H:%M:%SZ"), "adjustment": "split",
                  "feed": "iex", "limit": 10000}
        url = build_url(PROVIDERS[self.name].base(settings), f"/v2/stocks/{q.symbol.upper()}/bars", params)
        return VendorRequest(url, alpaca_headers(settings))

    def extract(self, body: bytes):
        doc = load_json(self.name, body)
        if not isinstance(doc, dict) or "bars" not in doc:
            msg = doc.get("message") if isinstance(doc, dict) else None
            raise VendorError("error", f"{self.name}: not a bars answer ({str(msg or '')[:120]})")
        return doc

    def sniff(self, doc) -> bool:
        return isinstance(doc, dict) and "bars" in doc and "next_page_token" in doc

    def transform(self, raw, q: BarsQuery) -> ChartData:
        bars = raw.get("bars") or []
        symbol = raw.get("symbol") or q.symbol
        if isinstance(bars, dict):  # multi-symbol shape: {"bars": {"AAPL": [...]}}
            symbol = q.symbol.upper() if q.symbol.upper() in bars else next(iter(bars), q.symbol)
            bars = bars.get(symbol) or []
        rows = []
        for b in bars:
            when = parse_time(b.get("t", "")) if isinstance(b, dict) else None
            if when is None:
                continue
            rows.append(RawBar(when, num(b.get("o")), num(b.get("h")), num(b.get("l")), num(b.get("c")),
                               num(b.get("v"))))
        return to_convention(symbol, q.interval, rows, since=q.start)

    def next_page(self, raw, request, settings):
        token = raw.get("next_page_token")
        if not token:
            return None
        url = URL(request.url)
        return VendorRequest(str(url.update_query(page_token=token)), request.headers)
