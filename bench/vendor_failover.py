"""Benchmark: what failover costs when the first price provider is down, and how many vendor
calls the quota logic saves on a 50-symbol watchlist.

Everything runs against the loopback vendor fake (tests/fakes/vendor_api.py) and a temp
DuckDB store; no internet.

1. Failover cost: ``ingest_prices`` of N symbols (daily bars) with the chain
   ``polygon,finnhub`` where polygon is (a) up -- the baseline, (b) refusing connections,
   (c) accepting and never answering (timeout; ``--timeout`` s per request). Printed: run time,
   time per symbol and the ratio to the baseline. The chain remembers a provider found down for
   the rest of the run, so the cost is paid once, not per symbol; the "naive" figure is that
   cost times N, i.e. what a per-symbol failover without that memory would pay.
2. Calls saved: the chain ``alpha_vantage,finnhub`` for 50 symbols with Alpha Vantage's free
   day (25 calls). Baseline = the old scripts' way: ask every vendor for every symbol in
   order until one answers, no memory (50 calls to Alpha Vantage, of which 25 answer the
   limit note, + 25 to Finnhub). Ours: 25 calls to Alpha Vantage, then it is skipped. A
   second run the same day (the quota persisted): 0 calls to Alpha Vantage vs 50 again.

    .venv/bin/python bench/vendor_failover.py            # 50 symbols, 1 s timeout
    .venv/bin/python bench/vendor_failover.py --quick    # 10 symbols
"""
from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pydantic import SecretStr

from core.config import Settings
from core.prices import ingest_prices
from core.store import Store
from tests.fakes.vendor_api import KEY, RAW_BARS, SECRET, FakeVendors


def settings_for(tmp: Path, fake: FakeVendors, timeout: float, **extra) -> Settings:
    keys = {f"{p}_api_key": SecretStr(KEY) for p in ("alpha_vantage", "polygon", "finnhub", "nasdaq_data_link")}
    extra.setdefault("provider_base_urls", fake.base_urls())
    return Settings(_env_file=None, data_dir=tmp, offline=False,
                    http_timeout_s=timeout, http_deadline_s=timeout * 3, job_deadline_s=600,
                    alpaca_api_key_id=SecretStr(KEY), alpaca_api_secret_key=SecretStr(SECRET),
                    polygon_calls_per_minute=0, finnhub_calls_per_minute=0, **keys, **extra)


def refused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def in_calls(counts) -> float:
    """Seconds spent in provider attempts (network side; the rest is the per-symbol store writes)."""
    return sum(a["elapsed_s"] for a in counts.attempts)


def run(tmp: Path, fake: FakeVendors, symbols, timeout, **extra):
    s = settings_for(tmp, fake, timeout, **extra)
    t0 = time.perf_counter()
    counts = ingest_prices(Store.from_settings(s), s, "1d", symbols=symbols)
    return time.perf_counter() - t0, counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--symbols", type=int, default=50)
    ap.add_argument("--timeout", type=float, default=1.0, help="per-request timeout in the timeout case (s)")
    ap.add_argument("--quick", action="store_true", help="10 symbols")
    args = ap.parse_args()
    n = 10 if args.quick else args.symbols
    symbols = [f"S{i:03d}" for i in range(n)]
    with FakeVendors(bars={s: RAW_BARS for s in symbols}) as fake, tempfile.TemporaryDirectory() as d:
        root = Path(d)
        print(f"1. failover cost, {n} symbols, chain polygon -> finnhub (loaded 2-core box; times vary)")
        base, c = run(root / "up", fake, symbols, args.timeout, price_providers=["polygon", "finnhub"])
        assert set(c.served_by.values()) == {"polygon"}
        base_calls = in_calls(c)
        print(f"   baseline (polygon up)            run {base:6.2f} s, in provider calls {base_calls:6.2f} s "
              f"({base_calls / n * 1000:.1f} ms/symbol)")
        urls = fake.base_urls() | {"polygon": refused_url()}
        t, c = run(root / "refused", fake, symbols, args.timeout, price_providers=["polygon", "finnhub"],
                   provider_base_urls=urls)
        assert set(c.served_by.values()) == {"finnhub"}
        first = next(a["elapsed_s"] for a in c.attempts if a["outcome"] == "failed")
        print(f"   polygon refuses connections      run {t:6.2f} s, in provider calls {in_calls(c):6.2f} s "
              f"(x{in_calls(c) / base_calls:.2f} baseline); the failed attempt {first * 1000:.0f} ms, paid once "
              f"(per-symbol failover without memory: +{first * n:.2f} s)")
        fake.mode["polygon"] = "hang"
        t, c = run(root / "timeout", fake, symbols, args.timeout, price_providers=["polygon", "finnhub"])
        fake.mode.pop("polygon")
        assert set(c.served_by.values()) == {"finnhub"}
        first = next(a["elapsed_s"] for a in c.attempts if a["outcome"] == "failed")
        print(f"   polygon never answers ({args.timeout:g} s)   run {t:6.2f} s, in provider calls {in_calls(c):6.2f} s "
              f"(x{in_calls(c) / base_calls:.2f} baseline); the failed attempt {first:.2f} s, paid once "
              f"(per-symbol failover without memory: +{first * n:.1f} s)")

        print(f"\n2. calls saved by the quota logic, {n} symbols, chain alpha_vantage -> finnhub, "
              f"Alpha Vantage 25 calls/day")
        per_day = min(25, n // 2)
        before = fake.calls("alpha_vantage")
        state = root / "quota"
        # the fake answers Alpha Vantage's limit body once its own count passes the free day
        answered = {"n": 0}
        orig = fake._alpha_vantage

        async def limited(request, path, q, h, mode):
            answered["n"] += 1
            return await orig(request, path, q, h, "limit" if answered["n"] > per_day else mode)

        fake._alpha_vantage = limited
        _, c = run(state, fake, symbols, args.timeout, price_providers=["alpha_vantage", "finnhub"],
                   alpha_vantage_calls_per_day=per_day, alpha_vantage_calls_per_minute=0)
        ours = fake.calls("alpha_vantage") - before
        naive = n  # every symbol asks alpha_vantage first; those past the limit get the note
        print(f"   run 1: alpha_vantage calls {ours:3d} (naive {naive}); saved {naive - ours} "
              f"({(naive - ours) / naive:.0%}); served: "
              f"{sum(v == 'alpha_vantage' for v in c.served_by.values())} alpha_vantage, "
              f"{sum(v == 'finnhub' for v in c.served_by.values())} finnhub")
        before = fake.calls("alpha_vantage")
        _, c = run(state, fake, symbols, args.timeout, price_providers=["alpha_vantage", "finnhub"],
                   alpha_vantage_calls_per_day=per_day, alpha_vantage_calls_per_minute=0)
        ours2 = fake.calls("alpha_vantage") - before
        print(f"   run 2 (same day, quota from the store): alpha_vantage calls {ours2} (naive {naive}); "
              f"saved {naive - ours2} ({(naive - ours2) / naive:.0%})")
        total_naive, total_ours = 2 * naive, ours + ours2
        print(f"   both runs: {total_ours} vs {total_naive} calls to the limited vendor: "
              f"{total_naive / max(total_ours, 1):.1f}x fewer")


if __name__ == "__main__":
    main()
