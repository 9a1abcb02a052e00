"""A ``requests.Session`` that answers Yahoo chart requests from recorded responses.

yfinance 1.7 accepts a plain ``requests.Session`` as ``session=`` (``yfinance._http.
is_supported_session``), so the real yfinance code runs unchanged and only the transport is
replaced: a ``requests`` transport adapter mounted on ``https://`` answers

* ``fc.yahoo.com`` / ``getcrumb`` / consent pages (yfinance's cookie+crumb dance) with
  harmless bodies, so no real host is contacted;
* ``/v8/finance/chart/<SYMBOL>`` with the recorded chart body for that symbol, cut to the
  requested ``period1``/``period2`` window the way Yahoo does (bars and events inside the
  window only), or with ``range=`` requests answered whole;
* unknown symbols with Yahoo's real 404 error body.

``hang=True`` makes every request block until ``release()``: a network that never answers.
"""
from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

NOT_FOUND_BODY = {"chart": {"result": None, "error": {
    "code": "Not Found", "description": "No data found, symbol may be delisted"}}}


def load_chart_body(path: str | Path) -> dict:
    """The chart body of a recorded exchange file (or a bare chart body)."""
    data = json.loads(Path(path).read_text())
    if "response" in data:
        return data["response"]["bodyJson"]
    return data


def cut_to_window(body: dict, period1: int | None, period2: int | None) -> dict:
    """What Yahoo would answer for a narrower window: bars and events within [period1, period2)."""
    body = copy.deepcopy(body)
    result = body["chart"]["result"][0]
    lo = period1 if period1 is not None else -(2**62)
    hi = period2 if period2 is not None else 2**62
    stamps = result.get("timestamp") or []
    keep = [i for i, t in enumerate(stamps) if lo <= t < hi]
    if stamps:
        result["timestamp"] = [stamps[i] for i in keep]
        quote = result["indicators"]["quote"][0]
        for key, values in quote.items():
            quote[key] = [values[i] for i in keep]
        for adj in result["indicators"].get("adjclose", []):
            adj["adjclose"] = [adj["adjclose"][i] for i in keep]
        if not keep:
            del result["timestamp"]
            result["indicators"] = {"quote": [{}]}
    for kind, events in list((result.get("events") or {}).items()):
        result["events"][kind] = {k: v for k, v in events.items() if lo <= v["date"] < hi}
    return body


class RecordedYahooAdapter(BaseAdapter):
    def __init__(self, charts: dict[str, dict], hang: bool = False, hang_symbols=()):
        super().__init__()
        self.charts = charts
        self.hang = hang
        self.hang_symbols = {s.upper() for s in hang_symbols}
        self.released = threading.Event()
        self.requests: list[str] = []
        self.lock = threading.Lock()

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        with self.lock:
            self.requests.append(request.url)
        parts = urlsplit(request.url)
        symbol = parts.path.rsplit("/", 1)[-1].upper() if "/finance/chart/" in parts.path else ""
        if self.hang or symbol in self.hang_symbols:
            self.released.wait()  # the silent network: no answer until the test ends
            raise requests.exceptions.ConnectionError("fake network released")
        if parts.hostname == "fc.yahoo.com":
            return self._respond(request, 404, b"", "text/html")
        if parts.path.endswith("/v1/test/getcrumb"):
            return self._respond(request, 200, b"fake-crumb", "text/plain")
        if not symbol:
            return self._respond(request, 404, b"<html>not here</html>", "text/html")
        if symbol not in self.charts:
            return self._json(request, 404, NOT_FOUND_BODY)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        body = self.charts[symbol]
        if "period1" in query or "period2" in query:
            p1 = int(query["period1"]) if "period1" in query else None
            p2 = int(query["period2"]) if "period2" in query else None
            body = cut_to_window(body, p1, p2)
        return self._json(request, 200, body)

    def _json(self, request, status, body):
        return self._respond(request, status, json.dumps(body).encode(), "application/json;charset=utf-8")

    def _respond(self, request, status, content: bytes, ctype: str):
        resp = requests.Response()
        resp.status_code = status
        resp._content = content
        resp.headers = CaseInsensitiveDict({"content-type": ctype})
        resp.url = request.url
        resp.request = request
        resp.encoding = "utf-8"
        resp.reason = "OK" if status < 400 else "Not Found"
        return resp

    def release(self) -> None:
        self.released.set()

    def close(self) -> None:
        pass


def recorded_session(charts: dict[str, dict], hang: bool = False,
                     hang_symbols=()) -> tuple[requests.Session, RecordedYahooAdapter]:
    """A real ``requests.Session`` whose only transport is the recorded adapter."""
    adapter = RecordedYahooAdapter(charts, hang=hang, hang_symbols=hang_symbols)
    session = requests.Session()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter
