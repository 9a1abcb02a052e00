"""Running async code (aiohttp fetches, discord.py posts) from the sync pipeline and jobs."""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars


def run_sync(coro):
    """``asyncio.run``, also from a thread whose loop is already running (e.g. a scheduler's)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    ctx = contextvars.copy_context()  # the run id and the current span follow into the thread
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(ctx.run, asyncio.run, coro).result()
