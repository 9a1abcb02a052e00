"""News and lead ingestion: parse -> normalise -> ids -> drop known -> score -> insert.

One pipeline for live polling (``core.feed_polling``) and for replaying recorded files
(``ingest_documents`` is the shared part). Known ids are dropped with one query *before* sentiment and keyword scoring,
so a poll that brings nothing new costs a lookup, not a scoring pass; a well-formed document
whose entries are all known is not even given to feedparser (``_unchanged_documents``). The
database still has the last word (``ON CONFLICT DO NOTHING``), so two racing runs cannot
duplicate a row. Nothing here does network I/O: the documents come fetched (``core.feed_polling``) or recorded.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from core import leads, sentiment, tracing
from core.dedup import cluster_id, item_id
from core.leads import KeywordMatcher
from core.models import LEAD_ROW_SCHEMA, NEWS_SCHEMA, Document, NewsItem, SocialPost, SourceCounts, utcnow
from core.sentiment.targets import ticker_rows
from core.sources.feeds import FeedResult, quick_keys, summarise_reasons
from core.sources.registry import parse_document, source_for
from core.store import Store
from core.store.feeds import list_watchlist
from core.store.keywords import list_keywords
from core.store.leads import insert_leads
from core.store.news import insert_news, known_ids
from core.store.news_ticker_scores import company_names, write_ticker_sentiment
from core.store.rescore import compose_text
from core.tickers import TickerMatcher

log = logging.getLogger(__name__)

KINDS = ("news", "leads")


@dataclass(slots=True)
class DocumentOutcome:
    source: str
    status: str  # "ok" | "partial" | "error"
    counts: SourceCounts
    reason: str = ""
    unmatched: int = 0  # lead posts that matched no keyword: counted here, not stored


@dataclass(slots=True)
class IngestReport:
    counts: SourceCounts
    documents: list[DocumentOutcome]
    new_ids: list[str] = field(default_factory=list)  # rows this run stored (for lead alerts)


def _as_document(doc) -> Document:
    if isinstance(doc, Document):
        return doc
    source, body, headers, *rest = doc
    return Document(source, body, dict(headers or {}), rest[0] if rest else None)


def ingest_documents(store: Store, settings, kind: str, documents: list,
                     *, now: datetime | None = None) -> IngestReport:
    """Run parsed-from-bytes documents through the pipeline and store what is new.

    ``documents``: ``Document`` or ``(source_name, body, headers[, platform])`` tuples.
    Counts per document: fetched = entries read = new + duplicate + rejected + unmatched.
    ``rejected`` is for unusable entries (a problem with the input); lead posts that matched
    no keyword are a normal outcome, counted in ``DocumentOutcome.unmatched`` and named in a
    "skipped N posts that matched no keyword" reason, and not stored.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    docs = [_as_document(d) for d in documents]
    with tracing.span(f"ingest {kind}", {"signaldesk.sources": ", ".join(d.source for d in docs)[:500]}) as sp:
        report = _ingest(store, kind, docs, now or utcnow())
        tracing.set_attributes(sp, {f"signaldesk.rows_{k}": v for k, v in report.counts.as_dict().items()
                                    if isinstance(v, int)})
    return report


def _ingest(store: Store, kind: str, docs: list[Document], now: datetime) -> IngestReport:
    with tracing.span("parse", {"signaldesk.documents": len(docs)}) as sp:
        unchanged = _unchanged_documents(store, kind, docs)
        parsed: list[FeedResult] = [
            FeedResult(source=d.source) if i in unchanged else
            parse_document(d.body, d.headers, source=d.source, kind=kind, platform=d.platform,
                           adapter=d.adapter, url=d.url)
            for i, d in enumerate(docs)]
        tracing.set_attributes(sp, {"signaldesk.documents_unchanged": len(unchanged),
                                    "signaldesk.entries": sum(len(r.items) for r in parsed)})
    with tracing.span("dedup") as sp:
        # normalise + ids; remember which document each row came from
        rows: list[tuple[int, str, object]] = []
        seen: set[str] = set()
        batch_dupes = [0] * len(docs)
        for i, res in enumerate(parsed):
            for item in res.items:
                iid = item_id(kind, item.url, item.guid)
                if iid in seen:
                    batch_dupes[i] += 1
                    continue
                seen.add(iid)
                rows.append((i, iid, item))
        known = known_ids(store, kind, [r[1] for r in rows]) if rows else set()
        fresh = [r for r in rows if r[1] not in known]
        tracing.set_attributes(sp, {"signaldesk.rows": len(rows), "signaldesk.rows_known": len(known),
                                    "signaldesk.rows_batch_duplicate": sum(batch_dupes)})
    dupes = list(batch_dupes)
    for i, iid, _ in rows:
        if iid in known:
            dupes[i] += 1
    unmatched = [0] * len(docs)
    with tracing.span("score", {"signaldesk.rows": len(fresh)}):
        if kind == "news":
            frame = _news_frame(store, fresh, now)
        else:
            frame, skipped = _lead_frame(store, fresh, now)
            for i in skipped:
                unmatched[i] += 1
    with tracing.span("insert", {"signaldesk.rows": frame.height}) as sp:
        new_ids = set(insert_news(store, frame) if kind == "news" else insert_leads(store, frame))
        if kind == "news":
            _store_ticker_sentiment(store, frame, new_ids)
        tracing.set_attributes(sp, {"signaldesk.rows_new": len(new_ids),
                                    "signaldesk.rows_duplicate": sum(dupes) + frame.height - len(new_ids)})
    new_per_doc = [0] * len(docs)
    not_inserted = [0] * len(docs)  # keyword misses (leads) + rows a concurrent writer stored first
    for i, iid, _ in fresh:
        if iid in new_ids:
            new_per_doc[i] += 1
        else:
            not_inserted[i] += 1
    outcomes = []
    for i, (doc, res) in enumerate(zip(docs, parsed)):
        if i in unchanged:  # every entry known: counted as duplicates, nothing parsed
            n = unchanged[i]
            outcomes.append(DocumentOutcome(doc.source, "ok", SourceCounts(fetched=n, duplicate=n)))
            continue
        lost_race = not_inserted[i] - unmatched[i]
        outcomes.append(_outcome(doc.source, res, new_per_doc[i], dupes[i] + max(0, lost_race),
                                 unmatched[i]))
    total = SourceCounts(sources=len(outcomes), sources_failed=sum(o.status == "error" for o in outcomes))
    for o in outcomes:
        total = total.add(o.counts)
    log.info("ingested documents", extra={"kind": kind, "documents": len(docs), **total.as_dict()})
    return IngestReport(total, outcomes, [r[1] for r in fresh if r[1] in new_ids])


def _unchanged_documents(store: Store, kind: str, docs: list[Document]) -> dict[int, int]:
    """Documents whose entries are all stored already -> their entry count (fast path).

    A feed that ignores conditional GET sends the same entries on every poll; reading their
    links with the C XML parser and asking the store once is far cheaper than feedparser.
    Only well-formed RSS/Atom qualifies (see ``quick_keys``); anything else, or any unknown
    id, goes through the full parse.
    """
    quick: dict[int, list[str]] = {}
    for i, d in enumerate(docs):
        if d.adapter not in (None, "rss") or source_for(d.url, d.body).name != "rss":
            continue
        keys = quick_keys(d.body)
        if keys:
            quick[i] = [item_id(kind, link, guid) for link, guid in keys]
    if not quick:
        return {}
    known = known_ids(store, kind, [iid for ids in quick.values() for iid in ids])
    return {i: len(ids) for i, ids in quick.items() if all(iid in known for iid in ids)}


def _outcome(source: str, res: FeedResult, new: int, duplicate: int, unmatched: int) -> DocumentOutcome:
    reasons: list[str] = []
    if res.error:
        reasons.append(res.error)
    reasons.extend(res.problems)
    if res.rejected and res.items:
        reasons.append(f"left out {len(res.rejected)} entries: {summarise_reasons(res.rejected)}")
    if unmatched:
        reasons.append(f"skipped {unmatched} posts that matched no keyword (not stored)")
    status = "error" if res.error else "partial" if (res.problems or res.rejected) else "ok"
    counts = SourceCounts(fetched=res.entries_seen, new=new, duplicate=duplicate,
                          rejected=len(res.rejected), reasons=[f"{source}: {r}" for r in reasons])
    return DocumentOutcome(source, status, counts, "; ".join(reasons), unmatched)


def _scores(texts: list[str]) -> tuple[list[float], list[str]]:
    scored = sentiment.score_batch(texts)
    return [float(s.compound) for s in scored], [s.label for s in scored]


def _store_ticker_sentiment(store: Store, frame: pl.DataFrame, new_ids: set[str]) -> None:
    """Per-ticker scores of the news rows just stored (``core.sentiment.targets``)."""
    rows = frame.filter(pl.col("id").is_in(list(new_ids)) & (pl.col("tickers").list.len() > 0))
    if rows.is_empty():
        return
    texts = [compose_text(t, s) for t, s in zip(rows["title"].to_list(), rows["summary"].to_list())]
    ids = rows["id"].to_list()
    write_ticker_sentiment(store, ids, ticker_rows(ids, texts, rows["tickers"].to_list(),
                                                   company_names(store), sentiment.score_batch))


def _news_frame(store: Store, fresh: list, now: datetime) -> pl.DataFrame:
    if not fresh:
        return pl.DataFrame(schema=NEWS_SCHEMA)
    watch = list_watchlist(store, enabled_only=True)
    tickers = TickerMatcher(dict(zip(watch["symbol"].to_list(), watch["name"].to_list())))
    items: list[NewsItem] = [r[2] for r in fresh]
    texts = [f"{it.title}. {it.summary}" if it.summary else it.title for it in items]
    compound, label = _scores(texts)
    return pl.DataFrame({
        "id": [r[1] for r in fresh],
        "source": [it.source for it in items],
        "url": [it.url or None for it in items],
        "title": [it.title for it in items],
        "summary": [it.summary for it in items],
        "published_at": [it.published_at for it in items],
        "fetched_at": [now] * len(items),
        "tickers": [tickers.extract(t) for t in texts],
        "sentiment": compound,
        "sentiment_label": label,
        "cluster_id": [cluster_id(it.title, r[1]) for r, it in zip(fresh, items)],
    }, schema=NEWS_SCHEMA)


def _lead_frame(store: Store, fresh: list, now: datetime) -> tuple[pl.DataFrame, list[int]]:
    """Keyword-match new posts and give each match an intent and a rank (``core.leads``).

    Returns the frame of matches (requests, offers and other posts alike: offers are the
    competition, kept for the Offers view) and the doc index of each keyword miss."""
    if not fresh:
        return pl.DataFrame(schema=LEAD_ROW_SCHEMA), []
    matcher = KeywordMatcher.from_frame(list_keywords(store, enabled_only=True))
    scored = leads.score_posts([r[2] for r in fresh], matcher, now, learned=_learned(store))
    kept = [(r, s) for r, s in zip(fresh, scored) if s is not None]
    skipped = [r[0] for r, s in zip(fresh, scored) if s is None]
    if not kept:
        return pl.DataFrame(schema=LEAD_ROW_SCHEMA), skipped
    posts: list[SocialPost] = [r[2] for r, _ in kept]
    compound, label = _scores([f"{p.title}. {p.body}" if p.body else p.title for p in posts])
    return pl.DataFrame({
        "id": [r[1] for r, _ in kept],
        "platform": [p.platform for p in posts],
        "source": [p.source for p in posts],
        "url": [p.url or None for p in posts],
        "author": [p.author for p in posts],
        "title": [p.title for p in posts],
        "body": [p.body for p in posts],
        "posted_at": [p.posted_at for p in posts],
        "fetched_at": [now] * len(posts),
        "matched_keywords": [s.match.terms for _, s in kept],
        "score": [s.rank.score for _, s in kept],
        "sentiment": compound,
        "sentiment_label": label,
        "cluster_id": [cluster_id(p.title, r[1]) for (r, _), p in zip(kept, posts)],
        "intent": [s.intent.intent for _, s in kept],
        "intent_confidence": [s.intent.confidence for _, s in kept],
        "intent_reason": [s.intent.reason for _, s in kept],
        "score_reason": [s.rank.reason for _, s in kept],
        "flair": [p.flair for p in posts],
    }, schema=LEAD_ROW_SCHEMA), skipped


def _learned(store: Store) -> dict[str, float]:
    """term -> suggested weight from the learn job (empty before it first ran)."""
    from core.store.funnel import learned_weights

    frame = learned_weights(store)
    return dict(frame.select("term", "suggested_weight").iter_rows()) if frame.height else {}
