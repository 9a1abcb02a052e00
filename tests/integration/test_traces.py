"""Traces of whole runs: a news job on the loopback feed server and a Discord batch on the fake
Discord, seen by an in-memory exporter, the local span table and a loopback OTLP collector;
a broken collector changes nothing in the job's result."""
from __future__ import annotations

import io
import json
import socket

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import SecretStr

from core import tracing
from core.log import setup_logging
from core.models import RunStatus
from core.publish import post_items
from core.store import job_runs, trace_spans
from core.store.feeds import add_feeds
from jobs.execute import JobExecutor
from jobs.registry import default_registry
from tests.fakes.discord_api import FakeDiscord
from tests.fakes.otlp_collector import FakeCollector

pytestmark = pytest.mark.timeout(60)
SEC = (__import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
       / "edgarkit__pressreleases.rss").read_bytes()
STEPS = ["fetch", "ingest news", "parse", "dedup", "score", "insert"]
HTTP = {"GET", "attempt"}


@pytest.fixture
def online(settings):
    return settings.model_copy(update={"offline": False, "http_timeout_s": 0.5, "http_deadline_s": 2.0,
                                       "job_retries": 0})


@pytest.fixture
def memory():
    """Spans of this test in memory (plus the local buffer); tracing off again afterwards."""
    exporter = InMemorySpanExporter()
    yield exporter
    tracing.shutdown()


def _news_job(store, settings, fake_http, memory=None):
    if memory is not None:
        tracing.configure(settings, [SimpleSpanProcessor(memory)])
    good = fake_http.put("/sec.rss", SEC)
    gone = fake_http.url("/gone.rss?apikey=SECRET123")
    add_feeds(store, [{"url": good, "kind": "news", "name": "sec"},
                      {"url": gone, "kind": "news", "name": "gone"}])
    registry = {k: v for k, v in default_registry(settings).items() if k == "news"}
    return JobExecutor(settings, registry, store).execute("news", trigger="manual")


def test_news_run_spans_have_the_right_parents_and_attributes(store, online, fake_http, memory,
                                                              restore_logging):
    buf = io.StringIO()
    setup_logging("INFO", stream=buf, json_lines=True)
    out = _news_job(store, online, fake_http, memory)

    assert out.status == RunStatus.PARTIAL and out.error.startswith("1 of 2 sources failed")
    spans = {s.name: s for s in memory.get_finished_spans() if s.name not in HTTP}
    gets = [s for s in memory.get_finished_spans() if s.name == "GET"]
    job = spans["job news"]
    assert job.parent is None and job.attributes["signaldesk.run_id"] == out.run_id
    assert job.attributes["signaldesk.status"] == "partial"
    ingest = spans["ingest news"]
    for name in STEPS:  # fetch and ingest under the run, the pipeline's steps under ingest, in order
        parent = job if name in ("fetch", "ingest news") else ingest
        assert spans[name].parent.span_id == parent.context.span_id, name
        assert spans[name].attributes["signaldesk.run_id"] == out.run_id
    starts = [spans[n].start_time for n in STEPS]
    assert starts == sorted(starts)
    assert spans["insert"].attributes["signaldesk.rows_new"] == 25
    # one client span per feed, under the fetch step, with HTTP semantic-convention attributes
    assert len(gets) == 2 and all(g.parent.span_id == spans["fetch"].context.span_id for g in gets)
    by_status = {g.attributes["http.response.status_code"]: g for g in gets}
    assert by_status[200].attributes["http.response.body.size"] == len(SEC)
    assert by_status[200].attributes["server.address"] == "127.0.0.1"
    assert by_status[200].attributes["signaldesk.http.attempts"] == 1
    assert by_status[404].status.status_code.name == "ERROR"
    assert by_status[404].attributes["url.full"].endswith("/gone.rss?apikey=***")  # keys masked (core.redact)
    assert all("SECRET123" not in json.dumps(dict(s.attributes)) for s in memory.get_finished_spans())
    # every log line of the run carries the run's trace id and a span id of that trace
    trace_id = format(job.context.trace_id, "032x")
    span_ids = {format(s.context.span_id, "016x") for s in memory.get_finished_spans()}
    lines = [json.loads(x) for x in buf.getvalue().splitlines()]
    run_lines = [x for x in lines if x.get("run_id") == out.run_id]
    assert len(run_lines) >= 3
    assert all(x["trace_id"] == trace_id and x["span_id"] in span_ids for x in run_lines)
    # the same spans in the local span table, found from the run
    assert trace_spans.trace_of_run(store, out.run_id) == trace_id
    stored = trace_spans.trace_spans(store, trace_id)
    assert stored.height == len(memory.get_finished_spans())
    assert set(stored["name"]) == {"job news", *HTTP, *STEPS}


def test_a_retried_fetch_shows_each_attempt(store, online, fake_http, memory):
    from tests.fakes.http_server import FailTimes

    tracing.configure(online, [SimpleSpanProcessor(memory)])
    fake_http.put("/flaky.rss", SEC)
    add_feeds(store, [{"url": fake_http.fault("/flaky.rss", FailTimes(2)), "kind": "news", "name": "flaky"}])
    registry = {k: v for k, v in default_registry(online).items() if k == "news"}
    out = JobExecutor(online, registry, store).execute("news")
    assert out.status == RunStatus.OK
    get = next(x for x in memory.get_finished_spans() if x.name == "GET")
    attempts = sorted((x for x in memory.get_finished_spans() if x.name == "attempt"), key=lambda x: x.start_time)
    assert all(a.parent.span_id == get.context.span_id for a in attempts)
    assert [a.attributes["http.response.status_code"] for a in attempts] == [500, 500, 200]
    assert [a.status.status_code.name for a in attempts] == ["ERROR", "ERROR", "UNSET"]
    assert get.attributes["http.request.resend_count"] == 2 and get.attributes["signaldesk.http.attempts"] == 3


def test_discord_batch_spans_one_per_delivery(store, settings, memory):
    tracing.configure(settings, [SimpleSpanProcessor(memory)])
    rows = [{"id": f"L{i}", "platform": "reddit", "source": "r/forhire", "url": f"https://r.example/{i}",
             "author": "a", "title": f"Lead number {i}", "body": "need a bot", "score": 2.0} for i in range(25)]
    with FakeDiscord() as fake:
        s = settings.model_copy(update={"discord_webhook_url": SecretStr(fake.webhook_url)})
        report = post_items(store, s, "lead", rows)
    assert report.counts == {"sent": 25} and report.messages == 3
    batch = [x for x in memory.get_finished_spans() if x.name == "discord batch"]
    sends = [x for x in memory.get_finished_spans() if x.name == "discord message"]
    assert len(batch) == 1 and batch[0].parent is None
    assert batch[0].attributes["signaldesk.posts.sent"] == 25
    assert len(sends) == 3 and all(x.parent.span_id == batch[0].context.span_id for x in sends)
    assert [x.attributes["signaldesk.discord.items"] for x in sends] == [10, 10, 5]
    assert all(x.attributes["signaldesk.discord.message_id"] for x in sends)
    assert all(fake.webhook_url.rsplit("/", 1)[-1] not in json.dumps(dict(x.attributes))
               for x in memory.get_finished_spans())  # the webhook token never reaches a span
    traces = trace_spans.recent_traces(store)
    assert traces["name"].to_list() == ["discord batch"] and traces["spans"].to_list() == [4]


def test_otlp_export_reaches_a_collector(store, online, fake_http):
    with FakeCollector() as collector:
        s = online.model_copy(update={"otlp_endpoint": collector.endpoint})
        tracing.configure(s)
        out = _news_job(store, s, fake_http)
        tracing.shutdown()  # flushes the batch exporter
        assert collector.received.is_set()
    assert set(collector.paths) == {"/v1/traces"}
    assert set(collector.content_types) == {"application/x-protobuf"}
    names = [x["name"] for x in collector.spans]
    assert set(names) == {"job news", *HTTP, *STEPS}
    job = next(x for x in collector.spans if x["name"] == "job news")
    assert job["attributes"]["signaldesk.run_id"] == out.run_id and job["service"] == "signaldesk"
    assert {x["trace_id"] for x in collector.spans} == {job["trace_id"]}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_broken_collector_changes_nothing_in_the_run(store, online, fake_http):
    s = online.model_copy(update={"otlp_endpoint": f"http://127.0.0.1:{_closed_port()}",
                                  "otlp_timeout_s": 0.5})
    tracing.configure(s)
    out = _news_job(store, s, fake_http)
    tracing.shutdown()
    assert out.status == RunStatus.PARTIAL and out.error.startswith("1 of 2 sources failed")
    row = job_runs.get_run(store, out.run_id)
    assert row["status"] == "partial" and row["counts"]["new"] == 25
    assert trace_spans.trace_of_run(store, out.run_id) is not None  # still kept locally
