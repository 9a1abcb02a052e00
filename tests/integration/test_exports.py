"""Exports: round trips for every dataset in both formats, atomic writes, safe filters."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from bench.stores import synthetic
from core.exports import (
    ExportError,
    export_bytes,
    export_dataset,
    import_export,
    read_export,
    rolling_daily_export,
)
from core.models import utcnow
from core.store import Store
from core.store import exports as q
from tests.conftest import REPO

pytestmark = pytest.mark.timeout(90)

HOSTILE = ["AAPL'; DROP TABLE prices; --", "x' OR '1'='1", 'a"b;c', "%", "_", "\\", "'"]


@pytest.fixture
def full_store(store):
    synthetic.fill(store, utcnow(), news=400, leads=200, n_symbols=3, years=1, news_days=20, lead_days=20)
    return store


def _by_key(frame: pl.DataFrame, name: str) -> pl.DataFrame:
    return frame.sort(list(q.dataset(name).key))


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("name", sorted(q.DATASETS))
def test_round_trip_equals_source_rows(full_store, tmp_path, name, fmt):
    source = q.read_rows(full_store, name)
    assert source.height > 0, f"synthetic store has no {name}"
    out = tmp_path / f"{name}.{fmt}"
    result = export_dataset(full_store, name, fmt, out)
    assert result.rows == source.height
    back = read_export(out, dict(source.schema))
    assert_frame_equal(_by_key(back, name), _by_key(source, name))
    manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text())
    assert manifest["rows"] == source.height and manifest["dataset"] == name


def test_partitioned_parquet_layout_and_round_trip(full_store, tmp_path):
    source = q.read_rows(full_store, "news")
    out = tmp_path / "news_parts"
    result = export_dataset(full_store, "news", "parquet", out, partition="always")
    days = sorted(p.name for p in out.glob("dt=*"))
    assert days and all(len(d) == len("dt=2026-01-01") for d in days)
    assert result.partitions == len(days)
    manifest = json.loads((out / "_manifest.json").read_text())
    assert manifest["rows"] == source.height
    assert {c["name"] for c in manifest["columns"]} == set(source.columns)
    back = read_export(out, dict(source.schema))
    assert_frame_equal(_by_key(back, "news"), _by_key(source, "news"))
    # the layout is plain hive: DuckDB reads it directly
    import duckdb
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/*/*.parquet', hive_partitioning=true)").fetchall()[0][0]
    assert n == source.height


def test_csv_has_header_and_iso_utc_times(full_store, tmp_path):
    out = tmp_path / "runs.csv"
    export_dataset(full_store, "job_runs", "csv", out)
    header, first = out.read_text().splitlines()[:2]
    assert header.startswith("run_id,job,started_at")
    started = first.split(",")[2]
    assert started.endswith("Z") and "T" in started


def test_filters_and_date_range(full_store):
    everything = q.read_rows(full_store, "prices")
    sym = everything["symbol"][0]
    only = q.read_rows(full_store, "prices", filters={"symbol": sym})
    assert only.height and set(only["symbol"]) == {sym}
    day = everything["ts"].max().date()
    one_day = q.read_rows(full_store, "prices", since=day, until=day)
    assert one_day.height and set(one_day["ts"].dt.date()) == {day}


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filter_values_are_plain_values(full_store, value):
    before = q.count_rows(full_store, "prices")
    assert q.count_rows(full_store, "prices", filters={"symbol": value}) == 0
    assert q.count_rows(full_store, "news", filters={"ticker": value}) == 0
    assert q.count_rows(full_store, "prices") == before


def test_unknown_filter_is_refused_in_words(full_store):
    with pytest.raises(q.BadFilter, match="prices has no filter 'sql'"):
        q.read_rows(full_store, "prices", filters={"sql": "1=1"})


def test_existing_file_needs_overwrite(full_store, tmp_path):
    out = tmp_path / "leads.parquet"
    export_dataset(full_store, "leads", "parquet", out)
    with pytest.raises(ExportError, match="already exists; pass --overwrite"):
        export_dataset(full_store, "leads", "parquet", out)
    export_dataset(full_store, "leads", "parquet", out, overwrite=True)
    assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name] == []


def _make_read_only(folder):
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    # root ignores permission bits; an immutable folder refuses even root
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot make a folder read-only for root here (chattr unsupported)")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_read_only_folder_gives_a_clear_error(full_store, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    undo = _make_read_only(folder)
    try:
        with pytest.raises(ExportError, match="read-only|not permitted|Permission"):
            export_dataset(full_store, "news", "csv", folder / "news.csv")
        assert list(folder.iterdir()) == []
    finally:
        undo()


def test_killed_export_leaves_no_file_under_the_final_name(settings, tmp_path):
    store = Store.from_settings(settings)
    synthetic.fill(store, utcnow(), news=150_000, leads=10, n_symbols=1, years=1, news_days=30, lead_days=5)
    out = tmp_path / "exports" / "news.csv"
    out.parent.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALDESK_")}
    env["SIGNALDESK_DATA_DIR"] = str(settings.data_dir)
    proc = subprocess.Popen([sys.executable, "-m", "jobs", "export", "news", "--format", "csv",
                             "--out", str(out)], cwd=REPO, env=env)
    try:
        while proc.poll() is None:  # kill as soon as the temporary file has bytes in it
            tmp = [p for p in out.parent.iterdir() if ".tmp-" in p.name]
            if tmp and tmp[0].stat().st_size > 0:
                proc.kill()
                break
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0, "the export finished before it could be interrupted"
    assert not out.exists()
    # the next export sweeps the leftover and completes
    export_dataset(store, "leads", "csv", out.with_name("leads.csv"))
    export_dataset(store, "news", "csv", out)
    assert out.exists() and [p for p in out.parent.iterdir() if ".tmp-" in p.name] == []


def test_import_restores_into_empty_store_and_dedups(full_store, tmp_path, settings):
    for name in q.DATASETS:
        export_dataset(full_store, name, "parquet", tmp_path / f"{name}.parquet")
    fresh = Store(tmp_path / "new" / "fresh.duckdb")
    for name in q.DATASETS:
        first = import_export(fresh, name, tmp_path / f"{name}.parquet")
        again = import_export(fresh, name, tmp_path / f"{name}.parquet")
        assert first["new"] == q.count_rows(full_store, name) and again["new"] == 0, name
    cols = [c for c in q.read_rows(full_store, "lead_events").columns if c != "id"]
    assert_frame_equal(_by_key(q.read_rows(fresh, "lead_events").select(cols), "lead_events"),
                       _by_key(q.read_rows(full_store, "lead_events").select(cols), "lead_events"))


def test_browser_download_bytes(full_store):
    data = export_bytes(full_store, "leads", "csv", filters={"status": "new"})
    assert data.splitlines()[0].startswith(b"id,platform")


def test_rolling_daily_export(full_store, settings):
    day = (utcnow() - timedelta(days=1)).date()
    first = rolling_daily_export(full_store, settings, day)
    again = rolling_daily_export(full_store, settings, day)
    assert first["rows"] == again["rows"]
    part = settings.exports_path / "daily" / "news" / f"dt={day}" / "part-0.parquet"
    assert pl.read_parquet(part).height == first["rows"]["news"]
    old = settings.exports_path / "daily" / "news" / f"dt={date(2000, 1, 1)}"
    old.mkdir()
    rolling_daily_export(full_store, settings, day)
    assert not old.exists()


def test_cli_export_and_bad_filter(settings, full_store, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALDESK_")}
    env["SIGNALDESK_DATA_DIR"] = str(settings.data_dir)
    run = lambda *a: subprocess.run([sys.executable, "-m", "jobs", *a], cwd=REPO, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=60)
    ok = run("export", "leads", "--format", "csv", "--where", "status=new", "--out", str(tmp_path / "l.csv"))
    assert ok.returncode == 0 and "rows written" in ok.stdout, ok.stderr
    bad = run("export", "leads", "--where", "1=1; DROP TABLE leads", "--out", str(tmp_path / "x.parquet"))
    assert bad.returncode == 1 and "leads has no filter '1'" in bad.stderr
