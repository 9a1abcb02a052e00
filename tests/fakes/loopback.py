"""Run one aiohttp handler as a real server on 127.0.0.1, in its own loop on a background thread.

Shared by the fake servers (``http_server``, ``discord_api``) so synchronous tests,
``asyncio.run`` code and benchmarks can all talk to them over a real socket. ``start()`` returns
only once the socket listens (or raises what stopped it); ``stop()`` sets ``stopping`` first, so
handlers that wait on it (hangs, slow answers) end and shutdown never hangs.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Loopback:
    """One catch-all route served by ``handler`` on ``host`` (port 0: a free one)."""

    def __init__(self, handler: Handler, *, name: str, host: str = "127.0.0.1", port: int = 0,
                 shutdown_timeout: float = 2.0):
        self.handler, self.name, self.host, self.port = handler, name, host, port
        self.shutdown_timeout = shutdown_timeout
        self.stopping: asyncio.Event | None = None  # set (in the server loop) when stop() is called
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> int:
        """Start serving; returns the bound port."""
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError(f"{self.name} did not start within 10 s")
        if self._error:
            raise RuntimeError(f"{self.name} failed to start") from self._error
        return self.port

    def stop(self) -> None:
        if self._loop is not None and self.stopping is not None:
            self._loop.call_soon_threadsafe(self.stopping.set)
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        self._loop = asyncio.new_event_loop()
        try:
            self._loop.run_until_complete(self._serve())
        except BaseException as exc:  # noqa: BLE001 - surfaced by start()
            self._error = exc
            self._started.set()
        finally:
            self._loop.close()

    async def _serve(self) -> None:
        self.stopping = asyncio.Event()
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handler)
        runner = web.AppRunner(app, access_log=None, handle_signals=False,
                               shutdown_timeout=self.shutdown_timeout)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self.port = runner.addresses[0][1]
        self._started.set()
        await self.stopping.wait()
        await runner.cleanup()
