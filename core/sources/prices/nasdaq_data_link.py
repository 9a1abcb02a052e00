"""Nasdaq Data Link (legacy Quandl) time series: /api/v3/datasets/{db}/{code}/data.json.

Answers ``{"dataset_data": {"column_names": [...], "data": [[date, ...], ...]}}`` (``dataset``
and the v1 top-level shape are read too). Columns differ per database: EOD/WIKI send raw
prices with ``Split``/``Split Ratio`` and ``Dividend``/``Ex-Dividend`` (adjusted here) and an
adjusted close (``Adj_Close`` / ``Adj. Close`` / ``Adjusted Close``). Daily bars only. The
key is the ``api_key`` query parameter.
"""
from __future__ import annotations

from datetime import date
from typing import ClassVar

from core.sources.prices.base import BarsQuery
from core.sources.prices.convention import RawBar, to_convention
from core.sources.vendor_http import VendorError, VendorRequest, build_url, load_json, num
from core.sources.yahoo import ChartData

_ALIASES = {
    "date": ("date", "trade date"),
    "open": ("open",), "high": ("high",), "low": ("low",),
    "close": ("close", "last", "index value"),
    "volume": ("volume", "total trade quantity"),
    "adj_close": ("adj_close", "adj. close", "adjusted close", "adj close"),
    "split": ("split", "split ratio"),
    "dividend": ("dividend", "ex-dividend"),
}


def _columns(names: list[str]) -> dict[str, int]:
    low = [str(n).strip().lower() for n in names]
    out = {}
    for key, aliases in _ALIASES.items():
        for a in aliases:
            if a in low:
                out[key] = low.index(a)
                break
    return out


class NasdaqDataLinkPrices:
    name = "nasdaq_data_link"
    intervals = frozenset({"1d"})
    status_kinds: ClassVar[dict[int, str]] = {400: "auth"}  # QEAx01 "could not recognize your API key" comes as HTTP 400

    def build_query(self, q: BarsQuery, settings) -> VendorRequest:
        from core.vendors.catalog import PROVIDERS

        key = settings.nasdaq_data_link_api_key.get_secret_value() if settings.nasdaq_data_link_api_key else ""
        db = settings.nasdaq_data_link_database
        params = {"start_date": q.since().date().isoformat(), "end_date": q.until().date().isoformat(),
                  "order": "asc", "api_key": key}
        return VendorRequest(build_url(PROVIDERS[self.name].base(settings),
                                       f"/api/v3/datasets/{db}/{q.symbol.upper()}/data.json", params))

    def extract(self, body: bytes):
        doc = load_json(self.name, body)
        if isinstance(doc, dict) and "quandl_error" in doc:
            err = doc["quandl_error"] or {}
            code, msg = str(err.get("code", "")), str(err.get("message", ""))[:160]
            kind = ("quota" if code.startswith("QELx") else "auth" if code.startswith("QEAx")
                    else "no_data" if code.startswith("QECx") else "error")
            raise VendorError(kind, f"{self.name}: {code} {msg}".strip(), window="day" if kind == "quota" else None)
        table = self._table(doc)
        if table is None:
            raise VendorError("error", f"{self.name}: not a dataset answer")
        return table

    @staticmethod
    def _table(doc):
        if not isinstance(doc, dict):
            return None
        for key in ("dataset_data", "dataset"):
            if isinstance(doc.get(key), dict) and "column_names" in doc[key]:
                return doc[key]
        return doc if "column_names" in doc else None

    def sniff(self, doc) -> bool:
        return self._table(doc) is not None

    def transform(self, raw, q: BarsQuery) -> ChartData:
        cols = _columns(raw.get("column_names") or [])
        if "date" not in cols or "close" not in cols:
            raise VendorError("error", f"{self.name}: no Date/Close columns in {raw.get('column_names')}")
        symbol = raw.get("dataset_code") or raw.get("code") or q.symbol
        adjust = "split" in cols
        rows = []
        for r in raw.get("data") or []:
            try:
                day = date.fromisoformat(str(r[cols["date"]])[:10])
            except (ValueError, IndexError):
                continue

            def get(k, r=r):
                return num(r[cols[k]]) if k in cols and cols[k] < len(r) else None

            rows.append(RawBar(day, get("open"), get("high"), get("low"), get("close"), get("volume"),
                               adj_close=get("adj_close"), split=get("split") or 1.0,
                               dividend=get("dividend") or 0.0, raw_prices=adjust))
        return to_convention(q.symbol or symbol, "1d", rows, since=q.start)

    def next_page(self, raw, request, settings):
        return None
