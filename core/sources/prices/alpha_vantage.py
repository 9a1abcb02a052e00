"""Alpha Vantage: TIME_SERIES_DAILY(_ADJUSTED) and TIME_SERIES_INTRADAY.

Quirks: limits and most errors come back as HTTP 200 -- ``{"Note": ...}`` (per-minute
limit), ``{"Information": ...}`` (daily limit, or an endpoint the plan lacks),
``{"Error Message": ...}`` (unknown symbol, bad call, bad key). The key is a query parameter.
Intraday stamps are exchange-local (Meta "Time Zone", US/Eastern), bar start; intraday is
asked with ``adjusted=false`` (AV's adjusted intraday is also dividend-adjusted).
DAILY_ADJUSTED sends raw prices with split coefficients and dividends (adjusted here);
plain DAILY sends raw prices with no split information (see docs/prices.md, Limits).
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from core.sources.prices.base import BarsQuery
from core.sources.prices.convention import RawBar, to_convention
from core.sources.vendor_http import VendorError, VendorRequest, build_url, load_json, num
from core.sources.yahoo import ChartData

AV_INTERVALS = {"1m": "1min", "5m": "5min", "15m": "15min", "30m": "30min", "60m": "60min", "1h": "60min"}


def limit_or_error(name: str, doc) -> None:
    """Raise for Alpha Vantage's answers-that-are-not-data (shared by prices and news)."""
    if not isinstance(doc, dict):
        raise VendorError("error", f"{name}: unexpected answer ({type(doc).__name__})")
    if "Note" in doc or "Information" in doc:
        text = str(doc.get("Note") or doc.get("Information"))
        low = text.lower()
        if "premium" in low and "rate limit" not in low and "per day" not in low:
            raise VendorError("auth", f"{name}: endpoint not in the plan ({text[:160]})")
        window = "day" if ("per day" in low or "daily" in low or "Information" in doc) else "minute"
        if "per minute" in low:
            window = "minute"
        raise VendorError("quota", f"{name}: limit reached ({text[:160]})", window=window)
    if "Error Message" in doc:
        text = str(doc["Error Message"])
        if "apikey" in text.lower():
            raise VendorError("auth", f"{name}: key refused ({text[:160]})")
        raise VendorError("no_data", f"{name}: unknown symbol or bad call ({text[:160]})")


class AlphaVantagePrices:
    name = "alpha_vantage"
    intervals = frozenset({"1d", *AV_INTERVALS})
    daily_function = "TIME_SERIES_DAILY"  # free tier; _ADJUSTED is read too (replay, paid plans)

    def build_query(self, q: BarsQuery, settings) -> VendorRequest:
        from core.vendors.catalog import PROVIDERS

        key = settings.alpha_vantage_api_key.get_secret_value() if settings.alpha_vantage_api_key else ""
        since = q.since()
        full = (q.until() - since).days > 100
        params = {"symbol": q.symbol.upper(), "outputsize": "full" if full else "compact",
                  "datatype": "json", "apikey": key}
        if q.interval == "1d":
            params["function"] = self.daily_function
        else:
            params.update(function="TIME_SERIES_INTRADAY", interval=AV_INTERVALS[q.interval],
                          adjusted="false", extended_hours="false")
        return VendorRequest(build_url(PROVIDERS[self.name].base(settings), "/query", params))

    def extract(self, body: bytes):
        doc = load_json(self.name, body)
        limit_or_error(self.name, doc)
        if not any(k.startswith(("Time Series", "Weekly", "Monthly")) for k in doc):
            raise VendorError("error", f"{self.name}: not a time series (keys {list(doc)[:3]})")
        return doc

    def sniff(self, doc) -> bool:
        return isinstance(doc, dict) and "Meta Data" in doc and any(k.startswith("Time Series") for k in doc)

    def transform(self, raw, q: BarsQuery) -> ChartData:
        meta = raw.get("Meta Data") or {}
        series_key = next(k for k in raw if k.startswith(("Time Series", "Weekly", "Monthly")))
        tz = ZoneInfo("America/New_York")
        zone = str(next((v for k, v in meta.items() if "Time Zone" in k), "US/Eastern"))
        try:
            tz = ZoneInfo(zone)
        except Exception:  # noqa: BLE001 - reported to the caller, never lost
            pass
        first = next(iter(raw[series_key].values()), {}) or {}
        adjusted = any("adjusted close" in k for k in first)  # DAILY_ADJUSTED: raw + splits
        rows = []
        for stamp, v in raw[series_key].items():
            vals = {k.split(". ", 1)[-1]: x for k, x in v.items()}
            try:
                when = datetime.fromisoformat(stamp)
            except ValueError:
                continue
            if q.interval != "1d" or len(stamp) > 10:
                when = when.replace(tzinfo=tz)
            else:
                when = when.date()
            rows.append(RawBar(when, num(vals.get("open")), num(vals.get("high")), num(vals.get("low")),
                               num(vals.get("close")), num(vals.get("volume")),
                               adj_close=num(vals.get("adjusted close")),
                               split=num(vals.get("split coefficient")) or 1.0,
                               dividend=num(vals.get("dividend amount")) or 0.0,
                               raw_prices=adjusted and q.interval == "1d"))
        return to_convention(q.symbol, q.interval, rows, since=q.start)

    def next_page(self, raw, request, settings):
        return None
