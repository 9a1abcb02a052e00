"""Benchmark: one ``fetch_many`` of N slow feeds beside fetching them one after another.

Every feed is served by the loopback fake server and answers after 200 ms (``--delay``), so
the serial baseline is about N x 200 ms and the batch is bounded by ``http_concurrency`` and
the per-host limit. All feeds live on one host (127.0.0.1: the fake binds only there), so the
per-host limit applies to all of them; the run sets a generous one (``--limit`` requests per
``--per`` seconds) and checks from the server's own request log that no window exceeded it.

    .venv/bin/python bench/fetch.py            # 50 feeds
    .venv/bin/python bench/fetch.py --quick    # 20 feeds
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.config import Settings
from core.sources.http import HttpClient
from tests.fakes.http_server import Delay, FakeHttpServer

FEED = (Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "http" / "pressreleases.rss").read_bytes()


def tightest_window(times: list[float], limit: int) -> float:
    """Shortest span that held ``limit + 1`` request arrivals (inf if there never were that many).

    The limit holds when this is at least ``per``; the server's arrival times carry a few ms of
    scheduling jitter (the fake shares the process and the GIL with the client).
    """
    times = sorted(times)
    return min((times[i + limit] - times[i] for i in range(len(times) - limit)), default=float("inf"))


async def serial(settings: Settings, urls: list[str], limits) -> float:
    async with HttpClient(settings, host_limits=limits) as http:
        t0 = time.perf_counter()
        for u in urls:
            assert (await http.fetch(u)).ok
        return time.perf_counter() - t0


async def batch(settings: Settings, urls: list[str], limits) -> float:
    async with HttpClient(settings, host_limits=limits) as http:
        t0 = time.perf_counter()
        results = await http.fetch_many(urls)
        elapsed = time.perf_counter() - t0
    bad = [r.error for r in results if not r.ok]
    assert not bad, bad[:3]
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=50)
    ap.add_argument("--quick", action="store_true", help="20 feeds, limit 10 per window")
    ap.add_argument("--delay", type=float, default=0.2, help="server answer delay per feed (s)")
    ap.add_argument("--limit", type=int, default=None, help="per-host limit: requests ... (20; 10 with --quick)")
    ap.add_argument("--per", type=float, default=0.25, help="... per this many seconds")
    args = ap.parse_args()
    n = 20 if args.quick else args.feeds
    args.limit = args.limit or (10 if args.quick else 20)
    limits = {"127.0.0.1": (args.limit, args.per)}
    base = Settings(_env_file=None, http_timeout_s=10.0, http_deadline_s=60.0)

    with FakeHttpServer() as server:
        urls = []
        for i in range(n):
            urls.append(server.put(f"/feed{i}.rss", FEED))
            server.fault(f"/feed{i}.rss", Delay(args.delay))

        t_serial = asyncio.run(serial(base, urls, limits))
        rows = []
        for conc in sorted({8, base.http_concurrency, 16}):  # the default in between
            s = base.model_copy(update={"http_concurrency": conc})
            server.requests.clear()
            t = asyncio.run(batch(s, urls, limits))
            span = tightest_window([r.time for r in server.requests], args.limit)
            rows.append((conc, t, span))

    print(f"{n} feeds, each answering after {args.delay * 1000:.0f} ms, one host limited to "
          f"{args.limit} requests per {args.per:g} s")
    print(f"serial (one after another):      {t_serial:6.2f} s")
    tolerance = 0.025  # server-side scheduling jitter (10% of the default window)
    for conc, t, span in rows:
        ok = "respected" if span >= args.per - tolerance else "EXCEEDED"
        print(f"fetch_many, concurrency {conc:>2}:    {t:6.2f} s  -> {t_serial / t:5.1f}x faster than serial; "
              f"{args.limit + 1} requests never within less than {span * 1000:.0f} ms "
              f"(limit window {args.per * 1000:.0f} ms: {ok})")
    return 0 if all(span >= args.per - tolerance for _, _, span in rows) else 1

if __name__ == "__main__":
    raise SystemExit(main())
