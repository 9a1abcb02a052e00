"""What the daily Discord digest reads: top signals, top new leads, job health.

Three small bounded queries in one short read connection, returned as plain dicts so the
message builder (``core/publish/messages.py``) stays free of SQL and of the store.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from core.models import utcnow
from core.store import Store
from core.store.top_rows import top_rows


@dataclass
class DigestData:
    day: date
    signals: list[dict] = field(default_factory=list)
    leads: list[dict] = field(default_factory=list)
    health: list[dict] = field(default_factory=list)


def digest_data(store: Store, now: datetime | None = None, n_signals: int = 10,
                n_leads: int = 10, lead_window_h: float = 24.0) -> DigestData:
    """Signals of the latest computed day (strongest first), the best ``new`` leads fetched in
    the last ``lead_window_h`` hours, and per job its last run and failures in 24 h."""
    now = now or utcnow()
    since = now - timedelta(hours=lead_window_h)
    with store.read() as con:
        sig = con.sql(
            # each symbol's newest row (``signals_latest``): the latest day's signals are those of
            # its rows on the newest day, read without scanning the whole history
            "SELECT symbol, day, trend, reversion, sentiment, volume, composite, computed_at FROM signals_latest "
            "WHERE day = (SELECT max(day) FROM signals_latest) "
            "ORDER BY abs(coalesce(composite, 0)) DESC, symbol LIMIT ?", params=[n_signals]).pl().to_dicts()
        leads = con.sql(
            "SELECT id, platform, source, url, author, title, score, sentiment, sentiment_label, "
            "matched_keywords, posted_at, fetched_at FROM leads "
            "WHERE status = 'new' AND (intent = 'request' OR intent IS NULL) AND fetched_at >= ? "
            "ORDER BY score DESC NULLS LAST, posted_at DESC NULLS LAST, id LIMIT ?",
            params=[since, n_leads]).pl().to_dicts()
        health = con.sql(
            "WITH ranked AS (SELECT job, status, started_at, finished_at, error, "
            "  row_number() OVER (PARTITION BY job ORDER BY started_at DESC) AS rn FROM job_runs) "
            "SELECT r.job, r.status AS last_status, r.started_at AS last_started_at, r.error AS last_error, "
            "  (SELECT max(coalesce(finished_at, started_at)) FROM job_runs j "
            "     WHERE j.job = r.job AND j.status IN ('ok', 'partial')) AS last_success_at, "
            "  (SELECT count(*) FROM job_runs j WHERE j.job = r.job AND j.status = 'failed' "
            "     AND j.started_at >= ?) AS failures_24h "
            "FROM ranked r WHERE rn = 1 ORDER BY r.job",
            params=[now - timedelta(hours=24)]).pl().to_dicts()
    return DigestData(day=now.date(), signals=sig, leads=leads, health=health)


def top_new_leads(store: Store, limit: int = 10) -> list[dict]:
    """The best-scored leads still in status ``new`` (all columns of ``leads``), for posting."""
    with store.read() as con:
        return top_rows(con, "leads", "*", "WHERE status = 'new' AND (intent = 'request' OR intent IS NULL)",
                        "score DESC NULLS LAST, posted_at DESC NULLS LAST, id", [], limit).to_dicts()


# ---- read-only answers for the Discord bot's slash commands ------------------------------

def ticker_sentiment(store: Store, symbol: str, days: int = 7, now: datetime | None = None,
                     n_headlines: int = 5) -> dict:
    """News sentiment for one ticker over ``days`` (mean, count, by label), its latest signal,
    and the newest headlines — from the store only."""
    now = now or utcnow()
    since = now - timedelta(days=days)
    sym = symbol.upper()
    with store.read() as con:
        agg = con.sql(
            "SELECT count(*), avg(sentiment), count(*) FILTER (WHERE sentiment_label = 'positive'), "
            "count(*) FILTER (WHERE sentiment_label = 'negative') FROM news "
            "WHERE list_contains(tickers, ?) AND coalesce(published_at, fetched_at) >= ?",
            params=[sym, since]).fetchall()[0]
        heads = con.sql(
            "SELECT title, url, sentiment, coalesce(published_at, fetched_at) AS seen_at FROM news "
            "WHERE list_contains(tickers, ?) AND coalesce(published_at, fetched_at) >= ? "
            "ORDER BY seen_at DESC LIMIT ?", params=[sym, since, n_headlines]).pl().to_dicts()
        sig = con.sql("SELECT * FROM signals WHERE symbol = ? ORDER BY day DESC LIMIT 1",
                      params=[sym]).pl().to_dicts()
    count, mean, pos, neg = agg
    return {"symbol": sym, "days": days, "count": count, "mean": mean, "positive": pos, "negative": neg,
            "headlines": heads, "signal": sig[0] if sig else None}
