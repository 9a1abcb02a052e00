"""Read-side queries for the dashboard: small, bounded answers computed inside DuckDB.

Every function here takes a ``Store`` and returns a polars frame or a plain dict, opens ONE
short read connection, and bounds its work (a date range, a ``LIMIT`` or an aggregate) so a
page stays fast on a store with a million news rows. Filters from the operator are always
bound parameters: quotes, semicolons or SQL typed into a search box are just text.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

from core.store import Store

LEAD_INBOX_COLUMNS = ["id", "score", "title", "matched", "platform", "source", "author",
                      "posted_at", "status", "note", "url", "body"]


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def like_pattern(text: str) -> str:
    """A ``%text%`` ILIKE pattern where the user's ``%``, ``_`` and ``\\`` are literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def overview_kpis(store: Store, now: datetime, days: int = 30) -> dict:
    """The Overview page's numbers and sparklines in one connection.

    news today (+ average sentiment, + yesterday for the delta), leads fetched today, leads
    waiting in the inbox, the 30-day conversion rate (won / leads fetched in the window),
    the strongest latest signal, the last run of each job, and daily series for sparklines.
    """
    today = day_start(now)
    start = today - timedelta(days=days - 1)
    with store.read() as con:
        news_today, sent_today = con.execute(
            "SELECT count(*), avg(sentiment) FROM news WHERE published_at >= ? AND published_at < ?",
            [today, today + timedelta(days=1)]).fetchall()[0]
        news_yday, sent_yday = con.execute(
            "SELECT count(*), avg(sentiment) FROM news WHERE published_at >= ? AND published_at < ?",
            [today - timedelta(days=1), today]).fetchall()[0]
        leads_today, leads_yday = con.execute(
            "SELECT count(*) FILTER (WHERE fetched_at >= ?), count(*) FILTER (WHERE fetched_at < ?) "
            "FROM leads WHERE fetched_at >= ?", [today, today, today - timedelta(days=1)]).fetchall()[0]
        inbox = con.execute("SELECT count(*) FROM leads WHERE status = 'new' "
                            "AND (intent = 'request' OR intent IS NULL)").fetchall()[0][0]  # offers: not the inbox
        seen, won = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'won') FROM leads WHERE fetched_at >= ?",
            [now - timedelta(days=30)]).fetchall()[0]
        strongest = con.execute(
            "SELECT symbol, day, composite FROM signals WHERE day = (SELECT max(day) FROM signals) "
            "AND composite IS NOT NULL ORDER BY abs(composite) DESC LIMIT 1").fetchall()
        strongest = strongest[0] if strongest else None
        series = con.sql(
            """
            WITH days AS (SELECT CAST(d AS DATE) AS day FROM range(CAST(? AS TIMESTAMP),
                          CAST(? AS TIMESTAMP), INTERVAL 1 DAY) t(d)),
            n AS (SELECT CAST(published_at AS DATE) AS day, count(*) AS news, avg(sentiment) AS sentiment
                  FROM news WHERE published_at >= ? AND published_at < ? GROUP BY ALL),
            l AS (SELECT CAST(fetched_at AS DATE) AS day, count(*) AS leads
                  FROM leads WHERE fetched_at >= ? AND fetched_at < ? GROUP BY ALL),
            w AS (SELECT CAST(changed_at AS DATE) AS day, count(*) AS won
                  FROM lead_events WHERE to_status = 'won' AND changed_at >= ? AND changed_at < ?
                  GROUP BY ALL)
            SELECT days.day, coalesce(n.news, 0) AS news, n.sentiment,
                   coalesce(l.leads, 0) AS leads, coalesce(w.won, 0) AS won
            FROM days LEFT JOIN n USING (day) LEFT JOIN l USING (day) LEFT JOIN w USING (day)
            ORDER BY days.day
            """,
            params=[start, today + timedelta(days=1)] + [start, today + timedelta(days=1)] * 3,
        ).pl()
        jobs = _job_last_runs(con, now)
    return {
        "news_today": int(news_today), "sentiment_today": sent_today,
        "news_yesterday": int(news_yday), "sentiment_yesterday": sent_yday,
        "leads_today": int(leads_today or 0), "leads_yesterday": int(leads_yday or 0),
        "inbox": int(inbox),
        "leads_30d": int(seen), "won_30d": int(won),
        "conversion_30d": (won / seen) if seen else None,
        "strongest_signal": ({"symbol": strongest[0], "day": strongest[1], "composite": strongest[2]}
                             if strongest else None),
        "jobs": jobs,
        "jobs_failing": jobs.filter(pl.col("status") == "failed").height,
        "series": series,
    }


def _job_last_runs(con, now: datetime) -> pl.DataFrame:
    return con.sql(
        """
        SELECT job, arg_max(status, started_at) AS status, max(started_at) AS last_run,
               max(started_at) FILTER (WHERE status IN ('ok', 'partial')) AS last_success,
               arg_max(error, started_at) AS last_error,
               arg_max(epoch(finished_at) - epoch(started_at), started_at) AS duration_s,
               count(*) FILTER (WHERE status = 'failed' AND started_at >= ?) AS failures_24h
        FROM job_runs GROUP BY job ORDER BY job
        """, params=[now - timedelta(days=1)]).pl()


def job_last_runs(store: Store, now: datetime) -> pl.DataFrame:
    """Last run of every job that ever ran: status, time, last success, error, duration."""
    with store.read() as con:
        return _job_last_runs(con, now)


def alerts(store: Store, now: datetime) -> dict:
    """What needs the operator besides stale jobs (``jobs.status.stale_jobs`` owns that rule):
    paused sources, and failed or unknown posts."""
    with store.read() as con:
        paused = con.sql(
            "SELECT source, paused_until, consecutive_failures, last_error FROM source_state "
            "WHERE paused_until > ? ORDER BY paused_until DESC LIMIT 50", params=[now]).pl()
        posts = con.sql(
            "SELECT status, count(*) AS n FROM posts WHERE status IN ('failed', 'unknown') GROUP BY status "
            "ORDER BY status").pl()
    return {"paused_sources": paused, "bad_posts": posts}


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
    params.append(int(limit))
    with store.read() as con:
        return con.sql(
            f"SELECT published_at, sentiment, sentiment_label, source, "
            f"array_to_string(tickers, ', ') AS tickers, "
            f"title, url, cluster_id, summary FROM news {where} ORDER BY published_at DESC NULLS LAST LIMIT ?",
            params=params).pl()


def news_tickers(store: Store, since: datetime, limit: int = 50) -> list[str]:
    """Tickers mentioned in news since a time, most mentioned first."""
    with store.read() as con:
        rows = con.execute(
            "SELECT t, count(*) AS n FROM (SELECT unnest(tickers) AS t FROM news WHERE published_at >= ?) "
            "GROUP BY t ORDER BY n DESC, t LIMIT ?", [since, int(limit)]).fetchall()
    return [r[0] for r in rows]


def sentiment_by_ticker(store: Store, tickers: list[str], since: datetime) -> pl.DataFrame:
    """Daily average news sentiment and story count per ticker (long format); a story counts
    with its per-ticker score (``news_ticker_sentiment``) where it has one."""
    if not tickers:
        return pl.DataFrame(schema={"day": pl.Date, "ticker": pl.String, "sentiment": pl.Float64,
                                    "stories": pl.Int64})
    with store.read() as con:
        return con.sql(
            """
            SELECT CAST(published_at AS DATE) AS day, t AS ticker,
                   avg(coalesce(s.sentiment, u.sentiment)) AS sentiment, count(*) AS stories
            FROM (SELECT id, published_at, sentiment, unnest(tickers) AS t FROM news
                  WHERE published_at >= ? AND len(list_intersect(tickers, ?)) > 0) AS u
            LEFT JOIN news_ticker_sentiment AS s ON s.news_id = u.id AND s.ticker = u.t
            WHERE list_contains(?, t)
            GROUP BY ALL ORDER BY day, ticker
            """, params=[since, tickers, tickers]).pl()


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


def lead_platforms(store: Store) -> list[str]:
    with store.read() as con:
        return [r[0] for r in con.execute("SELECT DISTINCT platform FROM leads ORDER BY 1").fetchall()]


def lead_inbox(store: Store, status: str | None = "new", platform: str | None = None,
               since: datetime | None = None, text: str | None = None, limit: int = 200,
               intent: str | None = "request") -> pl.DataFrame:
    """Leads ranked by score (then newest), with the matched keywords as one text column.

    ``intent`` 'request' (the inbox) also shows rows stored before intent existed (NULL);
    'offer' / 'other' show those alone; None shows every intent."""
    clauses, params = [], []
    if intent == "request":
        clauses.append("(intent = 'request' OR intent IS NULL)")
    elif intent:
        clauses.append("intent = ?")
        params.append(intent)
    if status:
        clauses.append("status = ?")
        params.append(status)
    if platform:
        clauses.append("platform = ?")
        params.append(platform)
    if since is not None:
        clauses.append("fetched_at >= ?")
        params.append(since)
    if text and text.strip():
        clauses.append("(title ILIKE ? ESCAPE '\\' OR body ILIKE ? ESCAPE '\\')")
        params += [like_pattern(text.strip())] * 2
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    params.append(int(limit))
    with store.read() as con:
        return con.sql(
            f"""
            SELECT id, score, title, array_to_string(matched_keywords, ', ') AS matched, platform, source,
                   author, posted_at, status, note, url, left(body, 400) AS body,
                   coalesce(intent, 'not scored') AS intent, intent_confidence, intent_reason, score_reason
            FROM leads {where}
            ORDER BY score DESC NULLS LAST, fetched_at DESC LIMIT ?
            """, params=params).pl()


def lead_events(store: Store, lead_id: str, limit: int = 50) -> pl.DataFrame:
    """The status history of one lead, newest first."""
    with store.read() as con:
        return con.sql(
            "SELECT changed_at, from_status, to_status, note FROM lead_events WHERE lead_id = ? "
            "ORDER BY changed_at DESC LIMIT ?", params=[lead_id, int(limit)]).pl()


def news_daily(store: Store, since: date | datetime) -> pl.DataFrame:
    """News count and average sentiment per day (for the Overview chart)."""
    with store.read() as con:
        return con.sql(
            "SELECT CAST(published_at AS DATE) AS day, count(*) AS stories, avg(sentiment) AS sentiment "
            "FROM news WHERE published_at >= ? GROUP BY ALL ORDER BY day", params=[since]).pl()


def leads_by_ids(store: Store, ids: list[str]) -> pl.DataFrame:
    """Full lead rows for the given ids (e.g. to post them to Discord)."""
    with store.read() as con:
        return con.sql("SELECT * FROM leads WHERE list_contains(?, id) ORDER BY score DESC NULLS LAST",
                       params=[list(ids)]).pl()


def latest_news(store: Store, limit: int = 20) -> pl.DataFrame:
    """The newest stories, full rows (candidates to post)."""
    with store.read() as con:
        return con.sql("SELECT * FROM news ORDER BY published_at DESC NULLS LAST LIMIT ?",
                       params=[int(limit)]).pl()
