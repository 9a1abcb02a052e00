"""Numbered SQL migrations (``migrations/NNN_name.sql``), applied in order, once each."""
from __future__ import annotations

import re
from importlib import resources

import duckdb

_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


def _backfill_news_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    from core.store import ticker_sentiment  # 130's lead tables are filled by 151's step

    ticker_sentiment.rebuild_daily(con)  # the per-ticker totals are 150's


def _backfill_changed_from(con: duckdb.DuckDBPyConnection) -> None:
    from core.store import bar_summary, ticker_sentiment

    if bar_summary.is_empty(con):  # from before 140: the summary is built here, in today's schema
        bar_summary.rebuild(con)
    bar_summary.mark_unsynced(con)
    ticker_sentiment.mark_unsynced(con)


def _backfill_ticker_totals(con: duckdb.DuckDBPyConnection) -> None:
    from core.store.ticker_sentiment import rebuild_totals

    rebuild_totals(con)


def _backfill_lead_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    from core.store import lead_funnel  # the daily rows of 130 with 151's column, then the totals

    lead_funnel.rebuild(con)


# Python run right after a migration's SQL, in its transaction: fills tables it created from
# rows already stored, with the same queries that maintain them later (no second copy in SQL).
# Those queries write today's schema, so a table a later migration alters or adds is filled by
# the later step: 130's lead tables by 151's, the news totals by 150's (a store stopped between
# them has those empty), the bar summary by 160's (which adds its changed_from).
AFTER_SQL = {130: _backfill_news_aggregates, 150: _backfill_ticker_totals,
             151: _backfill_lead_aggregates, 160: _backfill_changed_from}


def available_migrations() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every migration shipped with the code, in order."""
    found = []
    for entry in resources.files("core.store.migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT (now()::TIMESTAMP))"
    )
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def apply_migrations(con: duckdb.DuckDBPyConnection, up_to: int | None = None,
                     migrations: list[tuple[int, str, str]] | None = None) -> list[int]:
    """Apply every migration newer than the store's version, each in its own transaction."""
    have = current_version(con)
    applied = []
    for version, name, sql in migrations if migrations is not None else available_migrations():
        if version <= have or (up_to is not None and version > up_to):
            continue
        con.begin()
        try:
            con.execute(sql)
            if version in AFTER_SQL:
                AFTER_SQL[version](con)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [version, name])
            con.commit()
        except BaseException:
            con.rollback()
            raise
        applied.append(version)
    return applied
