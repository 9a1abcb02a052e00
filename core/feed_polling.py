"""Polling the enabled news and lead feeds once: the live side of ingestion.

Which feeds are due (breaker and adaptive polling), the fetch (no store connection open while
it runs: validators and cursors are loaded first and saved only once the rows they vouch for
are stored), the documents handed to the pipeline (``core.ingest.ingest_documents``), every
source's outcome recorded in one transaction, and instant alerts for new lead requests.
"""
from __future__ import annotations

import logging
from datetime import datetime

from core import source_health, tracing
from core.aio import run_sync
from core.ingest import IngestReport, ingest_documents
from core.models import Document, SourceCounts, utcnow
from core.redact import mask_url
from core.store import Store
from core.store.feeds import list_feeds

log = logging.getLogger(__name__)


def ingest_news(store: Store, settings, feeds: list | None = None) -> SourceCounts:
    """Poll the enabled news feeds (or ``feeds``) once and store new items."""
    return _ingest_live(store, settings, "news", feeds)


def ingest_leads(store: Store, settings, feeds: list | None = None) -> SourceCounts:
    """Poll the enabled lead feeds (or ``feeds``) once and store keyword-matching posts."""
    return _ingest_live(store, settings, "leads", feeds)


def _feed_rows(store: Store, kind: str, feeds: list | None) -> list[dict]:
    if feeds is None:  # a name goes into reasons and logs: never a key, even in an old store
        return [{**r, "name": mask_url(r["name"]) if "://" in (r["name"] or "") else r["name"] or mask_url(r["url"])}
                for r in list_feeds(store, kind, enabled_only=True).to_dicts()]
    out = []
    for f in feeds:
        if isinstance(f, str):
            out.append({"url": f, "name": mask_url(f), "platform": None})
        else:
            f = dict(f)
            out.append({"url": f["url"], "name": mask_url(f.get("name") or f["url"]),
                        "platform": f.get("platform")})
    return out


def _ingest_live(store: Store, settings, kind: str, feeds: list | None) -> SourceCounts:
    """Scheduled polls (``feeds=None``) skip paused / not-yet-due feeds; explicit ``feeds``
    (an operator's "fetch now") are fetched regardless. Every fetched feed's outcome goes
    to the source-health record (breaker and adaptive polling) after the writes."""
    if settings.offline:
        return SourceCounts(reasons=["offline"])
    rows = _feed_rows(store, kind, feeds)
    if not rows:
        return SourceCounts(reasons=[f"no enabled {kind} feeds"])
    now = utcnow()
    reasons: list[str] = []
    if feeds is None:
        due = set(source_health.due_sources(store, [r["url"] for r in rows], now))
        reasons += [f"{r['name']}: skipped (paused or not due yet)" for r in rows if r["url"] not in due]
        rows = [r for r in rows if r["url"] in due]
        if not rows:
            return SourceCounts(reasons=reasons)
    from core.sources import lead_apis as api
    from core.store.cursors import load_cursors, save_cursors
    from core.store.http_cache import StoreValidatorCache

    api_rows = [r for r in rows if kind == "leads" and api.served_here(settings, r["url"])]
    rows = [r for r in rows if not (kind == "leads" and api.served_here(settings, r["url"]))]
    validators = StoreValidatorCache(store)
    validators.load([r["url"] for r in rows])  # short read; closed before any request goes out
    cursors = load_cursors(store, [api.cursor_key(s) for r in api_rows
                                   if (s := api.subreddit_of(r["url"]))]) if api_rows else {}
    with tracing.span("fetch", {"signaldesk.sources": len(rows) + len(api_rows)}) as sp:
        results, fetched = run_sync(_fetch_all(settings, [r["url"] for r in rows], validators, api_rows,
                                               cursors))
        failed = sum(1 for r in results if not (r.ok or r.not_modified))
        if fetched:
            failed += sum(1 for ok, _ in fetched.outcome.values() if not ok)
        tracing.set_attributes(sp, {"signaldesk.sources_failed": failed})
    documents: list[Document] = list(fetched.documents) if fetched else []
    outcome: dict[str, tuple[bool, int, str | None]] = {}  # url -> (ok, new, error)
    if fetched:
        reasons += fetched.reasons
        outcome.update({u: (ok, 0, err) for u, (ok, err) in fetched.outcome.items()})
    for row, res in zip(rows, results):
        name = row["name"]
        if res.not_modified:
            reasons.append(f"{name}: not modified (304)")
            outcome[row["url"]] = (True, 0, None)
        elif not res.ok:
            error = res.error or f"HTTP {res.status}"
            reasons.append(f"{name}: {error}")
            outcome[row["url"]] = (False, 0, error)
        else:
            platform = row.get("platform")
            documents.append(Document(name, res.body, res.headers,
                                      None if kind == "news" or platform == "rss" else platform,
                                      url=row["url"]))
    counts = SourceCounts(reasons=reasons)
    if documents:
        report = ingest_documents(store, settings, kind, documents)
        for doc, o in zip(documents, report.documents):
            if doc.adapter in ("reddit_json", "hn_thread"):  # several pages per feed: add them up
                ok, new, err = outcome.get(doc.url, (True, 0, None))
                outcome[doc.url] = (ok, new + o.counts.new, err)
                continue
            outcome[doc.url] = (o.status != "error", o.counts.new, o.reason if o.status == "error" else None)
        counts = report.counts
        counts.reasons = reasons + counts.reasons
        if kind == "leads":
            counts.reasons += _alert_new_requests(store, settings, report)
    # ETags / Last-Modified only once the documents' rows are stored: saved earlier, a failed
    # store (busy past its wait, a crash) would turn the next poll into a 304 and lose them.
    validators.flush()
    if fetched:
        save_cursors(store, fetched.cursors)  # the same rule for Reddit's paging cursor
    _record_health(store, settings, outcome, now)
    counts.sources = len(outcome)
    counts.sources_failed = sum(1 for ok, _, _ in outcome.values() if not ok)
    return counts


def _record_health(store: Store, settings, outcome: dict, now: datetime) -> None:
    """Every source's outcome of this run, in one transaction."""
    if not outcome:
        return
    try:
        source_health.record_source_outcomes(store, outcome, now=now, settings=settings)
    except Exception:  # health bookkeeping must never lose the rows just stored
        log.warning("could not record source health", extra={"sources": len(outcome)}, exc_info=True)


async def _fetch_all(settings, urls: list[str], validators, api_rows: list | None = None,
                     cursors: dict | None = None):
    """The network part alone: no store connection is open while it runs."""
    from core.sources.http import HttpClient
    from core.sources.lead_apis import fetch_api_feeds

    async with HttpClient(settings, validators=validators) as http:
        results = await http.fetch_many(urls)
        fetched = await fetch_api_feeds(settings, api_rows, cursors or {}, http) if api_rows else None
        return results, fetched


def _alert_new_requests(store: Store, settings, report: IngestReport) -> list[str]:
    """Instant alerts for the requests this run stored (``core.leads.alerts``); reasons to record."""
    if settings.lead_alert_threshold is None or not report.new_ids:
        return []
    from core.leads.alerts import alert_new_leads

    try:
        return alert_new_leads(store, settings, report.new_ids)
    except Exception as exc:  # an alert problem must never lose the rows just stored
        log.warning("lead alerts failed", exc_info=True)
        return [f"lead alerts: {type(exc).__name__}"]
