"""The Overview tells the truth about recorded runs (all failed, some failed, none), the Jobs
page shows why a run was partial or failed, and the run waterfall draws a picked trace."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.models import utcnow
from core.store import trace_spans
from tests.ui.conftest import make_app, no_exceptions

pytestmark = pytest.mark.timeout(60)


def _run(store, run_id: str, job: str, status: str, error: str | None, minutes_ago: float = 5) -> None:
    at = utcnow() - timedelta(minutes=minutes_ago)
    with store.write() as con:
        con.execute("INSERT INTO job_runs (run_id, job, started_at, finished_at, status, error) "
                    "VALUES (?, ?, ?, ?, ?, ?)", [run_id, job, at, at + timedelta(seconds=2), status, error])


def _failing_source(store, url: str, error: str, failures: int = 2) -> None:
    with store.write() as con:
        con.execute("INSERT INTO source_state (source, consecutive_failures, last_error, last_fetch_at) "
                    "VALUES (?, ?, ?, ?)", [url, failures, error, utcnow()])


def _texts(elements) -> str:
    return " | ".join(e.value for e in elements)


def test_all_clear_when_every_last_run_was_ok(settings, store):
    _run(store, "r1", "news", "ok", None)
    at = make_app(settings)
    no_exceptions(at)
    assert any(s.value.startswith("All clear") for s in at.success)


def test_every_source_failed_names_the_job_the_reason_and_the_sources(settings, store):
    _run(store, "r0", "news", "ok", None, minutes_ago=60)
    _run(store, "r1", "news", "failed", "all 2 sources failed: gone: HTTP 404; hung: timed out after 0.3s")
    _failing_source(store, "http://127.0.0.1:9/gone.rss", "HTTP 404")
    at = make_app(settings)
    no_exceptions(at)
    assert not any(s.value.startswith("All clear") for s in at.success)
    errors = _texts(at.error)
    assert "Job **news**: last run failed" in errors and "gone: HTTP 404; hung: timed out" in errors
    assert "Last clean run: " in errors and "never" not in errors  # r0 was ok
    warnings = _texts(at.warning)
    assert "Source http://127.0.0.1:9/gone.rss failed 2 time(s) in a row" in warnings
    assert "last success: never" in warnings and "HTTP 404" in warnings


def test_some_sources_failed_is_a_warning_saying_k_of_n(settings, store):
    _run(store, "r1", "leads", "partial", "1 of 4 sources failed: r/jobbit: HTTP 403")
    at = make_app(settings)
    no_exceptions(at)
    assert not any(s.value.startswith("All clear") for s in at.success)
    assert "Job **leads**: last run partial" in _texts(at.warning)
    assert "1 of 4 sources failed" in _texts(at.warning)


def test_jobs_page_shows_a_partial_runs_reason(settings, store):
    _run(store, "r1", "leads", "partial", "1 of 4 sources failed: r/jobbit: HTTP 403")
    at = make_app(settings, "views/jobs.py")
    no_exceptions(at)
    status = next(d.value for d in at.dataframe if "last_error" in d.value.columns)
    assert status["last_error"].tolist() == ["1 of 4 sources failed: r/jobbit: HTTP 403"]


def _span(trace: str, span: str, parent: str | None, name: str, start, ms: float, run_id=None,
          status="unset", message=None, attributes="{}") -> dict:
    return {"trace_id": trace, "span_id": span, "parent_span_id": parent, "name": name, "kind": "internal",
            "run_id": run_id, "start_at": start, "duration_ms": ms, "status": status,
            "status_message": message, "attributes": attributes}


def seed_traces(store) -> None:
    t0 = utcnow() - timedelta(minutes=3)
    ms = timedelta(milliseconds=1)
    trace_spans.save_spans(store, [
        _span("a" * 32, "1" * 16, None, "job news", t0, 900, "run1"),
        _span("a" * 32, "2" * 16, "1" * 16, "fetch", t0 + 5 * ms, 700, "run1"),
        _span("a" * 32, "3" * 16, "2" * 16, "GET", t0 + 6 * ms, 650, "run1", "error", "HTTP 500 (3 attempts)",
              '{"server.address": "slow.example", "http.response.status_code": 500, '
              '"signaldesk.http.attempts": 3}'),
        _span("a" * 32, "4" * 16, "1" * 16, "insert", t0 + 720 * ms, 40, "run1"),
        _span("b" * 32, "5" * 16, None, "discord batch", t0 + timedelta(minutes=1), 300),
        _span("b" * 32, "6" * 16, "5" * 16, "discord message", t0 + timedelta(minutes=1, milliseconds=2), 120),
    ])


def test_waterfall_rows_are_in_tree_order_with_depth_and_offset(store):
    from dashboard.run_waterfall import waterfall_rows

    seed_traces(store)
    rows = waterfall_rows(trace_spans.trace_spans(store, "a" * 32))
    assert [(r["name"], r["depth"]) for r in rows] == [("job news", 0), ("fetch", 1), ("GET", 2), ("insert", 1)]
    assert [round(r["offset_ms"]) for r in rows] == [0, 5, 6, 720]
    assert "slow.example" in rows[2]["label"] and "3 attempts" in rows[2]["label"]


def test_jobs_page_draws_the_picked_runs_waterfall(settings, store):
    seed_traces(store)
    at = make_app(settings, "views/jobs.py")
    no_exceptions(at)
    assert "Run waterfall" in [h.value for h in at.subheader]
    picker = at.selectbox(key="waterfall_trace")
    labels = picker.options  # already formatted
    assert labels[0].startswith("discord batch") and labels[1].startswith("job news · run run1")
    assert "1 failed span(s)" in labels[1]
    assert at.get("plotly_chart")
    picker.set_value(1).run()
    no_exceptions(at)
    assert any("GET" in c.value and "HTTP 500 (3 attempts)" in c.value for c in at.caption)
