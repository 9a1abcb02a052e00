"""Polygon.io aggregates: /v2/aggs/ticker/{sym}/range/{mult}/{span}/{from}/{to}.

``adjusted=true`` gives split-adjusted (not dividend-adjusted) prices: the convention as is.
Bars are stamped at their start in epoch milliseconds (daily: midnight US/Eastern). Long
ranges come in pages linked by ``next_url`` (followed with the same Bearer header; the key
is never put in the URL). Unknown symbols answer 200 with ``resultsCount: 0``.
"""
from __future__ import annotations

from core.sources.prices.base import BarsQuery
from core.sources.prices.convention import RawBar, to_convention
from core.sources.vendor_http import VendorError, VendorRequest, load_json, num, utc_from_epoch
from core.sources.yahoo import ChartData

SPANS = {"1d": (1, "day"), "1m": (1, "minute"), "5m": (5, "minute"), "15m": (15, "minute"),
         "30m": (30, "minute"), "60m": (1, "hour"), "1h": (1, "hour"), "1wk": (1, "week")}


def bearer(settings) -> dict[str, str]:
    key = settings.polygon_api_key.get_secret_value() if settings.polygon_api_key else ""
    return {"Authorization": f"Bearer {key}"}


class PolygonPrices:
    name = "polygon"
    intervals = frozenset(SPANS)

    def build_query(self, q: BarsQuery, settings) -> VendorRequest:
        from core.vendors.catalog import PROVIDERS

        mult, span = SPANS[q.interval]
        frm, to = q.since().date().isoformat(), q.until().date().isoformat()
        url = (f"{PROVIDERS[self.name].base(settings)}/v2/aggs/ticker/{q.symbol.upper()}/range/"
               f"{mult}/{span}/{frm}/{to}?adjusted=true&sort=asc&limit=50000")
        return VendorRequest(url, bearer(settings))

    def extract(self, body: bytes):
        doc = load_json(self.name, body)
        if not isinstance(doc, dict):
            raise VendorError("error", f"{self.name}: unexpected answer")
        if doc.get("status") == "ERROR" or doc.get("error"):
            text = str(doc.get("error") or doc.get("message") or "error")[:160]
            kind = "auth" if "key" in text.lower() or "authoriz" in text.lower() else "error"
            raise VendorError(kind, f"{self.name}: {text}")
        return doc

    def sniff(self, doc) -> bool:
        return isinstance(doc, dict) and "ticker" in doc and ("results" in doc or "resultsCount" in doc) \
            and "queryCount" in doc

    def transform(self, raw, q: BarsQuery) -> ChartData:
        rows = [RawBar(utc_from_epoch(r["t"] / 1000), num(r.get("o")), num(r.get("h")), num(r.get("l")), num(r.get("c")), num(r.get("v")))
                for r in (raw.get("results") or []) if isinstance(r, dict) and "t" in r]
        return to_convention(raw.get("ticker") or q.symbol, q.interval, rows, since=q.start)

    def next_page(self, raw, request, settings):
        nxt = raw.get("next_url")
        return VendorRequest(str(nxt), request.headers) if nxt else None
