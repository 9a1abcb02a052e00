"""Traces of every job run and Discord batch: OpenTelemetry spans, kept locally, exported on request.

Why OpenTelemetry: it is the standard every trace backend reads (Jaeger, Grafana Tempo, Elastic,
Datadog), so the same spans serve the Jobs page's waterfall and an operator's own tooling.

- Every span is also buffered in memory (``LocalSpanBuffer``, bounded). The job executor writes
  a run's spans in the run record's own transaction (no extra store connection; if that insert
  fails the run is recorded without them); a Discord batch outside a job writes its spans in
  one short write after it is done. Tracing never holds a store connection open.
- With the standard ``OTEL_EXPORTER_OTLP_ENDPOINT`` set, spans are also exported over OTLP/HTTP
  (protobuf, ``<endpoint>/v1/traces``) from a background batch thread.
- Tracing failures never fail a job: ``span`` swallows errors of the tracing machinery itself
  (never the caller's), the exporter runs in its own thread, and the store write is guarded.

Every span carries the run id (``signaldesk.run_id``) of the job run it belongs to, taken from
the same context variable the log lines use. URLs in attributes go through ``safe_url``.
"""
from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from core.log import run_id_var

log = logging.getLogger(__name__)

RUN_ID = "signaldesk.run_id"
SERVICE = "signaldesk"
_KINDS = {SpanKind.INTERNAL: "internal", SpanKind.CLIENT: "client", SpanKind.SERVER: "server",
          SpanKind.PRODUCER: "producer", SpanKind.CONSUMER: "consumer"}


def span_row(span: ReadableSpan) -> dict:
    """One finished span as a row of the ``trace_spans`` table."""
    ctx = span.get_span_context()
    attrs = dict(span.attributes or {})
    start, end = span.start_time or 0, span.end_time or span.start_time or 0
    return {
        "trace_id": format(ctx.trace_id, "032x"),
        "span_id": format(ctx.span_id, "016x"),
        "parent_span_id": format(span.parent.span_id, "016x") if span.parent else None,
        "name": span.name,
        "kind": _KINDS.get(span.kind, "internal"),
        "run_id": attrs.get(RUN_ID),
        "start_at": datetime.fromtimestamp(start / 1e9, UTC).replace(tzinfo=None),
        "duration_ms": (end - start) / 1e6,
        "status": span.status.status_code.name.lower(),
        "status_message": span.status.description,
        "attributes": json.dumps(attrs, default=str),
    }


class LocalSpanBuffer(SpanProcessor):
    """Finished spans as rows, held until the next store write takes them (oldest dropped past
    ``max_spans``, so an abandoned job or a store that is down cannot grow memory)."""

    def __init__(self, max_spans: int = 20_000):
        self._rows: deque[dict] = deque(maxlen=max_spans)
        self._lock = threading.Lock()

    def on_end(self, span: ReadableSpan) -> None:
        row = span_row(span)
        with self._lock:
            self._rows.append(row)

    def drain(self) -> list[dict]:
        with self._lock:
            rows = list(self._rows)
            self._rows.clear()
        return rows

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return True


class _State:
    provider: TracerProvider | trace.NoOpTracerProvider | None = None
    buffer: LocalSpanBuffer | None = None
    lock = threading.Lock()


def _build(settings, processors: Sequence[SpanProcessor]) -> tuple[TracerProvider, LocalSpanBuffer]:
    if settings is None:
        from core.config import get_settings

        settings = get_settings()
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE}))
    buffer = LocalSpanBuffer(int(getattr(settings, "trace_buffer_spans", 20_000)))
    provider.add_span_processor(buffer)
    endpoint = getattr(settings, "otlp_endpoint", None)
    if endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = OTLPSpanExporter(endpoint=otlp_traces_url(endpoint),
                                    timeout=float(getattr(settings, "otlp_timeout_s", 5.0)))
        provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=1000))
    for p in processors:
        provider.add_span_processor(p)
    return provider, buffer


def configure(settings=None, processors: Sequence[SpanProcessor] = (), *, enabled: bool = True):
    """Install this process's tracer provider (replacing an earlier one, which is shut down).

    Spans always go to the local buffer; to OTLP when ``settings.otlp_endpoint`` (the standard
    ``OTEL_EXPORTER_OTLP_ENDPOINT``) is set; and to any extra ``processors`` (tests pass an
    in-memory exporter). Without a call, the first span configures from ``get_settings()``.
    ``enabled=False`` installs OpenTelemetry's no-op provider (the benchmark's baseline).
    """
    if enabled:
        provider, buffer = _build(settings, processors)
    else:
        provider, buffer = trace.NoOpTracerProvider(), None
    with _State.lock:
        old, _State.provider, _State.buffer = _State.provider, provider, buffer
    if old is not None:
        _shutdown_quietly(old)
    return provider


def otlp_traces_url(endpoint: str) -> str:
    """The spec's rule for the base variable: ``<endpoint>/v1/traces``."""
    return endpoint.rstrip("/") + "/v1/traces"


def shutdown() -> None:
    """Flush the exporters (bounded by their timeout) and stop tracing; spans become no-ops."""
    with _State.lock:
        old, _State.provider, _State.buffer = _State.provider, None, None
    if old is not None:
        _shutdown_quietly(old)


def _shutdown_quietly(provider) -> None:
    try:
        if isinstance(provider, TracerProvider):
            provider.shutdown()
    except Exception:  # an exporter that cannot flush must not break shutdown
        log.warning("tracing shutdown failed", exc_info=True)


def _provider():
    provider = _State.provider
    if provider is None:
        with _State.lock:
            if _State.provider is None:
                _State.provider, _State.buffer = _build(None, ())
            provider = _State.provider
    return provider


def drain_local() -> list[dict]:
    """The finished spans not yet written to the store (and forget them)."""
    buffer = _State.buffer
    return buffer.drain() if buffer is not None else []


@contextmanager
def span(name: str, attributes: dict | None = None, kind: SpanKind = SpanKind.INTERNAL) -> Iterator[Span]:
    """A span around the block, child of the current one, carrying the run id.

    An exception from the block is recorded on the span and re-raised; a failure of tracing
    itself gives a non-recording span instead, so the block always runs.
    """
    try:
        attrs = {k: v for k, v in (attributes or {}).items() if v is not None}
        rid = run_id_var.get()
        if rid:
            attrs.setdefault(RUN_ID, rid)
        cm = _provider().get_tracer("signaldesk").start_as_current_span(
            name, kind=kind, attributes=attrs, record_exception=True, set_status_on_exception=True)
        current = cm.__enter__()
    except Exception:
        log.debug("tracing unavailable for span %s", name, exc_info=True)
        yield trace.INVALID_SPAN
        return
    try:
        yield current
    except BaseException as exc:
        cm.__exit__(type(exc), exc, exc.__traceback__)
        raise
    else:
        cm.__exit__(None, None, None)


def set_attributes(sp: Span, attributes: dict) -> None:
    """Set the attributes that have a value (None is not an OTel attribute value)."""
    try:
        sp.set_attributes({k: v for k, v in attributes.items() if v is not None})
    except Exception:
        log.debug("could not set span attributes", exc_info=True)


def set_error(sp: Span, message: str | None) -> None:
    """Mark a span failed with a reason (a failure that was handled, not raised)."""
    if message:
        try:
            sp.set_status(Status(StatusCode.ERROR, message[:500]))
        except Exception:
            log.debug("could not set span status", exc_info=True)


def span_frame(rows: list[dict] | None):
    """The rows as a typed frame for the store, or None (no rows, or rows that do not fit)."""
    if not rows:
        return None
    try:
        from core.store import trace_spans

        return trace_spans.span_frame(rows)
    except Exception:
        log.warning("could not prepare %d spans for the store", len(rows), exc_info=True)
        return None


@contextmanager
def current(sp: Span) -> Iterator[None]:
    """Make an (ended) span current again, so log lines written after it name its trace."""
    try:
        cm = trace.use_span(sp, end_on_exit=False)
        cm.__enter__()
    except Exception:  # noqa: BLE001 - log lines without trace ids rather than no record
        yield
        return
    try:
        yield
    finally:
        cm.__exit__(None, None, None)


def save_local(store, settings=None) -> int:
    """Write the buffered spans to the store's bounded span table; never raises."""
    rows = drain_local()
    if not rows:
        return 0
    try:
        from core.store import trace_spans

        keep_days = float(getattr(settings, "trace_keep_days", 7.0))
        max_spans = int(getattr(settings, "trace_max_spans", 200_000))
        return trace_spans.save_spans(store, rows, keep_days=keep_days, max_spans=max_spans)
    except Exception:
        log.warning("could not store %d spans", len(rows), exc_info=True)
        return 0
