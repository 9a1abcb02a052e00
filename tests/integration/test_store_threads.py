"""Many threads opening their own short store accesses at the same instant (a scheduled poll,
a "fetch now", health bookkeeping) must not trip over each other inside one process.

duckdb 2.0.1 shares one database instance between connections to the same file; when the
last connection closes and several threads connect at once, one of them could get the fresh
instance before its Python table functions were registered and fail with
"Table Function with name python_arrow_scan does not exist" on its first Arrow scan.
"""
from __future__ import annotations

import threading

import polars as pl
import pytest

from core.store import insert_frame, insert_new


@pytest.mark.timeout(60)
def test_concurrent_arrow_inserts_on_fresh_connections(store):
    with store.write() as con:
        con.execute("CREATE TABLE scratch (id VARCHAR PRIMARY KEY, v INTEGER)")
    threads_n, rounds = 8, 100
    start = threading.Barrier(threads_n)
    errors: list[str] = []

    def work(k: int) -> None:
        for r in range(rounds):
            frame = pl.DataFrame({"id": [f"{k}-{r}-{i}" for i in range(20)], "v": list(range(20))})
            try:
                start.wait()
                with store.write() as con:
                    if r % 2:
                        insert_new(con, "scratch", frame, "id")
                    else:
                        insert_frame(con, "scratch", frame, ["id", "v"])
            except Exception as exc:  # noqa: BLE001 - every failure is what this test counts
                errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.read() as con:
        assert con.execute("SELECT count(*) FROM scratch").fetchall()[0][0] == threads_n * rounds * 20
