"""The local span table stays bounded, and tracing trouble never reaches a job's result."""
from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from opentelemetry.sdk.trace import SpanProcessor

from core import tracing
from core.log import JsonFormatter
from core.models import RunStatus, utcnow
from core.store import Store, job_runs, trace_spans
from jobs.execute import JobExecutor
from jobs.registry import JobSpec

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(autouse=True)
def _tracing_off_afterwards():
    yield
    tracing.shutdown()


def _row(i: int, start) -> dict:
    return {"trace_id": f"{i:032x}", "span_id": f"{i:016x}", "parent_span_id": None, "name": f"s{i}",
            "kind": "internal", "run_id": None, "start_at": start, "duration_ms": 1.0, "status": "unset",
            "status_message": None, "attributes": "{}"}


def test_old_spans_and_spans_past_the_cap_are_pruned(store):
    now = utcnow()
    old = [_row(i, now - timedelta(days=10, minutes=i)) for i in range(5)]
    recent = [_row(100 + i, now - timedelta(minutes=i)) for i in range(150)]
    assert trace_spans.save_spans(store, old + recent, keep_days=7, max_spans=100, now=now) == 155
    kept = trace_spans.recent_traces(store, limit=1000)
    assert kept.height == 100  # the 100 newest; the 10-day-old ones went first
    assert kept["start_at"].min() == now - timedelta(minutes=99)
    # saving a span again keeps it once
    assert trace_spans.save_spans(store, recent[:3], keep_days=7, max_spans=100, now=now) == 0


def test_the_local_buffer_is_bounded():
    buffer = tracing.LocalSpanBuffer(max_spans=3)
    from opentelemetry.sdk.trace import TracerProvider

    provider = TracerProvider()
    provider.add_span_processor(buffer)
    for i in range(5):
        with provider.get_tracer("t").start_as_current_span(f"s{i}"):
            pass
    assert [r["name"] for r in buffer.drain()] == ["s2", "s3", "s4"]
    assert buffer.drain() == []


class Exploding(SpanProcessor):
    def on_start(self, span, parent_context=None):
        raise RuntimeError("tracing broke at start")

    def on_end(self, span):
        raise RuntimeError("tracing broke at end")


def test_a_broken_span_processor_does_not_touch_the_run(store, settings):
    tracing.configure(settings, [Exploding()])
    ran = []
    out = JobExecutor(settings, {"t": JobSpec("t", lambda s, st: ran.append(1) or {"new": 1}, "t")},
                      store).execute("t")
    assert ran == [1] and out.status == RunStatus.OK
    assert job_runs.get_run(store, out.run_id)["status"] == "ok"


def test_a_span_table_that_cannot_be_written_does_not_touch_the_run(settings):
    store = Store.from_settings(settings)
    with store.write() as con:
        con.execute("DROP TABLE trace_spans")  # the span write now fails inside the executor
    tracing.configure(settings)
    out = JobExecutor(settings, {"t": JobSpec("t", lambda s, st: {"new": 1}, "t")}, store).execute("t")
    assert out.status == RunStatus.OK and job_runs.get_run(store, out.run_id)["status"] == "ok"


def test_a_log_line_inside_a_span_names_its_trace_and_span(settings):
    tracing.configure(settings)
    record = logging.LogRecord("core.x", logging.INFO, __file__, 1, "inside", None, None)
    outside = json.loads(JsonFormatter().format(record))
    with tracing.span("step") as sp:
        line = json.loads(JsonFormatter().format(record))
    ctx = sp.get_span_context()
    assert line["trace_id"] == format(ctx.trace_id, "032x") and line["span_id"] == format(ctx.span_id, "016x")
    assert "trace_id" not in outside and "span_id" not in outside
