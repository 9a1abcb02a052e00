"""The Overview page's numbers in one connection: today's news and leads, the inbox, the 30-day
conversion rate, the strongest signal, each job's last run, alerts, and daily sparkline series.
Each query is bounded by a time window or reads a small table.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from core.store import Store


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


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
            "SELECT symbol, day, composite FROM signals_latest WHERE day = (SELECT max(day) FROM signals_latest) "
            "AND composite IS NOT NULL ORDER BY abs(composite) DESC LIMIT 1").fetchall()  # each symbol's newest row
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
