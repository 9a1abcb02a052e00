"""Shared by the HTTP-layer tests: the recorded feed, a client run to completion, and the
``fast`` settings (small timeouts so failures end quickly)."""
from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest

from core.config import Settings
from core.sources.http import FetchResult, HttpClient

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "http"
FEED = (FIXTURES / "pressreleases.rss").read_bytes()


@pytest.fixture
def fast(settings: Settings) -> Settings:
    """Small timeouts so failures end quickly: 0.2 s per request, 1 s per URL, 1 MB cap."""
    return settings.model_copy(update={"http_timeout_s": 0.2, "http_deadline_s": 1.0,
                                       "http_max_bytes": 1_000_000})


def fetch_all(settings: Settings, urls: list[str], **kw) -> list[FetchResult]:
    kw.setdefault("backoff_base_s", 0.02)
    kw.setdefault("rng", random.Random(3))

    async def go():
        async with HttpClient(settings, **kw) as http:
            return await http.fetch_many(urls)

    return asyncio.run(go())


def fetch_one(settings: Settings, url: str, **kw) -> FetchResult:
    return fetch_all(settings, [url], **kw)[0]
