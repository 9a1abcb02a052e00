"""One HTTP exchange and what it means: a request sent, its answer read and classified.

Split from ``core.sources.http`` along the seam between *one* request (status codes, size
cap while streaming, every aiohttp failure turned into a plain reason and a retry verdict)
and the *policy* around it (deadline, retries, back-off, limits), which lives there.
Redirects are not followed here: the client follows them hop by hop through its limiter.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import aiohttp

from core.redact import mask_text
from core.sources.ratelimit import parse_retry_after

_CHUNK = 64 * 1024
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class Outcome:
    """One attempt's result: final (``retry`` False) or a reason to try again."""

    reason: str | None = None
    retry: bool = False
    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    not_modified: bool = False
    retry_after: float | None = None
    location: str | None = None   # a redirect to follow
    quota_remaining: float | None = None  # X-Ratelimit-Remaining (Reddit): requests left ...
    quota_reset: float | None = None  # ... until X-Ratelimit-Reset seconds from now


async def exchange(session: aiohttp.ClientSession, url: str, headers: dict[str, str], budget: float,
                   cap: int, trace: dict | None = None, *, method: str = "GET",
                   data: dict[str, str] | None = None) -> Outcome:
    """One HTTP request, no redirects followed; classifies every failure into a reason."""
    if budget <= 0:
        return Outcome(reason="no time left before the deadline")
    try:
        async with asyncio.timeout(budget):
            async with session.request(method, url, headers=headers, data=data, allow_redirects=False,
                                       trace_request_ctx=trace) as resp:
                out = Outcome(status=resp.status, final_url=str(resp.url),
                              headers=lower_headers(resp.headers))
                out.quota_remaining = _number(out.headers.get("x-ratelimit-remaining"))
                out.quota_reset = _number(out.headers.get("x-ratelimit-reset"))
                if resp.status in REDIRECTS and resp.headers.get("Location"):
                    out.location = resp.headers["Location"]
                elif resp.status == 304:
                    out.not_modified = True
                elif resp.status == 429:
                    out.reason, out.retry = "HTTP 429", True
                    out.retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                    if out.retry_after is None and out.quota_reset is not None:
                        out.retry_after = max(0.0, out.quota_reset)  # Reddit says when in X-Ratelimit-Reset
                elif resp.status >= 500:
                    out.reason, out.retry = f"HTTP {resp.status}", True
                elif resp.status != 200:
                    out.reason = f"HTTP {resp.status}"
                elif resp.content_length is not None and resp.content_length > cap:
                    resp.close()
                    out.reason = f"response larger than {mb(cap)} cap (Content-Length {resp.content_length})"
                else:
                    body = bytearray()
                    async for chunk in resp.content.iter_chunked(_CHUNK):
                        body += chunk
                        if len(body) > cap:
                            resp.close()  # stop reading; drops the connection
                            out.reason = f"response larger than {mb(cap)} cap"
                            return out
                    out.body = bytes(body)
                return out
    except TimeoutError:
        return Outcome(reason=f"timed out after {budget:.1f}s", retry=True)
    except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as exc:
        return Outcome(reason=scrub(f"invalid URL: {type(exc).__name__}"))
    except aiohttp.ClientConnectorError as exc:
        why = exc.os_error.strerror or type(exc.os_error).__name__
        return Outcome(reason=f"cannot connect: {why}", retry=True)
    except aiohttp.ClientPayloadError:
        return Outcome(reason="connection dropped mid-body", retry=True)
    except aiohttp.ServerDisconnectedError:
        return Outcome(reason="server closed the connection without an answer", retry=True)
    except aiohttp.ClientConnectionError as exc:
        return Outcome(reason=scrub(f"connection error: {type(exc).__name__}"), retry=True)
    except aiohttp.ClientError as exc:
        return Outcome(reason=scrub(f"HTTP client error: {type(exc).__name__}: {exc}"))


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def lower_headers(raw) -> dict[str, str]:
    """Lower-case header names; a repeated header's values joined with ", "."""
    out: dict[str, str] = {}
    for k, v in raw.items():
        k = k.lower()
        out[k] = f"{out[k]}, {v}" if k in out else v
    return out


def scrub(text: str) -> str:
    """Credentials out of any URL or key=value inside an exception message."""
    return mask_text(text)


def mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB"
