"""The one HTTP client every source adapter fetches through (yfinance alone brings its own).

Why one layer: the old scripts had one fetch loop per vendor, each missing a different guard.
Here every fetch gets the same ones: a timeout per request (connect + whole body), a deadline
per URL (retries included), a size cap on the body, conditional GET (ETag / Last-Modified),
bounded concurrency, per-host rate limits, and retries with jittered exponential back-off.

Why aiohttp: fetches are I/O-bound and run side by side on one event loop; it is already
installed (discord.py depends on it), so it costs no new dependency; and it streams the body,
so the size cap stops reading at the cap instead of buffering a 50 MB answer first.

``fetch`` never raises for network or HTTP trouble: it returns a ``FetchResult`` whose
``error`` says in plain words what went wrong, and logs one line per failed fetch (logger
``core.sources.http``) with the host, status and reason; URLs are logged through ``safe_url``
(``core.redact.mask_url``): user info, credential parameters and token-like parts become ``***``.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

import aiohttp
from opentelemetry.trace import SpanKind
from yarl import URL

from core import tracing
from core.config import Settings
from core.redact import mask_url
from core.sources.destinations import redirect_refusal, target_problem
from core.sources.http_exchange import Outcome, exchange, scrub
from core.sources.ratelimit import DEFAULT_HOST_LIMITS, Clock, HostRateLimiter, Sleep, backoff_delays

log = logging.getLogger(__name__)

USER_AGENT = "signaldesk/0.1 (+local operator console)"


@dataclass(frozen=True)
class FetchResult:
    """What one URL gave back, including how it failed. ``body`` is b"" unless ``ok``."""

    url: str
    final_url: str | None
    status: int | None
    body: bytes
    headers: dict[str, str]
    not_modified: bool
    error: str | None
    attempts: int
    elapsed_s: float

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.error is None


class ValidatorCache(Protocol):
    """Conditional-GET state per URL: the ETag and Last-Modified of the last 200 answer."""

    def get(self, url: str) -> tuple[str | None, str | None]: ...

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None: ...


@dataclass
class MemoryValidatorCache:
    """Validators kept in a dict: for tests and one-off runs."""

    entries: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def get(self, url: str) -> tuple[str | None, str | None]:
        return self.entries.get(url, (None, None))

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.entries[url] = (etag, last_modified)


def safe_url(url: str) -> str:
    """What may be logged, stored or shown of a URL: ``core.redact.mask_url`` (credentials masked)."""
    return mask_url(url)


def authority(u: URL) -> str:
    """``host`` or ``host:port`` (when the port is explicit): the unit a server's limit covers."""
    host = (u.host or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{u.explicit_port}" if u.explicit_port else host


def _request_attributes(url: str, method: str = "GET") -> dict:
    """OpenTelemetry HTTP client attributes (semantic conventions); the URL masked by ``safe_url``."""
    try:
        u = URL(url)
        host, port = u.host, u.port
    except (ValueError, TypeError):
        host = port = None
    return {"http.request.method": method, "url.full": safe_url(url), "server.address": host,
            "server.port": port}


def _record_response(sp, r: FetchResult) -> None:
    tracing.set_attributes(sp, {
        "http.response.status_code": r.status,
        "http.response.body.size": len(r.body),
        "http.request.resend_count": max(0, r.attempts - 1) or None,
        "signaldesk.http.attempts": r.attempts,
        "signaldesk.http.cache_hit": r.not_modified,  # 304: the conditional GET's validators held
        "error.type": (str(r.status) if r.status and r.status >= 400 else "fetch_error") if r.error else None,
    })
    tracing.set_error(sp, r.error)


@dataclass
class _Progress:
    """Where one fetch is, so a deadline that strikes anywhere still yields a precise reason."""

    attempts: int = 0
    last: str | None = None     # reason of the last failed attempt
    phase: str = "waiting for a free connection slot"
    attempt_started: float = 0.0
    cut_short: bool = False     # the current request's timeout was shortened by the deadline


def _reason(what: str | None, attempts: int, deadline: float | None = None) -> str:
    """"HTTP 500 (5 attempts)", "timed out after 0.3s (3 attempts, deadline of 1s reached)"."""
    notes = [f"{attempts} attempts"] if attempts > 1 else []
    if deadline is not None:
        notes.append(f"deadline of {deadline:g}s reached")
    return f"{what} ({', '.join(notes)})" if notes else str(what)


class _GiveUp(Exception):
    """Stop this URL now with the given reason (raised only inside this module)."""


def _check_target(url: str, offline: bool) -> None:
    reason = target_problem(url, offline)
    if reason:
        raise _GiveUp(reason)


class HttpClient:
    """Shared async HTTP client: ``async with HttpClient(settings) as http: await http.fetch(url)``.

    ``clock``/``sleep``/``rng`` are injectable so the waiting policy can be tested without
    real time; network timeouts always run on the event loop's clock.
    """

    def __init__(self, settings: Settings, validators: ValidatorCache | None = None,
                 host_limits: dict[str, tuple[int, float]] | None = None,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep,
                 rng: random.Random | None = None, *, max_attempts: int = 4,
                 backoff_base_s: float = 0.5, backoff_cap_s: float = 8.0, max_redirects: int = 10,
                 user_agent: str = USER_AGENT):
        if max_attempts < 1:
            raise ValueError("max_attempts must be >= 1")
        self.settings = settings
        self.validators = validators
        self.limiter = HostRateLimiter({**DEFAULT_HOST_LIMITS, **(host_limits or {})}, clock, sleep)
        self.max_attempts = max_attempts
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._session: aiohttp.ClientSession | None = None
        self._sem: asyncio.Semaphore | None = None

    async def __aenter__(self) -> HttpClient:
        self._sem = asyncio.Semaphore(self.settings.http_concurrency)
        trace = aiohttp.TraceConfig()
        trace.on_request_headers_sent.append(self._on_headers_sent)
        self._session = aiohttp.ClientSession(
            trace_configs=[trace],
            headers={"User-Agent": self.user_agent, "Accept": "*/*"},
            # Timeouts are ours (asyncio.timeout per attempt, covering connect and the body).
            timeout=aiohttp.ClientTimeout(total=None),
            connector=aiohttp.TCPConnector(limit=self.settings.http_concurrency, ttl_dns_cache=300),
            auto_decompress=True,
        )
        return self

    async def __aexit__(self, *exc) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None

    # -- public -----------------------------------------------------------------------------

    async def fetch_many(self, urls: list[str], *, deadline_s: float | None = None) -> list[FetchResult]:
        """Fetch all URLs side by side (bounded by ``http_concurrency``); results in input order."""
        return list(await asyncio.gather(*(self.fetch(u, deadline_s=deadline_s) for u in urls)))

    async def fetch(self, url: str, *, deadline_s: float | None = None, headers: dict[str, str] | None = None,
                    method: str = "GET", data: dict[str, str] | None = None) -> FetchResult:
        """GET one URL within ``deadline_s`` (default ``settings.http_deadline_s``), retries included.

        ``headers`` (e.g. ``Authorization``) are sent on every attempt and never logged; ``method``
        and ``data`` (a form body) serve token exchanges such as Reddit's OAuth."""
        if self._session is None or self._sem is None:
            raise RuntimeError("HttpClient is used outside 'async with HttpClient(...)'")
        with tracing.span(method, _request_attributes(url, method), kind=SpanKind.CLIENT) as sp:
            result = await self._fetch(url, deadline_s, headers, method, data)
            _record_response(sp, result)
            return result

    async def _fetch(self, url: str, deadline_s: float | None, headers: dict[str, str] | None = None,
                     method: str = "GET", data: dict[str, str] | None = None) -> FetchResult:
        deadline = deadline_s if deadline_s is not None else self.settings.http_deadline_s
        start = self._clock()
        p = _Progress()
        try:
            async with asyncio.timeout(deadline):
                out = await self._fetch_with_retries(url, start + deadline, deadline, p,
                                                     dict(headers or {}), method, data)
        except TimeoutError:
            what = p.phase
            if p.phase == "request in flight":
                # a last attempt cut short by the deadline says less than the failure before it
                what = p.last or f"timed out after {self._clock() - p.attempt_started:.1f}s"
            out = Outcome(reason=_reason(what, p.attempts, deadline))
        except _GiveUp as exc:
            out = Outcome(reason=str(exc))
        except Exception as exc:  # a bug or an aiohttp surprise must not kill the whole batch
            log.exception("unexpected error while fetching", extra={"url": safe_url(url)})
            out = Outcome(reason=scrub(f"unexpected error: {type(exc).__name__}: {exc}"))
        result = FetchResult(
            url=url, final_url=out.final_url, status=out.status,
            body=out.body if out.reason is None else b"", headers=out.headers,
            not_modified=out.not_modified, error=out.reason, attempts=p.attempts,
            elapsed_s=self._clock() - start,
        )
        self._log(result)
        return result

    # -- retry loop -------------------------------------------------------------------------

    async def _fetch_with_retries(self, url: str, end: float, deadline: float, p: _Progress,
                                  headers: dict[str, str] | None = None, method: str = "GET",
                                  data: dict[str, str] | None = None) -> Outcome:
        _check_target(url, self.settings.offline)
        etag, last_modified = (self.validators.get(url) if self.validators and method == "GET"
                               else (None, None))
        headers = dict(headers or {})
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        while True:
            out = await self._attempt(url, headers, end, p, method, data)
            self._obey_quota(url, out)
            n = p.attempts
            if not out.retry:
                self._remember(url, out, etag, last_modified)
                return out
            if not (p.last and p.cut_short and out.reason.startswith("timed out")):
                p.last = out.reason  # (a timeout cut short by the deadline keeps the earlier reason)
            failed = dict(status=out.status, headers=out.headers, final_url=out.final_url)
            remaining = end - self._clock()
            delay = backoff_delays(n, self.backoff_base_s, self.backoff_cap_s, self._rng)
            if out.status == 429:
                # the server's limit is per host: pause the host, so the other URLs of this
                # host in the batch wait too instead of each earning its own 429 (also when
                # this URL has no attempt left: the host's limit holds all the same)
                if out.retry_after is not None:
                    delay = out.retry_after
                self.limiter.pause(authority(URL(out.final_url or url)), delay)
            if n >= self.max_attempts:
                return Outcome(reason=_reason(p.last, n), **failed)
            if out.status == 429 and out.retry_after is not None and delay >= remaining:
                return Outcome(reason=f"HTTP 429: gave up (Retry-After {delay:g}s exceeds "
                                       f"deadline, {max(remaining, 0):.1f}s left)", **failed)
            if delay >= remaining:
                return Outcome(reason=_reason(p.last, n, deadline), **failed)
            if out.status == 429:
                continue  # the next attempt's _slot waits out the host's pause
            p.phase = f"backing off {delay:.2f}s after {out.reason}"
            await self._sleep(delay)

    def _obey_quota(self, url: str, out: Outcome) -> None:
        """``X-Ratelimit-Remaining: 0`` (Reddit's quota headers): pause the host until the reset."""
        if out.quota_reset is not None and out.quota_remaining is not None and out.quota_remaining < 1:
            self.limiter.pause(authority(URL(out.final_url or url)), out.quota_reset)

    async def _attempt(self, url: str, headers: dict[str, str], end: float, p: _Progress,
                       method: str = "GET", data: dict[str, str] | None = None) -> Outcome:
        """One try in its own span (so the waterfall shows retries and the waits between them)."""
        with tracing.span("attempt", {"signaldesk.http.attempt": p.attempts + 1}) as sp:
            out = await self._try(url, headers, end, p, method, data)
            tracing.set_attributes(sp, {"http.response.status_code": out.status})
            tracing.set_error(sp, out.reason)
            return out

    async def _try(self, url: str, headers: dict[str, str], end: float, p: _Progress,
                   method: str = "GET", data: dict[str, str] | None = None) -> Outcome:
        """One try: the request and the redirects it leads to, each hop through the limiter.

        Redirects are followed here rather than by aiohttp so that every hop counts against
        its host's rate limit and the offline guard, and a loop is named at its first repeat.
        """
        current, seen = url, {url}
        for hops in range(self.max_redirects + 1):
            host = authority(URL(current))  # limits and 429 pauses hold per host *and port*
            async with self._slot(host, end, p) as granted:
                if hops == 0:
                    p.attempts += 1
                p.phase, p.attempt_started = "request in flight", self._clock()
                budget = min(self.settings.http_timeout_s, end - p.attempt_started)
                p.cut_short = budget < self.settings.http_timeout_s
                out = await exchange(self._session, current, headers, budget, self.settings.http_max_bytes,
                                     {"host": host, "granted": granted}, method=method, data=data)
            if out.location is None:
                return out
            try:
                nxt = str(URL(current).join(URL(out.location)))
                _check_target(nxt, self.settings.offline)
                refusal = redirect_refusal(URL(url).host or "", URL(nxt).host or "")
                if refusal:
                    raise _GiveUp(refusal)
            except (ValueError, TypeError):
                return Outcome(reason="redirect to an invalid URL", status=out.status)
            except _GiveUp as exc:
                return Outcome(reason=f"redirect refused: {exc}", status=out.status)
            if nxt in seen:
                return Outcome(reason=f"redirect loop (back to an earlier URL after {hops + 1} "
                                       f"redirect{'s' if hops else ''})", status=out.status)
            seen.add(nxt)
            current = nxt
        return Outcome(reason=f"too many redirects (more than {self.max_redirects})", status=out.status)

    @asynccontextmanager
    async def _slot(self, host: str, end: float, p: _Progress):
        """A free connection slot *and* a rate-limit slot for ``host``; yields the grant time.

        Rate-limit waits happen before taking the semaphore, so a host that must wait does not
        hold connection slots other hosts could use; the window slot is taken only once the
        request is about to go out, so the limit holds for requests actually sent.
        """
        assert self._sem is not None
        while True:
            wait = self.limiter.wait_time(host)
            if wait > 0:
                paused = self.limiter.paused_for(host)
                if self._clock() + wait >= end:
                    if paused:
                        raise _GiveUp(f"HTTP 429 from {host}: host paused for {paused:.1f}s, "
                                      "past the deadline")
                    raise _GiveUp(f"rate limit for {host}: next slot in {wait:.1f}s is past the deadline")
                p.phase = (f"waiting {wait:.2f}s: {host} answered 429" if paused else
                           f"waiting {wait:.2f}s for the rate limit of {host}")
                await self._sleep(wait)
                continue
            p.phase = "waiting for a free connection slot"
            await self._sem.acquire()
            granted = self.limiter.try_acquire(host)
            if granted is not None:
                break
            self._sem.release()
        try:
            yield granted
        finally:
            self._sem.release()

    async def _on_headers_sent(self, session, ctx, params) -> None:
        """aiohttp trace hook: count the rate-limit grant from when the request really left."""
        info = ctx.trace_request_ctx
        if isinstance(info, dict) and info.get("granted") is not None:
            now = self._clock()
            self.limiter.mark_sent(info["host"], info["granted"], now)
            info["granted"] = now

    def _remember(self, url: str, out: Outcome, sent_etag: str | None, sent_lm: str | None) -> None:
        """Store validators: the new ones from a good 200; on 304 the ones we sent (still valid)."""
        if self.validators is None:
            return
        if out.reason is None and out.status == 200:
            self.validators.put(url, out.headers.get("etag"), out.headers.get("last-modified"))
        elif out.not_modified:
            self.validators.put(url, sent_etag, sent_lm)

    def _log(self, r: FetchResult) -> None:
        try:
            host = URL(r.url).host
        except (ValueError, TypeError):
            host = None
        if r.error is None:
            log.debug("fetched", extra={"host": host, "status": r.status, "not_modified": r.not_modified,
                                        "bytes": len(r.body), "attempts": r.attempts})
            return
        log.warning("fetch failed: %s", r.error, extra={
            "host": host, "url": safe_url(r.url), "status": r.status, "reason": r.error,
            "attempts": r.attempts, "elapsed_s": round(r.elapsed_s, 3)})


__all__ = ["FetchResult", "HttpClient", "MemoryValidatorCache", "ValidatorCache", "USER_AGENT", "safe_url"]
