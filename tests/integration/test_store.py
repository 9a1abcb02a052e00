"""The store: migrations (fresh, re-applied, upgraded), dedup inserts, and two processes."""
from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import threading

import duckdb
import polars as pl
import pytest

from core.store import Store, StoreBusy, insert_new, scalar
from core.store.migrate import apply_migrations, available_migrations, current_version
from tests.conftest import REPO

pytestmark = pytest.mark.timeout(60)

TABLES = {"prices", "news", "leads", "keywords", "learned_weights", "lead_events", "posts",
          "job_runs", "job_requests", "feeds", "watchlist", "source_state", "signals",
          "signal_weights", "schema_version"}


def test_fresh_store_has_every_table_and_version(store):
    with store.read() as con:
        tables = {r[0] for r in con.sql("SHOW TABLES").fetchall()}
        assert TABLES <= tables
        assert current_version(con) == available_migrations()[-1][0]


def test_migrations_reapplied_are_a_no_op(store):
    with store.write() as con:
        con.execute("INSERT INTO watchlist VALUES ('AAPL', 'Apple', true)")
    Store._migrated.discard(store.path)
    assert store.migrate() == []
    with store.read() as con:
        assert scalar(con, "SELECT count(*) FROM schema_version") == len(available_migrations())
        assert con.sql("SELECT symbol FROM watchlist").fetchall() == [("AAPL",)]


def test_upgrade_from_older_version_keeps_data(tmp_path):
    shipped = available_migrations()
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    assert apply_migrations(con, up_to=1) == [1]
    con.execute("INSERT INTO keywords (term) VALUES ('python')")
    newer = shipped + [(999, "999_test_extra.sql",
                        "ALTER TABLE keywords ADD COLUMN note VARCHAR DEFAULT 'n/a';")]
    applied = apply_migrations(con, migrations=newer)
    assert applied == [v for v, _, _ in newer if v > 1]
    assert con.sql("SELECT term, note FROM keywords").fetchall() == [("python", "n/a")]
    assert current_version(con) == 999
    con.close()


def test_failed_migration_rolls_back(tmp_path):
    con = duckdb.connect(str(tmp_path / "bad.duckdb"))
    apply_migrations(con)
    broken = [(998, "998_broken.sql", "CREATE TABLE half (x INT); SELECT nonsense FROM nowhere;")]
    with pytest.raises(duckdb.Error):
        apply_migrations(con, migrations=broken)
    tables = {r[0] for r in con.sql("SHOW TABLES").fetchall()}
    assert "half" not in tables
    assert current_version(con) != 998
    con.close()


def test_insert_new_lets_the_database_dedup(store):
    frame = pl.DataFrame({"symbol": ["AAPL", "MSFT"], "name": ["Apple", "Microsoft"],
                          "enabled": [True, True]})
    with store.write() as con:
        first = insert_new(con, "watchlist", frame, "symbol")
        again = insert_new(con, "watchlist", frame, "symbol")
    assert sorted(first["symbol"].to_list()) == ["AAPL", "MSFT"]
    assert again.height == 0


def test_insert_new_with_a_composite_key(store):
    from datetime import datetime

    bars = pl.DataFrame({"symbol": ["AAPL", "AAPL", "MSFT"], "interval": ["1d", "1h", "1d"],
                         "ts": [datetime(2026, 1, 2)] * 3, "close": [1.0, 2.0, 3.0]})
    with store.write() as con:
        first = insert_new(con, "prices", bars, ("symbol", "interval", "ts"))
        again = insert_new(con, "prices", bars, ("symbol", "interval", "ts"))
    assert first.height == 3 and again.height == 0
    assert first.columns == ["symbol", "interval", "ts"]


def test_write_is_all_or_nothing(store):
    with pytest.raises(RuntimeError):
        with store.write() as con:
            con.execute("INSERT INTO watchlist VALUES ('AAPL', 'Apple', true)")
            raise RuntimeError("crash mid-batch")
    with store.read() as con:
        assert scalar(con, "SELECT count(*) FROM watchlist") == 0


HOLDER = textwrap.dedent("""
    import sys
    from core.store import Store
    store = Store(sys.argv[1])
    with store.write() as con:
        con.execute("INSERT INTO keywords (term) SELECT 'held-' || i FROM range(500) t(i)")
        print("locked", flush=True)
        sys.stdin.readline()   # hold the file until the test says so
    print("released", flush=True)
""")


def _start_holder(path):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=REPO,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


class _WaitSeen(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = threading.Event()

    def emit(self, record):
        if "locked by another process" in record.getMessage():
            self.seen.set()


def test_second_process_waits_for_the_lock_and_loses_nothing(store):
    holder = _start_holder(store.path)
    handler = _WaitSeen()
    logger = logging.getLogger("core.store")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    errors: list[BaseException] = []

    def write_while_held():
        try:
            with store.write() as con:
                con.execute("INSERT INTO keywords (term) SELECT 'mine-' || i FROM range(300) t(i)")
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    writer = threading.Thread(target=write_while_held)
    writer.start()
    try:
        assert handler.seen.wait(20), "the writer never met the other process's lock"
    finally:
        holder.stdin.write("go\n")
        holder.stdin.flush()
        writer.join(30)
        holder.wait(30)
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert not errors, errors
    with store.read() as con:
        counts = dict(con.sql(
            "SELECT split_part(term, '-', 1), count(*) FROM keywords GROUP BY ALL").fetchall())
    assert counts == {"held": 500, "mine": 300}


def test_lock_held_too_long_is_a_readable_error(settings):
    store = Store.from_settings(settings)
    impatient = Store(store.path, lock_wait_s=0.3)
    holder = _start_holder(store.path)
    try:
        with pytest.raises(StoreBusy, match="held by another process"):
            with impatient.read():
                pass
    finally:
        holder.stdin.write("go\n")
        holder.stdin.flush()
        holder.wait(30)


# ---- shared reads: one connection per dashboard page run


def _other_process_can_open(path) -> bool:
    """Whether a second process gets the store file now (DuckDB locks it per process)."""
    code = f"import duckdb\ntry:\n    duckdb.connect({str(path)!r}).close()\nexcept duckdb.IOException:\n    raise SystemExit(3)"
    return subprocess.run([sys.executable, "-c", code], timeout=30).returncode == 0


def test_reads_inside_shared_reads_use_one_connection_closed_at_the_end(store):
    with store.shared_reads():
        with store.read() as first:
            assert scalar(first, "SELECT count(*) FROM watchlist") == 0
        with store.write() as con:  # a write inside the block: its own transaction
            con.execute("INSERT INTO watchlist VALUES ('AAPL', 'Apple', true)")
        with store.read() as second:
            assert second is first  # kept between reads
            assert scalar(second, "SELECT count(*) FROM watchlist") == 1  # and sees the commit
        assert not _other_process_can_open(store.path)  # held for the block
    with pytest.raises(duckdb.ConnectionException):
        first.execute("SELECT 1")  # closed when the block ended
    assert _other_process_can_open(store.path)
    with store.read() as a, store.read() as b:
        assert a is b  # nested reads share as before
    with store.read() as c:
        assert c is not a  # outside a block each read opens and closes


def test_release_ends_the_sharing_before_slow_work(store):
    with store.shared_reads():
        with store.read() as first:
            pass
        store.release()  # e.g. before posting to Discord
        with pytest.raises(duckdb.ConnectionException):
            first.execute("SELECT 1")
        assert _other_process_can_open(store.path)  # nothing held while the network answers
        with store.read() as later:
            assert later is not first
        assert _other_process_can_open(store.path)  # reads after release open and close again


def test_a_shared_block_without_reads_opens_nothing(store):
    with store.shared_reads():
        assert _other_process_can_open(store.path)
