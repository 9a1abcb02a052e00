"""A job registry for testing the real runner in real processes (``--registry tests.fakes.demo_jobs:registry``).

``demo_ingest`` writes a large batch of news rows in ONE ``store.write()`` transaction, the
way an ingest does. With ``DEMO_HOLD_FILE`` set it writes half the batch, creates that file
and waits inside the open transaction, so a test can ``kill -9`` the process mid-batch at a
known point. Environment (read by the subprocess only): ``DEMO_SCHEDULE`` (default off),
``DEMO_ROWS`` (default 100000), ``DEMO_HOLD_FILE``.
"""
from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path

import polars as pl

from core.models import NEWS_SCHEMA, SourceCounts
from core.store import insert_new
from jobs.registry import JobSpec


def demo_frame(rows: int) -> pl.DataFrame:
    """Deterministic news rows: the same input on every run, keyed by ``id``."""
    i = pl.int_range(0, rows, dtype=pl.Int64)
    at = datetime(2025, 1, 2, 14, 30)
    return pl.select(
        id=pl.lit("demo-") + i.cast(pl.String),
        source=pl.lit("demo"),
        url=pl.lit("https://demo.invalid/n/") + i.cast(pl.String),
        title=pl.lit("Demo headline number ") + i.cast(pl.String),
        summary=pl.lit("A deterministic row written by the runner's crash test."),
        published_at=pl.lit(at) + pl.duration(seconds=i),
        fetched_at=pl.lit(at),
        tickers=pl.concat_list(pl.lit("DEMO") + (i % 50).cast(pl.String)),
        sentiment=(i % 21 - 10).cast(pl.Float64) / 10.0,
        sentiment_label=pl.lit("neutral"),
        cluster_id=pl.lit("c") + (i // 3).cast(pl.String),
    ).cast(NEWS_SCHEMA)


def ingest_batch(store, settings) -> SourceCounts:
    rows = int(os.environ.get("DEMO_ROWS", "100000"))
    frame = demo_frame(rows)
    half = rows // 2
    hold = os.environ.get("DEMO_HOLD_FILE")
    with store.write() as con:
        new = len(insert_new(con, "news", frame.head(half), "id"))
        if hold:
            Path(hold).write_text(str(os.getpid()))
            threading.Event().wait(120)  # the test kills us here, mid-transaction
        new += len(insert_new(con, "news", frame.slice(half), "id"))
    return SourceCounts(fetched=rows, new=new, duplicate=rows - new)


def fail(store, settings):
    raise TimeoutError("upstream timeout after 3.2s on id 123")


def ok(store, settings):
    return {"fetched": 1, "new": 1}


def registry(settings=None) -> dict[str, JobSpec]:
    return {
        "demo_ingest": JobSpec("demo_ingest", ingest_batch, "Large batch in one transaction.",
                               schedule=os.environ.get("DEMO_SCHEDULE", "off")),
        "demo_fail": JobSpec("demo_fail", fail, "Always fails.", schedule="off"),
        "demo_ok": JobSpec("demo_ok", ok, "Always works.", schedule="off"),
    }
