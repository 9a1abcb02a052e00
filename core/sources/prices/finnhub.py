"""Finnhub candles: /stock/candle?symbol&resolution&from&to, key in X-Finnhub-Token.

``{"s": "ok", "t": [...], "o": [...], ...}``; ``{"s": "no_data"}`` for an unknown symbol or
an empty range. Candles are split-adjusted; no dividend-adjusted close is sent (adj_close
stays unknown). Daily candles are stamped at midnight (US/Eastern or UTC): the date is kept.
"""
from __future__ import annotations

from datetime import UTC

from core.sources.prices.base import BarsQuery
from core.sources.prices.convention import RawBar, to_convention
from core.sources.vendor_http import VendorError, VendorRequest, build_url, load_json, num, utc_from_epoch
from core.sources.yahoo import ChartData

RESOLUTIONS = {"1d": "D", "1wk": "W", "1mo": "M", "1m": "1", "5m": "5", "15m": "15", "30m": "30",
               "60m": "60", "1h": "60"}


def token(settings) -> dict[str, str]:
    return {"X-Finnhub-Token": settings.finnhub_api_key.get_secret_value() if settings.finnhub_api_key else ""}


class FinnhubPrices:
    name = "finnhub"
    intervals = frozenset(RESOLUTIONS)

    def build_query(self, q: BarsQuery, settings) -> VendorRequest:
        from core.vendors.catalog import PROVIDERS

        params = {"symbol": q.symbol.upper(), "resolution": RESOLUTIONS[q.interval],
                  "from": _epoch(q.since()),
                  "to": _epoch(q.until())}
        return VendorRequest(build_url(PROVIDERS[self.name].base(settings), "/stock/candle", params),
                             token(settings))

    def extract(self, body: bytes):
        doc = load_json(self.name, body)
        if not isinstance(doc, dict):
            raise VendorError("error", f"{self.name}: unexpected answer")
        if doc.get("error"):
            raise VendorError("auth" if "access" in str(doc["error"]).lower() else "error",
                              f"{self.name}: {str(doc['error'])[:160]}")
        if doc.get("s") == "no_data":
            raise VendorError("no_data", f"{self.name}: no data (unknown symbol or empty range)")
        if doc.get("s") != "ok":
            raise VendorError("error", f"{self.name}: not a candle answer (s={doc.get('s')!r})")
        return doc

    def sniff(self, doc) -> bool:
        return isinstance(doc, dict) and doc.get("s") in ("ok", "no_data") and ("t" in doc or doc.get("s") == "no_data")

    def transform(self, raw, q: BarsQuery) -> ChartData:
        t = raw.get("t") or []
        cols = {k: list(raw.get(k) or [None] * len(t)) for k in "ohlcv"}
        if any(len(v) != len(t) for v in cols.values()):
            raise VendorError("error", f"{self.name}: candle arrays differ in length")
        rows = [RawBar(utc_from_epoch(stamp), num(cols["o"][i]), num(cols["h"][i]), num(cols["l"][i]),
                       num(cols["c"][i]), num(cols["v"][i])) for i, stamp in enumerate(t)]
        return to_convention(q.symbol, q.interval, rows, since=q.start)

    def next_page(self, raw, request, settings):
        return None


def _epoch(naive_utc) -> int:

    return int(naive_utc.replace(tzinfo=UTC).timestamp())
