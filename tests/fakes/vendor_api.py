"""One loopback server speaking six market-data vendors' protocols (documented shapes).

Alpha Vantage (/query, apikey param; limits and errors inside HTTP 200), Polygon
(/v2/aggs/..., Bearer or apiKey, ``next_url`` pages; /v2/reference/news), Finnhub
(/stock/candle with ``s``; /company-news; X-Finnhub-Token or token), Alpaca
(/v2/stocks/{sym}/bars with ``next_page_token``, APCA-API-* headers; /v1beta1/news), Nasdaq
Data Link (/api/v3/datasets/{db}/{code}/data.json, api_key, ``quandl_error``), NewsAPI
(/v2/everything, X-Api-Key or apiKey).

All vendors render the same underlying daily bars (``RAW_BARS``: as traded, with a 4:1
split) in their own convention -- split-adjusted for Polygon/Finnhub/Alpaca, raw plus split
coefficients for Alpha Vantage DAILY_ADJUSTED and Nasdaq Data Link EOD -- so tests can
check that every provider lands on the same stored rows. Knobs: ``mode[vendor]`` =
"limit" (the vendor's own limit answer), "429", "hang"; ``unknown`` symbols; ``page_size``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from aiohttp import web

from tests.fakes.loopback import Loopback

NY = ZoneInfo("America/New_York")
KEY = "k-SECRET-123"
SECRET = "s-SECRET-456"

# date, open, high, low, close, volume as traded; split (new per old) effective that day
RAW_BARS = [
    (date(2020, 8, 26), 504.7, 507.0, 498.3, 506.1, 40755600, 1.0),
    (date(2020, 8, 27), 508.6, 509.9, 495.3, 500.0, 38888100, 1.0),
    (date(2020, 8, 28), 504.1, 505.7, 498.3, 499.2, 46907500, 1.0),
    (date(2020, 8, 31), 127.6, 131.0, 126.0, 129.0, 225702700, 4.0),
    (date(2020, 9, 1), 132.8, 134.8, 130.5, 134.2, 151948100, 1.0),
    (date(2020, 9, 2), 137.6, 137.98, 127.0, 131.4, 200119000, 1.0),
]


def adjusted_bars(symbol_bars=RAW_BARS):
    """Split-adjusted (today's basis) view of the raw bars, as Polygon/Finnhub/Alpaca send."""
    out, factor = [], 1.0
    for d, o, h, lo, c, v, split in reversed(symbol_bars):
        out.append((d, o / factor, h / factor, lo / factor, c / factor, v * factor))
        factor *= split
    return list(reversed(out))


def _midnight_ny(d: date) -> datetime:
    return datetime.combine(d, time(0), NY).astimezone(UTC)


@dataclass
class FakeVendors:
    key: str = KEY
    secret: str = SECRET
    unknown: set = field(default_factory=lambda: {"NOPE"})
    mode: dict = field(default_factory=dict)
    page_size: int = 1000
    bars: dict = field(default_factory=lambda: {"AAPL": RAW_BARS})
    news: list = field(default_factory=list)  # (url, title, published ISO, summary)
    skew: dict = field(default_factory=dict)  # vendor -> factor on its closes (a disagreeing vendor)
    requests: list = field(default_factory=list)  # (vendor, path, query dict, headers dict)

    def __post_init__(self):
        self._loop = Loopback(self._handle, name="fake-vendors")

    def start(self) -> FakeVendors:
        self.port = self._loop.start()
        return self

    def stop(self) -> None:
        self._loop.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def base_urls(self) -> dict[str, str]:
        return {"alpha_vantage": self.base, "polygon": self.base, "finnhub": self.base + "/api/v1",
                "alpaca": self.base, "nasdaq_data_link": self.base, "newsapi": self.base}

    def calls(self, vendor: str) -> int:
        return sum(1 for r in self.requests if r[0] == vendor)

    # -- dispatch -------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path, q, h = request.path, dict(request.query), dict(request.headers)
        vendor = ("alpha_vantage" if path == "/query" else "polygon" if path.startswith(("/v2/aggs", "/v2/reference"))
                  else "finnhub" if path.startswith("/api/v1") else "alpaca" if path.startswith(("/v2/stocks", "/v1beta1"))
                  else "nasdaq_data_link" if path.startswith("/api/v3") else "newsapi" if path == "/v2/everything"
                  else "?")
        self.requests.append((vendor, path, q, h))
        mode = self.mode.get(vendor)
        if mode == "hang":
            await self._loop.stopping.wait()
            return web.Response(status=503)
        if mode == "429":
            return web.json_response({"status": "ERROR", "error": "too many requests"}, status=429)
        handler = getattr(self, f"_{vendor}", None)
        if handler is None:
            return web.json_response({"error": "no such route"}, status=404)
        return await handler(request, path, q, h, mode)

    def _json(self, doc, status=200):
        return web.Response(body=json.dumps(doc).encode(), status=status, content_type="application/json")

    # -- Alpha Vantage ----------------------------------------------------------------------

    async def _alpha_vantage(self, request, path, q, h, mode):
        if q.get("apikey") != self.key:
            return self._json({"Error Message": "the parameter apikey is invalid or missing. Please claim your free API key on (https://www.alphavantage.co/support/#api-key)."})
        if mode == "limit":
            return self._json({"Information": "Thank you for using Alpha Vantage! Our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at https://www.alphavantage.co/premium/ to instantly remove all daily rate limits."})
        if mode == "note":
            return self._json({"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day."})
        fn = q.get("function")
        if fn == "NEWS_SENTIMENT":
            return self._json({"items": str(len(self.news)), "sentiment_score_definition": "x", "feed": [
                {"title": t, "url": u, "time_published": datetime.fromisoformat(p.replace("Z", "")).strftime("%Y%m%dT%H%M%S"),
                 "summary": s, "source": "Fake Wire", "topics": [], "ticker_sentiment": []}
                for u, t, p, s in self.news]})
        sym = q.get("symbol", "")
        if sym in self.unknown or sym not in self.bars:
            return self._json({"Error Message": "Invalid API call. Please retry or visit the documentation (https://www.alphavantage.co/documentation/) for TIME_SERIES_DAILY."})
        series = {}
        adj = {b[0]: b[4] for b in adjusted_bars(self.bars[sym])}
        for d, o, hi, lo, c, v, split in self.bars[sym]:
            row = {"1. open": f"{o:.4f}", "2. high": f"{hi:.4f}", "3. low": f"{lo:.4f}", "4. close": f"{c:.4f}"}
            if fn == "TIME_SERIES_DAILY_ADJUSTED":
                row.update({"5. adjusted close": f"{adj[d]:.4f}", "6. volume": str(v), "7. dividend amount": "0.0000",
                            "8. split coefficient": f"{split:.1f}"})
            else:
                row["5. volume"] = str(v)
            series[d.isoformat()] = row
        return self._json({"Meta Data": {"1. Information": "Daily Prices", "2. Symbol": sym,
                                         "5. Time Zone": "US/Eastern"}, "Time Series (Daily)": series})

    # -- Polygon ----------------------------------------------------------------------------

    def _polygon_auth(self, q, h) -> bool:
        return h.get("Authorization") == f"Bearer {self.key}" or q.get("apiKey") == self.key

    async def _polygon(self, request, path, q, h, mode):
        if not self._polygon_auth(q, h):
            return self._json({"status": "ERROR", "request_id": "x", "error": "Unknown API Key"}, 401)
        if path == "/v2/reference/news":
            return self._json({"results": [{"id": str(i), "publisher": {"name": "Fake Wire"}, "title": t,
                                            "published_utc": p, "article_url": u, "tickers": [q.get("ticker")],
                                            "description": s} for i, (u, t, p, s) in enumerate(self.news)],
                               "status": "OK", "count": len(self.news)})
        parts = path.split("/")  # /v2/aggs/ticker/SYM/range/1/day/from/to
        sym = parts[4]
        bars = [] if sym in self.unknown else adjusted_bars(self.bars.get(sym, []))
        offset = int(q.get("cursor", 0))
        page = bars[offset:offset + self.page_size]
        doc = {"ticker": sym, "queryCount": len(page), "resultsCount": len(page), "adjusted": True,
               "status": "OK", "request_id": "r"}
        if page:
            doc["results"] = [{"o": o, "h": hi, "l": lo, "c": c, "v": v, "t": int(_midnight_ny(d).timestamp() * 1000)}
                              for d, o, hi, lo, c, v in page]
        if offset + self.page_size < len(bars):
            doc["next_url"] = f"{self.base}{path}?cursor={offset + self.page_size}"
        return self._json(doc)

    # -- Finnhub ----------------------------------------------------------------------------

    async def _finnhub(self, request, path, q, h, mode):
        if h.get("X-Finnhub-Token") != self.key and q.get("token") != self.key:
            return self._json({"error": "Invalid API key"}, 401)
        if path.endswith("/company-news"):
            return self._json([{"category": "company", "datetime": int(datetime.fromisoformat(p.replace("Z", "+00:00")).timestamp()),
                                "headline": t, "id": i, "related": q.get("symbol"), "source": "Fake Wire",
                                "summary": s, "url": u} for i, (u, t, p, s) in enumerate(self.news)])
        sym = q.get("symbol", "")
        bars = [] if sym in self.unknown else adjusted_bars(self.bars.get(sym, []))
        if not bars:
            return self._json({"s": "no_data"})
        return self._json({"s": "ok", "t": [int(datetime.combine(d, time(0), UTC).timestamp()) for d, *_ in bars],
                           "o": [b[1] for b in bars], "h": [b[2] for b in bars], "l": [b[3] for b in bars],
                           "c": [b[4] * self.skew.get("finnhub", 1.0) for b in bars], "v": [b[5] for b in bars]})

    # -- Alpaca -----------------------------------------------------------------------------

    async def _alpaca(self, request, path, q, h, mode):
        if h.get("APCA-API-KEY-ID") != self.key or h.get("APCA-API-SECRET-KEY") != self.secret:
            return self._json({"message": "forbidden"}, 403)
        if path == "/v1beta1/news":
            return self._json({"news": [{"id": i, "headline": t, "author": "x", "created_at": p, "updated_at": p,
                                         "summary": s, "url": u, "symbols": [q.get("symbols")], "source": "benzinga"}
                                        for i, (u, t, p, s) in enumerate(self.news)], "next_page_token": None})
        sym = path.split("/")[3]
        if sym in self.unknown:
            return self._json({"message": f"invalid symbol: {sym}"}, 422)
        bars = adjusted_bars(self.bars.get(sym, []))
        offset = int(q.get("page_token", 0))
        page = bars[offset:offset + self.page_size]
        token = str(offset + self.page_size) if offset + self.page_size < len(bars) else None
        return self._json({"bars": [{"t": _midnight_ny(d).strftime("%Y-%m-%dT%H:%M:%SZ"), "o": o, "h": hi, "l": lo,
                                     "c": c, "v": v, "n": 1, "vw": c} for d, o, hi, lo, c, v in page] or None,
                           "symbol": sym, "next_page_token": token})

    # -- Nasdaq Data Link ---------------------------------------------------------------------

    async def _nasdaq_data_link(self, request, path, q, h, mode):
        if q.get("api_key") != self.key:
            return self._json({"quandl_error": {"code": "QEAx01", "message": "We could not recognize your API key."}}, 400)
        if mode == "limit":
            return self._json({"quandl_error": {"code": "QELx01", "message": "You have exceeded the API speed limit."}}, 429)
        code = path.split("/")[5]
        if code in self.unknown or code not in self.bars:
            return self._json({"quandl_error": {"code": "QECx02", "message": "You have submitted an incorrect Quandl code."}}, 404)
        cols = ["Date", "Open", "High", "Low", "Close", "Volume", "Dividend", "Split", "Adj_Open", "Adj_High",
                "Adj_Low", "Adj_Close", "Adj_Volume"]
        adj = {b[0]: b for b in adjusted_bars(self.bars[code])}
        data = [[d.isoformat(), o, hi, lo, c, v, 0.0, split, *adj[d][1:5], adj[d][5]]
                for d, o, hi, lo, c, v, split in self.bars[code]]
        return self._json({"dataset_data": {"column_names": cols, "data": data, "start_date": data[0][0],
                                            "end_date": data[-1][0], "frequency": "daily"}})

    # -- NewsAPI ----------------------------------------------------------------------------

    async def _newsapi(self, request, path, q, h, mode):
        if h.get("X-Api-Key") != self.key and q.get("apiKey") != self.key:
            return self._json({"status": "error", "code": "apiKeyInvalid",
                               "message": "Your API key is invalid or incorrect."}, 401)
        if mode == "limit":
            return self._json({"status": "error", "code": "rateLimited",
                               "message": "You have made too many requests recently."}, 429)
        return self._json({"status": "ok", "totalResults": len(self.news), "articles": [
            {"source": {"id": None, "name": "Fake Wire"}, "author": "x", "title": t, "description": s, "url": u,
             "urlToImage": None, "publishedAt": p, "content": s} for u, t, p, s in self.news]})
