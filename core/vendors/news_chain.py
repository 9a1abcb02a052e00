"""Company news per watchlist symbol from the first news provider that answers.

The answers go through ``core.ingest.ingest_documents`` with the vendor's adapter, i.e. the
same ids, dedup, sentiment and clusters as RSS entries (one story from RSS and NewsAPI is
one row when the URL is the same, and one cluster when the title is).
"""
from __future__ import annotations

from core.aio import run_sync
from core.models import SourceCounts, utcnow
from core.sources.news import NEWS_VENDORS
from core.sources.news.vendors import since_default
from core.sources.vendor_http import VendorError, fetch_error
from core.vendors.chain import VENDOR_MAX_ATTEMPTS, ChainRunCounts, ProviderChain
from core.vendors.quota import QuotaBook


class NewsChain(ProviderChain):
    kind = "news"

    def fetch(self, symbol: str, company: str | None, since) -> tuple[bytes | None, str | None, str | None]:
        return self.first_answer(symbol, lambda name: run_sync(self._one(name, symbol, company, since)))

    async def _one(self, name: str, symbol: str, company: str | None, since) -> bytes:
        from core.sources.http import HttpClient

        vendor = NEWS_VENDORS[name]
        req = vendor.request(symbol, self.settings, since, company)
        self._guard(name)()
        async with HttpClient(self.settings, max_attempts=VENDOR_MAX_ATTEMPTS, backoff_base_s=0.2) as http:
            res = await http.fetch(req.url, headers=req.headers, deadline_s=self._deadline())
        for _ in range(res.attempts):  # every request sent counts against the vendor's quota
            self.quota.count(name)
        if not res.ok:
            raise fetch_error(name, res.status, res.error)
        vendor.extract(res.body)  # limits and error bodies raise here, before anything is stored
        return res.body


def ingest_vendor_news(store, settings, symbols: list[str] | None = None,
                       providers: list[str] | None = None) -> SourceCounts:
    """One company-news query per symbol through the news chain; rows stored as RSS's are."""
    from core.ingest import Document, ingest_documents
    from core.store.feeds import list_watchlist
    from core.store.provider_usage import load_usage, save_usage

    providers = list(providers if providers is not None else settings.news_providers)
    if not providers:
        return SourceCounts(reasons=["no news providers configured"])
    if settings.offline:
        return SourceCounts(reasons=["offline"])
    watch = list_watchlist(store, enabled_only=True)
    names = dict(zip(watch["symbol"].to_list(), watch["name"].to_list()))
    symbols = [s.upper() for s in (symbols or list(names) or settings.watchlist)]
    quota = QuotaBook(settings, load_usage(store))
    chain = NewsChain(settings, quota, providers)
    docs, served, reasons, failed = [], {}, [], 0
    since = since_default()
    try:
        for symbol in symbols:
            body, provider, why = chain.fetch(symbol, names.get(symbol), since)
            if body is None:
                if why:
                    reasons.append(why)
                    failed += 1
                continue
            served[symbol] = provider
            docs.append(Document(f"{provider}:{symbol}", body, {}, adapter=f"{provider}_news"))
    finally:
        save_usage(store, quota.changed())
    counts = SourceCounts(reasons=reasons)
    if docs:
        report = ingest_documents(store, settings, "news", docs, now=utcnow())
        counts = report.counts
        counts.reasons = reasons + counts.reasons
    # each symbol is one input for the run's health: failed when no provider answered it
    return ChainRunCounts(counts.fetched, counts.new, counts.duplicate, counts.rejected, counts.reasons,
                          len(symbols), failed, served_by=served, attempts=chain.attempt_rows())


__all__ = ["NewsChain", "VendorError", "ingest_vendor_news"]
