"""An export written before a migration added columns (060 added job_runs.pid and .attempts)
imports into today's store, as Parquet just as as CSV: the missing columns become nulls."""
from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

from core.exports import import_export, to_csv_frame
from core.store import exports as q

pytestmark = pytest.mark.timeout(30)


def _pre_060_job_runs() -> pl.DataFrame:
    return pl.DataFrame({
        "run_id": ["r1", "r2"], "job": ["news", "learn"],
        "started_at": [datetime(2026, 11, 1, 9), datetime(2026, 11, 1, 10)],
        "finished_at": [datetime(2026, 11, 1, 9, 1), datetime(2026, 11, 1, 10, 2)],
        "status": ["ok", "failed"], "counts": ['{"new": 1}', None], "error": [None, "TimeoutError: x"],
        "error_fingerprint": [None, "abc"], "trigger": ["schedule", "schedule"],
    }, schema_overrides={"counts": pl.String, "error": pl.String, "error_fingerprint": pl.String})


@pytest.mark.parametrize("fmt", ["parquet", "csv", "partitioned"])
def test_export_from_before_migration_060_imports(store, tmp_path, fmt):
    old = _pre_060_job_runs()
    if fmt == "parquet":
        path = tmp_path / "job_runs.parquet"
        old.write_parquet(path)
    elif fmt == "csv":
        path = tmp_path / "job_runs.csv"
        to_csv_frame(old).write_csv(path)
    else:
        path = tmp_path / "job_runs_export"
        (path / "dt=2026-11-01").mkdir(parents=True)
        old.write_parquet(path / "dt=2026-11-01" / "part-0.parquet")
    assert import_export(store, "job_runs", path) == {"dataset": "job_runs", "read": 2, "new": 2,
                                                       "duplicate": 0, "rejected": 0, "reasons": {}}
    rows = q.read_rows(store, "job_runs").sort("run_id")
    assert rows["status"].to_list() == ["ok", "failed"]
    assert rows["pid"].to_list() == [None, None] and rows["attempts"].to_list() == [None, None]
    assert import_export(store, "job_runs", path)["new"] == 0  # still deduplicated
