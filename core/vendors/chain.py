"""The provider chain with failover: for each symbol the first provider that answers wins.

A provider is skipped -- with the reason recorded per attempt -- when it is not configured,
does not serve the interval, is out of quota (our count or the vendor's word), or was found
down earlier in the same run (so one dead vendor costs one timeout per run, not one per
symbol). "No data" (unknown symbol, empty range, a holiday) is an answer: the chain stops
there rather than spending other vendors' quotas on a question with no answer.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.aio import run_sync
from core.models import SourceCounts
from core.sources.prices import PRICE_FETCHERS, BarsQuery, fetch_bars
from core.sources.vendor_http import VendorError
from core.sources.yahoo import ChartData, YahooSource
from core.vendors.catalog import PROVIDERS
from core.vendors.quota import QuotaBook

log = logging.getLogger(__name__)

VENDOR_MAX_ATTEMPTS = 2  # per vendor request: one retry, then fail over (the next vendor waits)


@dataclass(slots=True)
class Attempt:
    symbol: str
    provider: str
    outcome: str  # served | no_data | skipped | failed
    reason: str = ""
    elapsed_s: float = 0.0


@dataclass(slots=True)
class ChainRunCounts(SourceCounts):
    """SourceCounts plus who served which symbol and every attempt's outcome (the run record;
    news runs use it too)."""

    served_by: dict[str, str] = field(default_factory=dict)
    attempts: list[dict] = field(default_factory=list)


class ProviderChain:
    """Failover over ``providers`` for one kind of data; subclasses say how to call one."""

    kind = ""

    def __init__(self, settings, quota: QuotaBook, providers: list[str]):
        self.settings = settings
        self.quota = quota
        self.providers = list(providers)
        self.down: dict[str, str] = {}  # provider -> why it is skipped for the rest of the run
        self.attempts: list[Attempt] = []

    def first_answer(self, symbol: str, call, unsupported=None, only: str | None = None,
                     label: str = ""):
        """(result of the first provider that answered, its name, reason when none did)."""
        label = label or symbol
        reasons = []
        for name in ([only] if only else self.providers):
            t0 = time.monotonic()
            skip = self._skip_reason(name) or (unsupported(name) if unsupported else None)
            if skip:
                self._note(symbol, name, "skipped", skip, t0)
                reasons.append(skip)
                continue
            try:
                result = call(name)
            except VendorError as exc:
                if exc.kind == "quota" and exc.window != "ours":
                    self.quota.exhaust(name, exc.window, exc.reason)
                if exc.kind == "auth" or (exc.kind == "down" and name != "yahoo"):
                    self.down[name] = exc.reason  # (a yahoo timeout may be one symbol's)
                if exc.kind == "no_data":
                    self._note(symbol, name, "no_data", exc.reason, t0)
                    why = exc.reason if exc.reason.startswith(label) else f"{label}: no data ({exc.reason})"
                    return None, name, why
                self._note(symbol, name, "failed", exc.reason, t0)
                reasons.append(exc.reason)
                continue
            self._note(symbol, name, "served", "", t0)
            return result, name, None
        if len(reasons) == 1 and reasons[0].startswith(label):
            return None, None, reasons[0]
        return None, None, f"{label}: no provider answered ({'; '.join(reasons) or 'empty chain'})"

    def _skip_reason(self, name: str) -> str | None:
        p = PROVIDERS[name]
        if self.kind not in p.kinds:
            return f"{name}: serves no {self.kind}"
        if not p.configured(self.settings):
            return f"{name}: not configured (SIGNALDESK_{p.key_fields[0].upper()} not set)"
        if name in self.down:
            return f"{name}: skipped for this run ({self.down[name]})"
        return self.quota.blocked(name)

    def _guard(self, name: str):
        """Runs before every request (pages too): our own count may stop a query mid-way."""
        def before():
            why = self.quota.blocked(name)
            if why:
                raise VendorError("quota", why, window="ours")
        return before

    def _deadline(self) -> float:
        return min(self.settings.http_deadline_s, 2 * self.settings.http_timeout_s + 1)

    def _note(self, symbol: str, provider: str, outcome: str, reason: str, t0: float) -> None:
        a = Attempt(symbol, provider, outcome, reason, round(time.monotonic() - t0, 3))
        self.attempts.append(a)
        if outcome == "failed":
            log.warning("provider failed, failing over: %s", reason, extra={"symbol": symbol, "provider": provider})

    def attempt_rows(self) -> list[dict]:
        return [{"symbol": a.symbol, "provider": a.provider, "outcome": a.outcome, "reason": a.reason,
                 "elapsed_s": a.elapsed_s} for a in self.attempts]


class PriceChain(ProviderChain):
    """``fetch(symbol, interval, start)`` across ``settings.price_providers`` with failover."""

    kind = "prices"

    def __init__(self, settings, quota: QuotaBook, yahoo: YahooSource | None = None,
                 providers: list[str] | None = None):
        super().__init__(settings, quota, list(providers or settings.price_providers or ["yahoo"]))
        self._yahoo = yahoo

    def yahoo(self) -> YahooSource:
        if self._yahoo is None:
            self._yahoo = YahooSource(self.settings.yahoo_timeout_s,
                                      cache_dir=Path(self.settings.data_dir) / "cache" / "yfinance",
                                      history_days=getattr(self.settings, "yahoo_history_days", None))
        return self._yahoo

    def fetch(self, symbol: str, interval: str, start=None, only: str | None = None
              ) -> tuple[ChartData | None, str | None, str | None]:
        """(data, provider that served it, reason when nothing did)."""
        def unsupported(name):
            if name != "yahoo" and interval not in PRICE_FETCHERS[name].intervals:
                return f"{name}: no {interval} bars"
            return None

        return self.first_answer(symbol, lambda name: self._call(name, symbol, interval, start),
                                 unsupported, only, label=f"{symbol} {interval}")

    def _call(self, name: str, symbol: str, interval: str, start) -> ChartData:
        if name == "yahoo":
            self.quota.count(name)
            res = self.yahoo().fetch(symbol, interval, start=start)
            if res.data is not None and res.data.bars:
                return res.data
            if res.timed_out:
                raise VendorError("down", str(res.reason))
            if res.data is not None or "no data" in (res.reason or ""):
                raise VendorError("no_data", str(res.reason))
            if "rate limited" in (res.reason or ""):
                raise VendorError("quota", str(res.reason), window="minute")
            raise VendorError("error", str(res.reason))
        q = BarsQuery(symbol, interval, start)
        return run_sync(self._vendor(name, q))

    async def _vendor(self, name: str, q: BarsQuery) -> ChartData:
        from core.sources.http import HttpClient

        deadline = self._deadline()
        async with HttpClient(self.settings, max_attempts=VENDOR_MAX_ATTEMPTS, backoff_base_s=0.2) as http:
            return await fetch_bars(PRICE_FETCHERS[name], _Deadlined(http, deadline), self.settings, q,
                                    before_call=self._guard(name),
                                    after_call=lambda status: self.quota.count(name))


class _Deadlined:
    """The HTTP client with one vendor deadline on every page of a query."""

    def __init__(self, http, deadline_s: float):
        self.http, self.deadline_s = http, deadline_s

    async def fetch(self, url: str, headers=None):
        return await self.http.fetch(url, headers=headers, deadline_s=self.deadline_s)
