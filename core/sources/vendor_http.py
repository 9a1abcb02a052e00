"""What every paid vendor's API has in common, over the one HTTP layer.

A vendor request is a URL plus headers (keys travel in headers where the vendor allows it;
Alpha Vantage and Nasdaq Data Link only take them in the query string, which
``core.sources.http.safe_url`` strips from everything logged or stored). An answer that is
not data -- bad key, used-up quota (also inside an HTTP 200, as Alpha Vantage does), unknown
symbol, empty range -- becomes a ``VendorError`` whose ``kind`` the failover chain acts on.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from yarl import URL

from core.sources.http import safe_url


class VendorError(Exception):
    """A vendor answer that carries no usable data. ``kind``:

    - ``quota``: limit reached (429, or a limit message in a 200 body); ``window`` is
      "minute" or "day" -- the chain remembers it until that window resets;
    - ``auth``: key missing, invalid, or the plan does not include the endpoint;
    - ``no_data``: unknown symbol or nothing in the range (a reason, not a failure);
    - ``down``: no answer (connection refused, timeout, 5xx after retries);
    - ``error``: any other unusable answer.
    """

    def __init__(self, kind: str, reason: str, window: str | None = None):
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.window = window


@dataclass(frozen=True)
class VendorRequest:
    url: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def safe(self) -> str:
        return safe_url(self.url)


def build_url(base: str, path: str, params: dict[str, Any]) -> str:
    """``base + path`` with the non-empty params encoded (yarl does the quoting)."""
    query = {k: str(v) for k, v in params.items() if v is not None and v != ""}
    return str(URL(base + path).with_query(query))


def fetch_error(provider: str, status: int | None, error: str | None,
                extra: dict[int, str] | None = None) -> VendorError:
    """A failed ``FetchResult`` in the chain's terms (the HTTP layer's reason carries no URL).
    ``extra`` maps a vendor's own status codes to kinds (Nasdaq Data Link: 400 = bad key)."""
    what = error or f"HTTP {status}"
    if extra and status in extra:
        return VendorError(extra[status], f"{provider}: {what}")
    if status in (401, 403):
        return VendorError("auth", f"{provider}: key refused or endpoint not in the plan ({what})")
    if status == 429:
        return VendorError("quota", f"{provider}: rate limited ({what})", window="minute")
    if status in (404, 422):
        return VendorError("no_data", f"{provider}: unknown symbol or no data ({what})")
    if status is None or status >= 500:
        return VendorError("down", f"{provider}: {what}")
    return VendorError("error", f"{provider}: {what}")


def load_json(provider: str, body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise VendorError("error", f"{provider}: answer is not JSON ({type(exc).__name__})") from None


def num(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if f != f or f in (float("inf"), float("-inf")) else f


def utc_from_epoch(epoch_s: float) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC).replace(tzinfo=None)


def parse_time(text: str) -> datetime | None:
    """ISO 8601 / RFC 3339 (``Z`` or an offset) -> naive UTC; naive input is taken as UTC."""
    try:
        moment = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def day_window(now: datetime) -> datetime:
    """Start of the next UTC day: when a daily quota is counted afresh."""
    return datetime(now.year, now.month, now.day) + timedelta(days=1)
