"""The operator's inputs: feeds (news and lead sources) and the watchlist."""
from __future__ import annotations

import polars as pl

from core.models import utcnow
from core.redact import mask_url
from core.store import Store, scalar


def list_feeds(store: Store, kind: str | None = None, enabled_only: bool = False) -> pl.DataFrame:
    clauses, params = [], []
    if kind:
        clauses.append("kind = ?")
        params.append(kind)
    if enabled_only:
        clauses.append("enabled")
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with store.read() as con:
        return con.sql(
            f"SELECT url, kind, name, platform, enabled, added_at FROM feeds {where} ORDER BY kind, name",
            params=params,
        ).pl()


def add_feeds(store: Store, feeds: list[dict]) -> int:
    """Add feeds (dicts with url, kind, name, platform); known URLs are left as they are."""
    if not feeds:
        return 0
    now = utcnow()
    frame = pl.DataFrame([
        {"url": f["url"], "kind": f["kind"], "name": mask_url(f.get("name") or f["url"]),
         "platform": f.get("platform", "rss"), "enabled": f.get("enabled", True), "added_at": now}
        for f in feeds
    ])
    with store.write() as con:
        con.register("_f", frame.to_arrow())
        n = len(con.execute(
            "INSERT INTO feeds SELECT url, kind, name, platform, enabled, added_at FROM _f "
            "ON CONFLICT DO NOTHING RETURNING url").fetchall())
        con.unregister("_f")
    return n


def set_feed_enabled(store: Store, url: str, enabled: bool) -> None:
    with store.write() as con:
        con.execute("UPDATE feeds SET enabled = ? WHERE url = ?", [enabled, url])


def remove_feed(store: Store, url: str) -> None:
    with store.write() as con:
        con.execute("DELETE FROM feeds WHERE url = ?", [url])


def list_watchlist(store: Store, enabled_only: bool = True) -> pl.DataFrame:
    where = "WHERE enabled" if enabled_only else ""
    with store.read() as con:
        return con.sql(f"SELECT symbol, name, enabled FROM watchlist {where} ORDER BY symbol").pl()


def set_watchlist(store: Store, symbols: dict[str, str | None]) -> None:
    """Replace the watchlist with these symbols (symbol -> company name or None)."""
    frame = pl.DataFrame({"symbol": [s.upper() for s in symbols], "name": list(symbols.values())},
                         schema={"symbol": pl.String, "name": pl.String})
    with store.write() as con:
        con.execute("DELETE FROM watchlist")
        con.register("_w", frame.to_arrow())
        con.execute("INSERT INTO watchlist SELECT symbol, name, true FROM _w")
        con.unregister("_w")


def seed_inputs(store: Store, watchlist: dict[str, str | None], news_feeds: list[str],
                lead_feeds: list[str]) -> None:
    """Fill empty feed and watchlist tables with defaults; edited tables are left alone."""
    with store.read() as con:
        has_feeds = scalar(con, "SELECT count(*) FROM feeds")
        has_watch = scalar(con, "SELECT count(*) FROM watchlist")
    if not has_watch:
        set_watchlist(store, watchlist)
    if not has_feeds:
        add_feeds(store, [{"url": u, "kind": "news", "name": u.split("/")[2]} for u in news_feeds]
                  + [{"url": u, "kind": "leads", "name": _lead_name(u), "platform": _platform(u)}
                     for u in lead_feeds])


def _platform(url: str) -> str:
    if "reddit.com" in url:
        return "reddit"
    return "hn" if "hnrss" in url or "ycombinator" in url or "hn.algolia.com" in url else "rss"


def _lead_name(url: str) -> str:
    parts = url.split("/")
    if "author_whoishiring" in url:
        return "HN hiring threads"
    return f"r/{parts[4]}" if "reddit.com" in url and len(parts) > 4 else parts[2]
