"""A real HTTP server on 127.0.0.1 that serves recorded files and misbehaves on request.

It runs on ``tests.fakes.loopback`` (aiohttp in a background thread), so synchronous tests,
``asyncio.run`` tests and benchmarks can all use it. Every request is recorded (path, query,
headers, arrival time on the server's monotonic clock) so tests assert counts, conditional
headers and request spacing from the server's point of view.

Faults are set per path (``server.fault("/feed", Hang())``) and cover what real feeds do:
slow answers, no answer at all, bursts of 500s, 50 MB bodies, redirect loops, 429 with
Retry-After, connections dropped mid-body, and an HTML page where a feed was expected.
Waits inside the server end at shutdown (an ``asyncio.Event``), so stopping never hangs.
"""
from __future__ import annotations

import asyncio
import hashlib
import mimetypes
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

import pytest
from aiohttp import web

from tests.fakes.loopback import Loopback

# -- faults ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Delay:
    """Answer normally after ``seconds``."""
    seconds: float


@dataclass(frozen=True)
class Hang:
    """Accept the request and never answer (until the server stops)."""


@dataclass(frozen=True)
class FailTimes:
    """Answer ``status`` to the first ``times`` requests of the path, then normally."""
    times: int
    status: int = 500


@dataclass(frozen=True)
class HugeBody:
    """Stream ``size`` bytes generated on the fly; announce the length only if asked."""
    size: int = 50 * 1024 * 1024
    content_length: bool = False


@dataclass(frozen=True)
class Redirect:
    """302 to ``location``."""
    location: str


@dataclass(frozen=True)
class RedirectLoop:
    """302 back to the same path, forever."""


@dataclass(frozen=True)
class TooManyRequests:
    """429 with ``Retry-After: retry_after`` to the first ``times`` requests, then normally."""
    retry_after: str | None = "1"
    times: int = 1


@dataclass(frozen=True)
class DropMidBody:
    """Promise the whole body, send half of it, close the connection."""


@dataclass(frozen=True)
class WrongContentType:
    """Answer 200 with an HTML page (a login wall or error page) instead of the feed."""


Fault = Delay | Hang | FailTimes | HugeBody | Redirect | RedirectLoop | TooManyRequests | DropMidBody | WrongContentType

HTML_PAGE = (b"<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
             b"<body><h1>Please enable JavaScript</h1></body></html>")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: str
    headers: dict[str, str]     # lower-case keys
    time: float                 # server's time.monotonic() on arrival


@dataclass
class Content:
    body: bytes
    content_type: str = "application/rss+xml"
    etag: str | None = None
    last_modified: datetime | None = None
    gzip: bool = False


# -- server ---------------------------------------------------------------------------------

@dataclass
class FakeHttpServer:
    """``start()`` / ``stop()``; ``url(path)``; ``put``/``serve_dir`` content; ``fault`` per path."""

    host: str = "127.0.0.1"
    requests: list[RecordedRequest] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._content: dict[str, Content] = {}
        self._faults: dict[str, Fault] = {}
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = Loopback(self._handle, name="fake-http", host=self.host, port=self.port)

    # configuration (any thread)
    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def put(self, path: str, body: bytes, content_type: str = "application/rss+xml",
            etag: str | None = None, last_modified: datetime | None = None, gzip: bool = False) -> str:
        """Serve ``body`` at ``path`` with an ETag (default: hash of the body) and Last-Modified.

        ``gzip``: compress the answer when the client accepts it (as most feed hosts do).
        """
        etag = etag or '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        lm = (last_modified or datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)).replace(microsecond=0)
        with self._lock:
            self._content[path] = Content(body, content_type, etag, lm, gzip)
        return self.url(path)

    def serve_dir(self, root: Path, prefix: str = "/") -> dict[str, str]:
        """Serve every file under ``root`` at ``prefix + relative path``; returns name -> URL."""
        urls = {}
        for f in sorted(p for p in Path(root).rglob("*") if p.is_file()):
            rel = f.relative_to(root).as_posix()
            ctype = mimetypes.guess_type(f.name)[0] or "application/octet-stream"
            if f.suffix in (".rss", ".xml", ".atom"):
                ctype = "application/rss+xml" if f.suffix != ".atom" else "application/atom+xml"
            mtime = datetime.fromtimestamp(f.stat().st_mtime, UTC)
            urls[rel] = self.put(prefix + rel, f.read_bytes(), ctype, last_modified=mtime)
        return urls

    def fault(self, path: str, fault: Fault | None) -> str:
        with self._lock:
            if fault is None:
                self._faults.pop(path, None)
            else:
                self._faults[path] = fault
            self._hits[path] = 0
        return self.url(path)

    def requests_for(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # lifecycle
    def start(self) -> FakeHttpServer:
        self.port = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()  # sets ``stopping`` first: releases Hang and Delay handlers

    def __enter__(self) -> FakeHttpServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # request handling (server thread)
    async def _wait(self, seconds: float | None) -> bool:
        """Wait ``seconds`` (None: until shutdown); True if the server is shutting down."""
        stopping = self._server.stopping
        assert stopping is not None
        try:
            await asyncio.wait_for(stopping.wait(), seconds)
            return True
        except TimeoutError:
            return False

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        with self._lock:
            self.requests.append(RecordedRequest(
                request.method, path, request.query_string,
                {k.lower(): v for k, v in request.headers.items()}, time.monotonic()))
            fault = self._faults.get(path)
            hit = self._hits[path] = self._hits.get(path, 0) + 1
            content = self._content.get(path)

        if isinstance(fault, Hang):
            await self._wait(None)
            raise web.HTTPServiceUnavailable(text="shutting down")
        if isinstance(fault, Delay) and await self._wait(fault.seconds):
            raise web.HTTPServiceUnavailable(text="shutting down")
        if isinstance(fault, FailTimes) and hit <= fault.times:
            return web.Response(status=fault.status, text=f"failure {hit} of {fault.times}")
        if isinstance(fault, TooManyRequests) and hit <= fault.times:
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            return web.Response(status=429, text="slow down", headers=headers)
        if isinstance(fault, RedirectLoop):
            raise web.HTTPFound(location=path)
        if isinstance(fault, Redirect):
            raise web.HTTPFound(location=fault.location)
        if isinstance(fault, WrongContentType):
            return web.Response(body=HTML_PAGE, content_type="text/html")
        if isinstance(fault, HugeBody):
            return await self._huge(request, fault)

        if content is None:
            return web.Response(status=404, text="no such feed")
        headers = {"ETag": content.etag or "", "Last-Modified": format_datetime(content.last_modified, usegmt=True)}
        if _not_modified(request, content):
            return web.Response(status=304, headers=headers)
        if isinstance(fault, DropMidBody):
            return await self._drop(request, content, headers)
        resp = web.Response(body=content.body, headers={**headers, "Content-Type": content.content_type})
        if content.gzip:
            resp.enable_compression(web.ContentCoding.gzip)
        return resp

    async def _huge(self, request: web.Request, fault: HugeBody) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        if fault.content_length:
            resp.content_length = fault.size
        await resp.prepare(request)
        chunk = b"<item>" + b"x" * (64 * 1024 - 13) + b"</item>"
        sent = 0
        try:
            while sent < fault.size and not self._server.stopping.is_set():
                part = chunk[: fault.size - sent]
                await resp.write(part)
                sent += len(part)
            await resp.write_eof()
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading: that is the point of the cap
        return resp

    async def _drop(self, request: web.Request, content: Content, headers: dict) -> web.StreamResponse:
        resp = web.StreamResponse(headers={**headers, "Content-Type": content.content_type})
        resp.content_length = len(content.body)
        await resp.prepare(request)
        await resp.write(content.body[: max(1, len(content.body) // 2)])
        if request.transport is not None:
            request.transport.close()
        return resp


def _not_modified(request: web.Request, content: Content) -> bool:
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        tags = {t.strip() for t in inm.split(",")}
        return "*" in tags or content.etag in tags
    ims = request.headers.get("If-Modified-Since")
    if ims and content.last_modified is not None:
        try:
            return content.last_modified <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


@pytest.fixture
def fake_http() -> Iterator[FakeHttpServer]:
    """A started fake HTTP server on 127.0.0.1 and a free port; stopped after the test."""
    with FakeHttpServer() as server:
        yield server
