"""News for the pages: free-text/ticker search, mentioned tickers, clusters told by several
sources, the newest stories. Every query is bounded (a time window or a ``LIMIT``) and the
operator's filters are bound parameters: quotes or SQL typed into a search box are just text.
"""
from __future__ import annotations

from datetime import date, datetime

import polars as pl

from core.store import Store
from core.store.top_rows import top_rows


def like_pattern(text: str) -> str:
    """A ``%text%`` ILIKE pattern where the user's ``%``, ``_`` and ``\\`` are literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_news(store: Store, text: str | None = None, ticker: str | None = None,
                since: datetime | None = None, limit: int = 200) -> pl.DataFrame:
    """Newest news matching a free-text search (title or summary) and/or a ticker."""
    clauses, params = [], []
    if since is not None:
        clauses.append("published_at >= ?")
        params.append(since)
    if text and text.strip():
        clauses.append("(title ILIKE ? ESCAPE '\\' OR summary ILIKE ? ESCAPE '\\')")
        params += [like_pattern(text.strip())] * 2
    if ticker and ticker.strip():
        clauses.append("list_contains(tickers, ?)")
        params.append(ticker.strip().upper())
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with store.read() as con:
        return top_rows(con, "news", "published_at, sentiment, sentiment_label, source, "
                        "array_to_string(tickers, ', ') AS tickers, title, url, cluster_id, summary",
                        where, "published_at DESC NULLS LAST", params, limit)


def news_clusters(store: Store, since: datetime, limit: int = 30, min_size: int = 2) -> pl.DataFrame:
    """Stories told by several sources: one row per cluster, biggest and newest first."""
    with store.read() as con:
        return con.sql(
            """
            SELECT cluster_id, count(*) AS items, count(DISTINCT source) AS sources,
                   arg_min(title, published_at) AS first_title, min(published_at) AS first_seen,
                   max(published_at) AS last_seen, avg(sentiment) AS sentiment,
                   array_to_string(list_sort(list_distinct(list(source))), ', ') AS source_list
            FROM news WHERE published_at >= ? AND cluster_id IS NOT NULL
            GROUP BY cluster_id HAVING count(*) >= ?
            ORDER BY items DESC, last_seen DESC LIMIT ?
            """, params=[since, int(min_size), int(limit)]).pl()


def cluster_items(store: Store, cluster_id: str, limit: int = 50) -> pl.DataFrame:
    """Every story in one cluster, with its source and link."""
    with store.read() as con:
        return con.sql(
            "SELECT published_at, source, title, url, sentiment FROM news WHERE cluster_id = ? "
            "ORDER BY published_at LIMIT ?", params=[cluster_id, int(limit)]).pl()


def news_daily(store: Store, since: date | datetime) -> pl.DataFrame:
    """News count and average sentiment per day (for the Overview chart)."""
    with store.read() as con:
        return con.sql(
            "SELECT CAST(published_at AS DATE) AS day, count(*) AS stories, avg(sentiment) AS sentiment "
            "FROM news WHERE published_at >= ? GROUP BY ALL ORDER BY day", params=[since]).pl()


def latest_news(store: Store, limit: int = 20) -> pl.DataFrame:
    """The newest stories, full rows (candidates to post)."""
    with store.read() as con:
        return top_rows(con, "news", "*", "", "published_at DESC NULLS LAST", [], limit)
