"""What recording a job run costs: a no-op job through ``JobExecutor`` vs calling it bare.

Baseline: the bare function call. Each recorded run opens the DuckDB store about five times
(lock-free pause check, ``running`` row, outcome, breaker state), so the figure is dominated by
DuckDB open/close (with its checkpoint), not by the runner's Python. Run:
``.venv/bin/python bench/job_overhead.py [--quick]``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.config import Settings
from core.store import Store
from jobs.execute import JobExecutor
from jobs.registry import JobSpec


def noop(store, settings):
    return {"fetched": 0, "new": 0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="20 runs instead of 100")
    args = ap.parse_args()
    n = 20 if args.quick else 100
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), offline=True)
        store = Store.from_settings(settings)
        ex = JobExecutor(settings, {"noop": JobSpec("noop", noop, "bench")}, store)
        ex.execute("noop")  # warm up
        recorded = []
        for _ in range(n):
            t = time.perf_counter()
            out = ex.execute("noop")
            recorded.append(time.perf_counter() - t)
            assert out.status == "ok"
        bare = []
        for _ in range(n):
            t = time.perf_counter()
            noop(store, settings)
            bare.append(time.perf_counter() - t)
    med, p95 = statistics.median(recorded), sorted(recorded)[int(0.95 * (n - 1))]
    print(f"runs: {n}")
    print(f"recorded run (JobExecutor): median {med * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    print(f"bare call (baseline):        median {statistics.median(bare) * 1e6:.2f} us")
    print(f"ratio recorded/bare: {med / max(statistics.median(bare), 1e-9):,.0f}x "
          f"(absolute overhead per run {med * 1000:.0f} ms; jobs run every minutes, so negligible)")


if __name__ == "__main__":
    main()
