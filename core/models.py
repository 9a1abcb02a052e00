"""The shapes every source returns and every pipeline step consumes.

Sources build these small records; the pipeline turns lists of them into polars frames with
the fixed schemas below (so the store can insert them through Arrow in one call).
Timestamps are naive UTC everywhere (``datetime`` without tzinfo, DuckDB ``TIMESTAMP``).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import polars as pl


def utcnow() -> datetime:
    """Now as naive UTC, the one time convention of the store."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_naive_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


class LeadStatus(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    CONTACTED = "contacted"
    REPLIED = "replied"
    WON = "won"
    LOST = "lost"
    IGNORED = "ignored"


class PostStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"  # crashed between sending and recording: check the channel
    PREVIEW = "preview"  # dry run: rendered, never sent


class RunStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    PARTIAL = "partial"  # finished, but some inputs were rejected or failed
    FAILED = "failed"
    SKIPPED = "skipped"  # overlapping run, paused source, disabled job


@dataclass(frozen=True, slots=True)
class PriceBar:
    symbol: str
    interval: str  # "1d", "1h", "5m", "1m" ...
    ts: datetime  # bar start, naive UTC
    open: float | None
    high: float | None
    low: float | None
    close: float | None
    adj_close: float | None
    volume: int | None


@dataclass(frozen=True, slots=True)
class NewsItem:
    source: str  # feed name or URL
    url: str
    title: str
    summary: str = ""
    published_at: datetime | None = None
    guid: str | None = None


@dataclass(frozen=True, slots=True)
class SocialPost:
    """A public post that may be a lead (someone asking for what the operator sells)."""

    platform: str  # "reddit", "hn", "rss"
    source: str  # subreddit / feed name / search
    url: str
    title: str
    body: str = ""
    author: str = ""
    posted_at: datetime | None = None
    guid: str | None = None
    flair: str | None = None  # Reddit link flair ("Hiring", "For Hire"): an intent label


@dataclass(slots=True)
class SourceCounts:
    """What one source run did, for the job record and the replay CLI."""

    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)
    # inputs (feeds, symbols) this run tried, and how many of them failed: a run whose every
    # input failed is "failed", not "partial" (jobs.errors.status_for)
    sources: int = 0
    sources_failed: int = 0

    def add(self, other: SourceCounts) -> SourceCounts:
        return SourceCounts(
            self.fetched + other.fetched,
            self.new + other.new,
            self.duplicate + other.duplicate,
            self.rejected + other.rejected,
            self.reasons + other.reasons,
            self.sources + other.sources,
            self.sources_failed + other.sources_failed,
        )

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(slots=True)
class Document:
    """One fetched or recorded feed document: what a source hands the pipeline (``core.ingest``)."""

    source: str
    body: bytes
    headers: dict = field(default_factory=dict)
    platform: str | None = None
    url: str | None = None  # where it came from (picks the adapter: RSS or HN search JSON)
    adapter: str | None = None  # force an adapter from core.sources.registry.SOURCES


# Frame schemas: the exact columns the store's insert functions take.
PRICE_SCHEMA: dict[str, pl.DataType] = {
    "symbol": pl.String,
    "interval": pl.String,
    "ts": pl.Datetime("us"),
    "open": pl.Float64,
    "high": pl.Float64,
    "low": pl.Float64,
    "close": pl.Float64,
    "adj_close": pl.Float64,
    "volume": pl.Int64,
}

NEWS_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String,
    "source": pl.String,
    "url": pl.String,
    "title": pl.String,
    "summary": pl.String,
    "published_at": pl.Datetime("us"),
    "fetched_at": pl.Datetime("us"),
    "tickers": pl.List(pl.String),
    "sentiment": pl.Float64,
    "sentiment_label": pl.String,
    "cluster_id": pl.String,
}

LEAD_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String,
    "platform": pl.String,
    "source": pl.String,
    "url": pl.String,
    "author": pl.String,
    "title": pl.String,
    "body": pl.String,
    "posted_at": pl.Datetime("us"),
    "fetched_at": pl.Datetime("us"),
    "matched_keywords": pl.List(pl.String),
    "score": pl.Float64,
    "sentiment": pl.Float64,
    "sentiment_label": pl.String,
    "cluster_id": pl.String,
}

# Lead intent and the ranking explained (issue #14, migration 090). Kept apart from LEAD_SCHEMA so
# frames built without them still insert (the store fills NULLs); LEAD_ROW_SCHEMA is both.
LEAD_INTENT_SCHEMA: dict[str, pl.DataType] = {
    "intent": pl.String,
    "intent_confidence": pl.Float64,
    "intent_reason": pl.String,
    "score_reason": pl.String,
    "flair": pl.String,
}
LEAD_ROW_SCHEMA: dict[str, pl.DataType] = {**LEAD_SCHEMA, **LEAD_INTENT_SCHEMA}


def price_frame(bars: list[PriceBar]) -> pl.DataFrame:
    rows = [dataclasses.astuple(b) for b in bars]
    return pl.DataFrame(rows, schema=PRICE_SCHEMA, orient="row")
