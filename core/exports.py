"""Exports: every dataset leaves as CSV or Parquet, atomically, readable by any engine.

Atomic means: written under a hidden temporary name in the target folder, fsynced, then put in
place by one atomic step (``core.atomic_files``: a rename over an old file, an exchange with an
old folder); a crash or a full disk never leaves a half file, or no file, under the final name,
and a killed export's leftovers are restored or removed, and reported, by the next one. Large Parquet
exports are hive-partitioned by day (``dt=YYYY-MM-DD/part-0.parquet``) with ``_manifest.json``;
single files get a ``<name>.manifest.json`` beside them. CSV has a header, ISO-8601 UTC
timestamps (``...Z``) and lists as JSON arrays.
"""
from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from core.atomic_files import fsync_dir, fsync_file, new_tmp, publish, recover
from core.import_checks import ImportProblem, clean_rows, conform
from core.models import utcnow
from core.store import Store
from core.store import exports as q

log = logging.getLogger(__name__)

FORMATS = ("csv", "parquet")
PARTITION_ROWS = 250_000  # "auto" partitions Parquet exports from this many rows
CSV_TIME = "%Y-%m-%dT%H:%M:%S%.6fZ"
CSV_SLICE_ROWS = 20_000


class ExportError(RuntimeError):
    """An export that could not be written; the message says why and what to do."""


@dataclass
class ExportResult:
    dataset: str
    path: Path
    format: str
    rows: int
    partitions: int = 0
    manifest: dict = field(default_factory=dict)
    recovered: list[str] = field(default_factory=list)  # leftovers of a killed export, handled


# ------------------------------------------------------------------ encoding
def to_csv_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Strings a CSV can hold without loss: ISO-8601 UTC times, JSON lists."""
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Datetime or isinstance(dtype, pl.Datetime):
            out.append(col.dt.strftime(CSV_TIME))
        elif isinstance(dtype, pl.List):  # JSON via a one-field struct, vectorised
            encoded = pl.struct(col.alias("v")).struct.json_encode()
            out.append(encoded.str.slice(5, encoded.str.len_chars() - 6).alias(name))
        else:
            out.append(col)
    return frame.select(out)


def restore_types(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Undo ``to_csv_frame``: cast every column back to the store's type."""
    out = []
    for name, dtype in schema.items():
        if name not in frame.columns:
            out.append(pl.lit(None, dtype).alias(name))
            continue
        col = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            out.append(col.cast(pl.String).str.to_datetime(CSV_TIME, time_unit=dtype.time_unit).alias(name))
        elif isinstance(dtype, pl.List):
            out.append(col.cast(pl.String).str.json_decode(dtype).alias(name))
        elif dtype == pl.Date:
            out.append(col.cast(pl.String).str.to_date().alias(name))
        else:
            out.append(col.cast(dtype).alias(name))
    return frame.select(out)


def read_export(path: str | Path, schema: dict[str, pl.DataType] | None = None) -> pl.DataFrame:
    """Read an export back (file or partitioned folder); with ``schema``, in the store's types."""
    path = Path(path)
    if path.is_dir():
        frame = pl.read_parquet(path / "**" / "*.parquet", hive_partitioning=True).drop("dt", strict=False)
    elif path.suffix == ".csv":
        frame = pl.read_csv(path, infer_schema=False)
        return restore_types(frame, schema) if schema else frame
    else:
        frame = pl.read_parquet(path)
    return read_export_frame(frame, schema)


def read_export_frame(frame: pl.DataFrame, schema: dict[str, pl.DataType] | None) -> pl.DataFrame:
    """An export's frame in the store's columns (missing ones as nulls)."""
    if not schema:
        return frame
    # an export from before a migration added columns (e.g. 060: job_runs.pid, .attempts)
    missing = [pl.lit(None, dtype).alias(name) for name, dtype in schema.items()
               if name not in frame.columns]
    return frame.with_columns(missing).select(list(schema)) if missing else frame.select(list(schema))


# ------------------------------------------------------------------ atomic files
def _check_target(out: Path, overwrite: bool) -> list[str]:
    parent = out.parent
    if not parent.exists():
        try:
            parent.mkdir(parents=True)
        except OSError as exc:
            raise ExportError(f"cannot create the folder {parent}: {exc.strerror}") from exc
    if not parent.is_dir():
        raise ExportError(f"{parent} is not a folder")
    notes = recover(out)  # a killed export's leftovers: restored or removed, and reported
    if out.exists() and not overwrite:
        raise ExportError(f"{out} already exists; pass --overwrite to replace it"
                          + (f" ({'; '.join(notes)})" if notes else ""))
    return notes


def _write_atomically(out: Path, overwrite: bool, write) -> list[str]:
    """``write(tmp_path)`` produces the file or folder; only a complete one gets ``out``'s name
    (``core.atomic_files.publish``). Returns notes on leftovers of an earlier killed export."""
    notes = _check_target(out, overwrite)
    tmp = new_tmp(out)
    try:
        write(tmp)
        publish(tmp, out)
        return notes
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
        reason = "the disk is full" if exc.errno == 28 else (
            "the folder is read-only" if exc.errno in (13, 30, 1) else exc.strerror or str(exc))
        raise ExportError(f"could not write {out}: {reason}; nothing was written under that name") from exc


# ------------------------------------------------------------------ export
def manifest_for(name: str, frame: pl.DataFrame, fmt: str, partitions: int) -> dict:
    ds = q.dataset(name)
    times = frame.get_column(ds.time_column) if ds.time_column in frame.columns else None
    lo = times.min() if times is not None and frame.height else None
    hi = times.max() if times is not None and frame.height else None
    return {
        "dataset": name, "format": fmt, "rows": frame.height, "partitions": partitions,
        "columns": [{"name": c, "type": str(t)} for c, t in frame.schema.items()],
        "time_column": ds.time_column,
        "time_range": [lo.isoformat() + "Z" if lo else None, hi.isoformat() + "Z" if hi else None],
        "created_at": utcnow().isoformat() + "Z",
    }


def _write_single(frame: pl.DataFrame, fmt: str, manifest: dict):
    def write(tmp: Path) -> None:
        if fmt == "csv":  # in slices: bounded memory for big exports
            with open(tmp, "wb") as f:
                for i, chunk in enumerate(to_csv_frame(frame).iter_slices(CSV_SLICE_ROWS)):
                    chunk.write_csv(f, include_header=i == 0)
                if frame.is_empty():
                    to_csv_frame(frame).write_csv(f)
        else:
            frame.write_parquet(tmp)
        fsync_file(tmp)
    return write


def _write_partitioned(frame: pl.DataFrame, time_column: str, manifest: dict):
    def write(tmp: Path) -> None:
        tmp.mkdir()
        keyed = frame.with_columns(
            pl.col(time_column).dt.strftime("%Y-%m-%d").fill_null("__HIVE_DEFAULT_PARTITION__").alias("dt"))
        for (day,), part in keyed.group_by("dt", maintain_order=True):
            folder = tmp / f"dt={day}"
            folder.mkdir()
            part.drop("dt").write_parquet(folder / "part-0.parquet")
            fsync_file(folder / "part-0.parquet")
            fsync_dir(folder)
        (tmp / "_manifest.json").write_text(json.dumps(manifest, indent=2))
        fsync_file(tmp / "_manifest.json")
        fsync_dir(tmp)
    return write


def export_dataset(store: Store, name: str, fmt: str, out: str | Path, *,
                   since: date | None = None, until: date | None = None,
                   filters: dict[str, str] | None = None, overwrite: bool = False,
                   partition: str = "auto") -> ExportResult:
    """Write one dataset to ``out``. ``partition``: auto | always | never (Parquet only)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use csv or parquet")
    ds = q.dataset(name)
    out = Path(out)
    frame = q.read_rows(store, name, since, until, filters)  # store closed before any file I/O
    split = fmt == "parquet" and ds.time_column is not None and (
        partition == "always" or (partition == "auto" and frame.height >= PARTITION_ROWS))
    if split:
        parts = frame.get_column(ds.time_column).dt.date().n_unique() if frame.height else 0
        manifest = manifest_for(name, frame, fmt, parts)
        notes = _write_atomically(out, overwrite, _write_partitioned(frame, ds.time_column, manifest))
    else:
        manifest = manifest_for(name, frame, fmt, 0)
        notes = _write_atomically(out, overwrite, _write_single(frame, fmt, manifest))
        side = out.with_name(out.name + ".manifest.json")
        notes += _write_atomically(side, True, lambda tmp: (tmp.write_text(json.dumps(manifest, indent=2)),
                                                            fsync_file(tmp)))
    log.info("exported", extra={"dataset": name, "rows": frame.height, "path": str(out), "format": fmt})
    return ExportResult(name, out, fmt, frame.height, manifest["partitions"], manifest, notes)


def export_bytes(store: Store, name: str, fmt: str, *, since: date | None = None,
                 until: date | None = None, filters: dict[str, str] | None = None) -> bytes:
    """The export as bytes, for a browser download (one file, never partitioned)."""
    import io

    frame = q.read_rows(store, name, since, until, filters)
    buf = io.BytesIO()
    if fmt == "csv":
        to_csv_frame(frame).write_csv(buf)
    else:
        frame.write_parquet(buf)
    return buf.getvalue()


def import_export(store: Store, name: str, path: str | Path) -> dict:
    """Restore an export into the store (e.g. on a new machine); rows already there are skipped."""
    schema = dict(q.empty_frame(store, name).schema)
    path = Path(path)
    try:
        if path.suffix == ".csv" and not path.is_dir():
            raw = read_export(path, schema)  # CSV text cast back to the store's types
        else:
            raw = conform(read_export(path), schema, name)
        missing = [k for k in q.dataset(name).key if k not in raw.columns]
        if missing:
            raise ImportProblem(f"{path.name} has no {', '.join(missing)} column: it is not a {name} export")
        frame = read_export_frame(raw, schema)
    except ImportProblem as exc:
        raise ExportError(str(exc)) from None
    except (pl.exceptions.PolarsError, OSError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise ExportError(f"{path.name} is not a readable {name} export: {first}") from None
    frame, rejected = clean_rows(frame)  # imported rows are outside input: checked like fetched ones
    new = q.import_rows(store, name, frame)
    return {"dataset": name, "read": raw.height, "new": new, "duplicate": frame.height - new,
            "rejected": sum(rejected.values()), "reasons": rejected}


def rolling_daily_export(store: Store, settings, day: date | None = None) -> dict:
    """Yesterday's rows of every dataset as ``exports/<dataset>/dt=<day>/part-0.parquet``.

    Re-running for the same day replaces that day's file; learned weights (a snapshot) are
    written whole. Folders older than ``settings.export_keep_days`` are removed.
    """
    day = day or (utcnow().date() - timedelta(days=1))
    root = Path(settings.exports_path) / "daily"
    counts = {}
    for name in q.DATASETS:
        snapshot = name == "learned_weights"
        frame = q.read_rows(store, name, None if snapshot else day, None if snapshot else day)
        target = root / name / f"dt={day.isoformat()}" / "part-0.parquet"
        _write_atomically(target, True, _write_single(frame, "parquet", {}))
        counts[name] = frame.height
    keep = getattr(settings, "export_keep_days", 90)
    cutoff = (day - timedelta(days=keep)).isoformat()
    for old in root.glob("*/dt=*"):
        if old.name[3:] < cutoff:
            shutil.rmtree(old, ignore_errors=True)
    return {"day": day.isoformat(), "rows": counts, "folder": str(root)}


def parse_filters(pairs: list[str]) -> dict[str, str]:
    """``["symbol=AAPL", "status=won"]`` -> dict; values are kept verbatim (bound as parameters)."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise q.BadFilter(f"filter {pair!r} is not NAME=VALUE (e.g. symbol=AAPL)")
        out[name.strip()] = value
    return out


def default_name(name: str, fmt: str, when: datetime | None = None) -> str:
    stamp = (when or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    return f"{name}-{stamp}.{'csv' if fmt == 'csv' else 'parquet'}"
