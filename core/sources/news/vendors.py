"""The five company-news vendors: NewsAPI, Finnhub, Polygon, Alpha Vantage, Alpaca.

Each: ``request(symbol, settings, since)`` (URL + auth), ``extract`` (JSON, vendor errors and
limits raised as VendorError), ``transform`` (articles -> FeedResult of NewsItem), ``sniff``.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from core.models import utcnow
from core.sources.news.base import articles_to_result, json_doc, when_epoch, when_iso
from core.sources.prices.alpaca import alpaca_headers
from core.sources.prices.alpha_vantage import limit_or_error
from core.sources.prices.finnhub import token
from core.sources.prices.polygon import bearer
from core.sources.vendor_http import VendorError, VendorRequest, build_url


def _base(name, settings) -> str:
    from core.vendors.catalog import PROVIDERS

    return PROVIDERS[name].base(settings)


class _NewsVendor:
    name = ""
    company_names: bool = False

    def build_query(self, target: str) -> str:  # registry protocol: a URL is fetched as is
        return target

    def extract(self, body: bytes, headers: dict | None = None):
        return json_doc(self.name, body)

    def sniff(self, doc) -> bool:
        return False


class NewsApiNews(_NewsVendor):
    """/v2/everything?q=... with X-Api-Key. Errors: {"status": "error", "code", "message"}."""

    name = "newsapi"

    def request(self, symbol: str, settings, since: datetime, company: str | None = None) -> VendorRequest:
        key = settings.newsapi_api_key.get_secret_value() if settings.newsapi_api_key else ""
        q = f'"{company}" OR {symbol}' if company else symbol
        return VendorRequest(build_url(_base(self.name, settings), "/v2/everything",
                                       {"q": q, "from": since.strftime("%Y-%m-%dT%H:%M:%S"), "language": "en",
                                        "sortBy": "publishedAt", "pageSize": 100}), {"X-Api-Key": key})

    def extract(self, body: bytes, headers: dict | None = None):
        doc = json_doc(self.name, body)
        if isinstance(doc, dict) and doc.get("status") == "error":
            code = str(doc.get("code", ""))
            kind = ("quota" if code in ("rateLimited", "maximumResultsReached") else
                    "auth" if code.startswith("apiKey") else "error")
            raise VendorError(kind, f"{self.name}: {code} {str(doc.get('message', ''))[:160]}".strip(),
                              window="day" if kind == "quota" else None)
        if not isinstance(doc, dict) or not isinstance(doc.get("articles"), list):
            raise VendorError("error", f"{self.name}: not an articles answer")
        return doc

    def sniff(self, doc) -> bool:
        return isinstance(doc, dict) and isinstance(doc.get("articles"), list) and "totalResults" in doc

    def transform(self, raw, *, source: str, kind: str, platform: str | None = None):
        return articles_to_result(raw["articles"], source, kind, lambda a: (
            a.get("url"), a.get("title"), a.get("description") or a.get("content"),
            when_iso(a.get("publishedAt")), None))


class FinnhubNews(_NewsVendor):
    """/company-news?symbol&from&to (dates) with X-Finnhub-Token: a bare list of articles."""

    name = "finnhub"

    def request(self, symbol: str, settings, since: datetime, company: str | None = None) -> VendorRequest:
        return VendorRequest(build_url(_base(self.name, settings), "/company-news",
                                       {"symbol": symbol, "from": since.date().isoformat(),
                                        "to": utcnow().date().isoformat()}), token(settings))

    def extract(self, body: bytes, headers: dict | None = None):
        doc = json_doc(self.name, body)
        if isinstance(doc, dict) and doc.get("error"):
            raise VendorError("auth", f"{self.name}: {str(doc['error'])[:160]}")
        if not isinstance(doc, list):
            raise VendorError("error", f"{self.name}: not a company-news list")
        return doc

    def sniff(self, doc) -> bool:
        return isinstance(doc, list) and bool(doc) and isinstance(doc[0], dict) and "headline" in doc[0] \
            and "datetime" in doc[0]

    def transform(self, raw, *, source: str, kind: str, platform: str | None = None):
        return articles_to_result(raw, source, kind, lambda a: (
            a.get("url"), a.get("headline"), a.get("summary"), when_epoch(a.get("datetime")),
            f"finnhub:{a['id']}" if a.get("id") is not None else None))


class PolygonNews(_NewsVendor):
    """/v2/reference/news?ticker=... with the Bearer header; ``results`` list."""

    name = "polygon"

    def request(self, symbol: str, settings, since: datetime, company: str | None = None) -> VendorRequest:
        return VendorRequest(build_url(_base(self.name, settings), "/v2/reference/news",
                                       {"ticker": symbol, "published_utc.gte": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                        "order": "desc", "limit": 100}), bearer(settings))

    def extract(self, body: bytes, headers: dict | None = None):
        doc = json_doc(self.name, body)
        if isinstance(doc, dict) and (doc.get("status") == "ERROR" or doc.get("error")):
            raise VendorError("error", f"{self.name}: {str(doc.get('error') or doc.get('message'))[:160]}")
        if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
            raise VendorError("error", f"{self.name}: not a news answer")
        return doc

    def sniff(self, doc) -> bool:
        res = doc.get("results") if isinstance(doc, dict) else None
        return isinstance(res, list) and bool(res) and isinstance(res[0], dict) and "article_url" in res[0]

    def transform(self, raw, *, source: str, kind: str, platform: str | None = None):
        return articles_to_result(raw["results"], source, kind, lambda a: (
            a.get("article_url"), a.get("title"), a.get("description"), when_iso(a.get("published_utc")),
            f"polygon:{a['id']}" if a.get("id") else None))


class AlphaVantageNews(_NewsVendor):
    """function=NEWS_SENTIMENT&tickers=...; ``feed`` list; limits inside HTTP 200."""

    name = "alpha_vantage"

    def request(self, symbol: str, settings, since: datetime, company: str | None = None) -> VendorRequest:
        key = settings.alpha_vantage_api_key.get_secret_value() if settings.alpha_vantage_api_key else ""
        return VendorRequest(build_url(_base(self.name, settings), "/query",
                                       {"function": "NEWS_SENTIMENT", "tickers": symbol,
                                        "time_from": since.strftime("%Y%m%dT%H%M"), "limit": 200,
                                        "apikey": key}))

    def extract(self, body: bytes, headers: dict | None = None):
        doc = json_doc(self.name, body)
        limit_or_error(self.name, doc)
        if not isinstance(doc.get("feed"), list):
            raise VendorError("error", f"{self.name}: not a NEWS_SENTIMENT answer")
        return doc

    def sniff(self, doc) -> bool:
        return isinstance(doc, dict) and isinstance(doc.get("feed"), list) and "sentiment_score_definition" in doc

    def transform(self, raw, *, source: str, kind: str, platform: str | None = None):
        def when(v):
            try:
                # time_published carries no zone: read as UTC, like the store's naive times
                return datetime.strptime(str(v), "%Y%m%dT%H%M%S")  # noqa: DTZ007
            except ValueError:
                return None

        return articles_to_result(raw["feed"], source, kind, lambda a: (
            a.get("url"), a.get("title"), a.get("summary"), when(a.get("time_published")), None))


class AlpacaNews(_NewsVendor):
    """/v1beta1/news?symbols=... with the APCA headers; ``news`` list, ``next_page_token``."""

    name = "alpaca"

    def request(self, symbol: str, settings, since: datetime, company: str | None = None) -> VendorRequest:
        return VendorRequest(build_url(_base(self.name, settings), "/v1beta1/news",
                                       {"symbols": symbol, "start": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                        "limit": 50, "sort": "desc"}), alpaca_headers(settings))

    def extract(self, body: bytes, headers: dict | None = None):
        doc = json_doc(self.name, body)
        if not isinstance(doc, dict) or not isinstance(doc.get("news"), list):
            raise VendorError("error", f"{self.name}: not a news answer")
        return doc

    def sniff(self, doc) -> bool:
        return isinstance(doc, dict) and isinstance(doc.get("news"), list) and "next_page_token" in doc

    def transform(self, raw, *, source: str, kind: str, platform: str | None = None):
        return articles_to_result(raw["news"], source, kind, lambda a: (
            a.get("url"), a.get("headline"), a.get("summary"), when_iso(a.get("created_at")),
            f"alpaca:{a['id']}" if a.get("id") is not None else None))


NEWS_VENDORS = {v.name: v for v in (NewsApiNews(), FinnhubNews(), PolygonNews(), AlphaVantageNews(), AlpacaNews())}


def sniff_news_provider(doc) -> str | None:
    for name, v in NEWS_VENDORS.items():
        if v.sniff(doc):
            return name
    return None


def since_default() -> datetime:
    from core.sources.news.base import NEWS_LOOKBACK_DAYS

    return utcnow() - timedelta(days=NEWS_LOOKBACK_DAYS)
