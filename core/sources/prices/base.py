"""The shape of a price fetcher (OpenBB's build query -> extract -> transform) and the loop
that runs one over the HTTP layer, page by page."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from core.models import utcnow
from core.sources.vendor_http import VendorError, VendorRequest, fetch_error
from core.sources.yahoo import ChartData, initial_lookback

MAX_PAGES = 50  # a vendor that keeps sending next-page links is cut off here, with a reason


@dataclass(frozen=True)
class BarsQuery:
    symbol: str
    interval: str
    start: datetime | None = None   # stored bar key to fetch from; None = initial lookback
    end: datetime | None = None     # naive UTC; None = now

    def since(self, history_days: int | None = None) -> datetime:
        if self.start is not None:
            return self.start
        lookback = initial_lookback(self.interval)
        if history_days and self.interval == "1d":
            lookback = timedelta(days=history_days)
        return utcnow() - lookback

    def until(self) -> datetime:
        return self.end or utcnow()


class PriceFetcher(Protocol):
    name: str
    intervals: frozenset[str]

    def build_query(self, q: BarsQuery, settings) -> VendorRequest: ...

    def extract(self, body: bytes) -> Any:
        """Bytes -> the vendor's raw answer; raises VendorError for answers that are not data."""

    def transform(self, raw: Any, q: BarsQuery) -> ChartData: ...

    def next_page(self, raw: Any, request: VendorRequest, settings) -> VendorRequest | None: ...

    def sniff(self, doc: Any) -> bool:
        """A recorded answer (parsed JSON) has this vendor's shape."""


async def fetch_bars(fetcher: PriceFetcher, http, settings, q: BarsQuery,
                     before_call: Callable[[], None] | None = None,
                     after_call: Callable[[int | None], Awaitable[None] | None] | None = None) -> ChartData:
    """All pages of one query -> one ChartData. ``before_call`` may raise VendorError (quota)
    and runs before every request; ``after_call(status)`` counts each call that was sent."""
    request: VendorRequest | None = fetcher.build_query(q, settings)
    merged: ChartData | None = None
    pages = 0
    while request is not None:
        if pages >= MAX_PAGES:
            merged = merged or ChartData(q.symbol.upper(), q.interval)
            merged.reasons.append(f"{fetcher.name}: stopped after {MAX_PAGES} pages")
            break
        if before_call is not None:
            before_call()
        res = await http.fetch(request.url, headers=request.headers)
        pages += 1
        for _ in range(res.attempts if after_call is not None else 0):
            after_call(res.status)  # every request sent counts against the vendor's quota
        if not res.ok:
            if merged is not None and merged.bars:  # a later page failed: keep what came
                merged.reasons.append(str(fetch_error(fetcher.name, res.status, res.error, getattr(fetcher, "status_kinds", None))))
                break
            raise fetch_error(fetcher.name, res.status, res.error, getattr(fetcher, "status_kinds", None))
        raw = fetcher.extract(res.body)
        page = fetcher.transform(raw, q)
        merged = page if merged is None else _merge(merged, page)
        request = fetcher.next_page(raw, request, settings)
    assert merged is not None
    if not merged.bars and not merged.rejected:
        raise VendorError("no_data", f"{fetcher.name}: no bars for {q.symbol.upper()} {q.interval} "
                                     f"in the range")
    return merged


def _merge(a: ChartData, b: ChartData) -> ChartData:
    bars = {bar.ts: bar for bar in a.bars}
    bars.update({bar.ts: bar for bar in b.bars})
    a.bars = [bars[k] for k in sorted(bars)]
    a.splits = sorted(set(a.splits) | set(b.splits))
    a.dividends = sorted(set(a.dividends) | set(b.dividends))
    a.rejected += b.rejected
    a.reasons += b.reasons
    return a
