"""What tracing costs a job: the news job, traced vs not, on the loopback feed server.

Each round runs the real news job through ``JobExecutor`` (run record, fetch of ``--feeds``
feeds from the loopback fake server, parse, dedup, score, insert, breaker bookkeeping) on one
long-lived store, as the runner does, every feed carrying 25 items never seen before, once with
tracing on (spans buffered, then written to the local span table in one
write after the run) and once with OpenTelemetry's no-op provider (the baseline), alternating so
both see the same machine load. Prints the medians and the ratio traced / untraced; the target
is under 5 %. No OTLP export here: that runs in a background thread, off the job's path.

    .venv/bin/python bench/tracing_overhead.py            # 10 feeds x 25 items, 15 rounds
    .venv/bin/python bench/tracing_overhead.py --quick    # 4 feeds, 5 rounds
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core import tracing
from core.config import Settings
from core.store import Store, trace_spans
from core.store.feeds import add_feeds
from jobs.execute import JobExecutor
from jobs.registry import default_registry
from tests.fakes.http_server import FakeHttpServer

FEED = (Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "feeds"
        / "edgarkit__pressreleases.rss").read_bytes()


def one_run(ex: JobExecutor, store: Store, server: FakeHttpServer, feeds: int, round_no: int,
            traced: bool) -> tuple[float, int]:
    """One news run on the long-lived store; every feed carries 25 items never seen before."""
    for i in range(feeds):
        body = FEED.replace(b"https://www.sec.gov", f"https://r{round_no}-f{i}.example".encode())
        server.put(f"/feed{i}.rss", body)
    tracing.configure(ex.settings, enabled=traced)
    t0 = time.perf_counter()
    out = ex.execute("news")
    elapsed = time.perf_counter() - t0
    assert out.status == "ok" and out.counts["new"] == 25 * feeds, (out.status, out.error, out.counts)
    spans = trace_spans.trace_spans(store, trace_spans.trace_of_run(store, out.run_id)).height if traced else 0
    tracing.shutdown()
    return elapsed, spans


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--quick", action="store_true", help="4 feeds, 5 rounds")
    args = ap.parse_args()
    feeds, rounds = (4, 5) if args.quick else (args.feeds, args.rounds)
    with FakeHttpServer() as server, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), offline=False, job_retries=0,
                            poll_min_s=0.001, poll_max_s=0.001)  # every feed is due on every run
        store = Store.from_settings(settings)
        add_feeds(store, [{"url": server.url(f"/feed{i}.rss"), "kind": "news", "name": f"feed{i}"}
                          for i in range(feeds)])
        registry = {k: v for k, v in default_registry(settings).items() if k == "news"}
        ex = JobExecutor(settings, registry, store)
        one_run(ex, store, server, feeds, 0, True)  # warm up: imports, first writes of each table
        one_run(ex, store, server, feeds, 1, False)
        on, off, spans = [], [], 0
        for r in range(rounds):
            t, spans = one_run(ex, store, server, feeds, 2 + 2 * r, True)
            on.append(t)
            off.append(one_run(ex, store, server, feeds, 3 + 2 * r, False)[0])
    m_on, m_off = statistics.median(on), statistics.median(off)
    print(f"news job, {feeds} feeds x 25 new items per run, one long-lived store, {rounds} rounds each")
    print(f"traced   (spans + local span table): median {m_on * 1000:.1f} ms ({spans} spans per run)")
    print(f"untraced (no-op provider, baseline): median {m_off * 1000:.1f} ms")
    print(f"ratio traced/untraced: {m_on / m_off:.3f} (overhead {100 * (m_on / m_off - 1):+.1f} %; target < 5 %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
