"""Synthetic store contents for benchmarks and UI tests, generated inside DuckDB with ``range()``.

One ``INSERT ... SELECT FROM range(n)`` per table fills a million rows in about a second, so a
benchmark can build a production-sized store (1,000,000 news, 200,000 leads, 500 symbols x
10 years of daily bars) in one run, and UI tests can build a small store the same way.
Values are deterministic functions of the row number (``hash``), not random draws.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from core.store import Store, aggregates, bar_summary

BASE_SYMBOLS = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "SPY"]
SOURCES = ["marketwatch", "cnbc", "yahoo", "sec", "seekingalpha"]
PLATFORMS = ["reddit", "hn", "rss"]
TERMS = ["looking for a developer", "need a python developer", "trading bot", "discord bot",
         "dashboard", "web scraper", "automation", "data pipeline"]
JOBS = ["prices_daily", "news", "leads", "learn", "digest"]


def symbols(n: int) -> list[str]:
    return BASE_SYMBOLS[:n] + [f"S{i:03d}" for i in range(max(0, n - len(BASE_SYMBOLS)))]


def fill(store: Store, now: datetime, news: int = 1_000_000, leads: int = 200_000,
         n_symbols: int = 500, years: int = 10, news_days: int = 365, lead_days: int = 180,
         runs: int = 2_000, posts: int = 500) -> None:
    """Fill an empty store with synthetic rows ending at ``now`` (naive UTC); ``runs`` job runs
    five minutes apart and ``posts`` Discord posts an hour apart."""
    syms = symbols(n_symbols)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    n_days = years * 365
    with store.write() as con:
        con.execute(
            """
            INSERT INTO news (id, source, url, title, summary, published_at, fetched_at, tickers,
                              sentiment, sentiment_label, cluster_id)
            SELECT 'n' || i, list_extract(?, 1 + i % 5), 'https://example.com/news/' || i,
                   'Story ' || i || ' about ' || list_extract(?, 1 + CAST(hash(i) % ? AS BIGINT)),
                   'Summary of story ' || i,
                   CAST(? AS TIMESTAMP) - to_microseconds(CAST(i * ? AS BIGINT)),
                   CAST(? AS TIMESTAMP) - to_microseconds(CAST(i * ? AS BIGINT)),
                   [list_extract(?, 1 + CAST(hash(i) % ? AS BIGINT)),
                    list_extract(?, 1 + CAST(hash(i + 7) % 8 AS BIGINT))],
                   ((hash(i * 31) % 2001) / 1000.0) - 1.0,
                   CASE WHEN (hash(i * 31) % 2001) > 1300 THEN 'positive'
                        WHEN (hash(i * 31) % 2001) < 700 THEN 'negative' ELSE 'neutral' END,
                   CASE WHEN i % 4 = 0 THEN NULL ELSE 'c' || (i // 3) END
            FROM range(?) t(i)
            """,
            [SOURCES, syms, len(syms), now, news_days * 86_400_000_000 // max(news, 1),
             now, news_days * 86_400_000_000 // max(news, 1), syms, len(syms), syms, news])
        con.execute(
            """
            INSERT INTO leads (id, platform, source, url, author, title, body, posted_at, fetched_at,
                               matched_keywords, score, sentiment, sentiment_label, cluster_id, status,
                               status_at, note)
            SELECT 'l' || i, list_extract(?, 1 + i % 3), 'r/source' || (i % 7),
                   'https://example.com/lead/' || i, 'user' || (i % 997),
                   'Lead ' || i || ': ' || list_extract(?, 1 + CAST(hash(i) % 8 AS BIGINT)),
                   'Body of lead ' || i || ' mentions ' || list_extract(?, 1 + CAST(hash(i) % 8 AS BIGINT)),
                   ts, ts, [list_extract(?, 1 + CAST(hash(i) % 8 AS BIGINT))], (hash(i * 13) % 1000) / 100.0,
                   0.0, 'neutral', NULL,
                   CASE WHEN i % 50 = 0 THEN 'won' WHEN i % 50 = 1 THEN 'lost'
                        WHEN i % 50 = 2 THEN 'contacted' WHEN i % 10 = 3 THEN 'ignored' ELSE 'new' END,
                   CASE WHEN i % 50 < 3 THEN ts + INTERVAL 2 DAY END, NULL
            FROM (SELECT i, CAST(? AS TIMESTAMP) - to_microseconds(CAST(i * ? AS BIGINT)) AS ts
                  FROM range(?) t(i))
            """,
            [PLATFORMS, TERMS, TERMS, TERMS, now, lead_days * 86_400_000_000 // max(leads, 1), leads])
        con.execute(
            """
            INSERT INTO lead_events (lead_id, from_status, to_status, changed_at, note)
            SELECT id, 'new', status, status_at, NULL FROM leads WHERE status IN ('won', 'lost', 'contacted')
            """)
        con.execute(
            """
            INSERT INTO prices (symbol, interval, ts, open, high, low, close, adj_close, volume)
            SELECT s, '1d', CAST(? AS TIMESTAMP) - to_microseconds(CAST(d AS BIGINT) * 86400000000),
                   c * 0.995, c * 1.01, c * 0.99, c, c, 1000000 + hash(si * 100000 + d) % 500000
            FROM (SELECT list_extract(?, 1 + si) AS s, si, d,
                         100 + si % 50 + 20 * sin(d / 40.0 + si) + (? - d) * 0.02 AS c
                  FROM range(?) a(si), range(?) b(d))
            """, [today, syms, n_days, len(syms), n_days])
        con.execute(
            """
            INSERT INTO signals (symbol, day, trend, reversion, sentiment, volume, composite, computed_at)
            SELECT list_extract(?, 1 + si), CAST(? AS DATE) - CAST(d AS INTEGER),
                   sin(si + d / 5.0), cos(si * 3 + d / 7.0), ((hash(si * 1000 + d) % 200) / 100.0) - 1,
                   sin(si * 7 + d) / 2, (sin(si + d / 5.0) + cos(si * 3 + d / 7.0)) / 2, ?
            FROM range(?) a(si), range(60) b(d)
            """, [syms, today, now, len(syms)])
        con.execute(
            """
            INSERT INTO signal_weights (component, weight, hit_rate, mean_return, sharpe, evidence,
                                        reason, computed_at) VALUES
              ('trend', 0.35, 0.54, 0.0012, 0.8, 1200, 'positive track record over 1200 days', ?),
              ('reversion', 0.25, 0.51, 0.0004, 0.3, 1200, 'weak edge', ?),
              ('sentiment', 0.2, 0.50, 0.0001, 0.1, 400, 'little evidence yet', ?),
              ('volume', 0.2, 0.52, 0.0006, 0.4, 1200, 'small edge', ?)
            """, [now] * 4)
        con.execute(
            """
            INSERT INTO keywords (term, weight, negative, whole_word, enabled, updated_at)
            SELECT t, 1.0 + i % 3, false, i % 2 = 0, true, ?
            FROM (SELECT unnest(?) AS t, generate_subscripts(?, 1) AS i)
            """, [now, TERMS, TERMS])
        con.execute(
            """
            INSERT INTO learned_weights (term, trials, conversions, rate_mean, rate_low, rate_high,
                                         suggested_weight, computed_at)
            SELECT t, 100 + i * 10, 2 + i, (2 + i) / (100.0 + i * 10), 0.01, 0.1, 0.5 + i * 0.3, ?
            FROM (SELECT unnest(?) AS t, generate_subscripts(?, 1) AS i)
            """, [now, TERMS, TERMS])
        con.execute(
            """
            INSERT INTO job_runs (run_id, job, started_at, finished_at, status, counts, error,
                                  error_fingerprint, trigger)
            SELECT 'run' || i, list_extract(?, 1 + i % 5),
                   CAST(? AS TIMESTAMP) - to_microseconds(CAST(i AS BIGINT) * 300000000),
                   CAST(? AS TIMESTAMP)
                       - to_microseconds(CAST(i AS BIGINT) * 300000000 - 2000000 - (i % 7) * 1000000),
                   CASE WHEN i % 17 = 0 THEN 'failed' WHEN i % 11 = 0 THEN 'partial' ELSE 'ok' END,
                   '{"fetched": 10, "new": 3}',
                   CASE WHEN i % 17 = 0 THEN 'TimeoutError: feed did not answer in 15s' END,
                   CASE WHEN i % 17 = 0 THEN 'fp' || (i % 3) END, 'schedule'
            FROM range(?) t(i)
            """, [JOBS, now, now, runs])
        con.execute(
            """
            INSERT INTO posts (idempotency_key, target, kind, item_id, payload, status,
                               discord_message_id, error, attempts, created_at, updated_at)
            SELECT 'k' || i, 'webhook', CASE WHEN i % 2 = 0 THEN 'lead' ELSE 'digest' END, 'l' || i,
                   '{"title": "item ' || i || '"}',
                   CASE WHEN i % 10 = 0 THEN 'failed' WHEN i % 23 = 0 THEN 'unknown' ELSE 'sent' END,
                   CASE WHEN i % 10 <> 0 THEN 'm' || i END,
                   CASE WHEN i % 10 = 0 THEN 'HTTP 500 from Discord' END, 1,
                   CAST(? AS TIMESTAMP) - to_microseconds(CAST(i AS BIGINT) * 3600000000),
                   CAST(? AS TIMESTAMP) - to_microseconds(CAST(i AS BIGINT) * 3600000000)
            FROM range(?) t(i)
            """, [now, now, posts])
        con.execute(
            "INSERT INTO source_state (source, last_fetch_at, consecutive_failures, paused_until, "
            "last_error) "
            "VALUES ('r/slavelabour', ?, 5, ?, 'HTTP 429 Too Many Requests (5 in a row)')",
            [now, now + timedelta(minutes=30)])
        # What the jobs keep beside the rows they write (one commit with them, as the jobs do).
        con.execute("INSERT OR REPLACE INTO signals_latest SELECT * FROM signals WHERE day = CAST(? AS DATE)", [today])
        aggregates.rebuild_all(con)
        bar_summary.rebuild(con)
