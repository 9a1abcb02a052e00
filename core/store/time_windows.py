"""Time windows anchored to the data: "the last N days", or the N days up to the newest row.

Why: a page that filters "last 7 days" shows nothing when the store went quiet (a holiday, a
broken network, or the offline demo whose recordings are years old), although it holds data
the operator wants to see. ``window`` keeps the plain "last N days" whenever it holds the
newest row, and otherwise moves the same-sized window back so it ends at the newest row,
saying so (``anchored``) so the page can tell the operator.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.store import Store, scalar


@dataclass(frozen=True)
class Window:
    since: datetime  # rows at or after this are in the window
    end: datetime  # now, or the newest row when the plain window would be empty
    newest: datetime | None  # the newest row of the table (None: the table is empty)
    anchored: bool  # True when the window was moved back to end at the newest row


def as_datetime(value: date | datetime | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, datetime.min.time())


def window(now: datetime, newest: date | datetime | None, days: float) -> Window:
    """The last ``days`` before ``now``; or, when the newest row is older than that, the
    ``days`` up to the newest row (an empty table keeps the plain window)."""
    newest = as_datetime(newest)
    since = now - timedelta(days=days)
    if newest is not None and newest < since:
        return Window(newest - timedelta(days=days), newest, newest, True)
    return Window(since, now, newest, False)


def _columns(con, table: str) -> set[str]:
    rows = con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                       [table]).fetchall()
    return {r[0] for r in rows}


def newest(store: Store, table: str, columns: str | tuple[str, ...], *, symbol: str | None = None,
           interval: str | None = None) -> datetime | None:
    """The newest value of a time column (or of ``coalesce(columns...)``) in ``table``.

    ``table`` and ``columns`` are checked against the schema before they reach the SQL text,
    so only real identifiers are ever quoted into it; ``symbol`` / ``interval`` (for prices and
    signals) are bound parameters. None when the table (or the filtered part) is empty.
    """
    columns = (columns,) if isinstance(columns, str) else tuple(columns)
    with store.read() as con:
        known = _columns(con, table)
        missing = [c for c in columns if c not in known]
        if not known or missing:
            raise ValueError(f"no time column {', '.join(missing) or columns} in table {table!r}")
        quoted = [f'"{c}"' for c in columns]
        expr = quoted[0] if len(quoted) == 1 else f"coalesce({', '.join(quoted)})"
        clauses, params = [], []
        for name, value in (("symbol", symbol), ("interval", interval)):
            if value is not None:
                if name not in known:
                    raise ValueError(f"table {table!r} has no {name} column")
                clauses.append(f"{name} = ?")
                params.append(value.upper() if name == "symbol" else value)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        value = scalar(con, f'SELECT max({expr}) FROM "{table}" {where}', params)
    return as_datetime(value)


def count_rows(store: Store, table: str, *, symbol: str | None = None, interval: str | None = None) -> int:
    """Rows of ``prices`` (or another table with symbol/interval) — e.g. daily bars of a symbol."""
    with store.read() as con:
        known = _columns(con, table)
        if not known:
            raise ValueError(f"no table {table!r}")
        clauses, params = [], []
        for name, value in (("symbol", symbol), ("interval", interval)):
            if value is not None and name in known:
                clauses.append(f"{name} = ?")
                params.append(value.upper() if name == "symbol" else value)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return int(scalar(con, f'SELECT count(*) FROM "{table}" {where}', params) or 0)
