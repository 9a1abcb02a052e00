-- Traces kept locally (core/tracing.py): one row per finished OpenTelemetry span, bounded by
-- age and count (core/store/trace_spans.py prunes on every write). Read by the Jobs page's
-- run waterfall. No secondary index: the table is bounded, and a scan of it is milliseconds.
CREATE TABLE IF NOT EXISTS trace_spans (
    trace_id        VARCHAR NOT NULL,
    span_id         VARCHAR NOT NULL,
    parent_span_id  VARCHAR,
    name            VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,
    run_id          VARCHAR,
    start_at        TIMESTAMP NOT NULL,
    duration_ms     DOUBLE NOT NULL,
    status          VARCHAR NOT NULL,
    status_message  VARCHAR,
    attributes      JSON,
    PRIMARY KEY (trace_id, span_id)
);
