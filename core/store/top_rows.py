"""The first N rows of a table in an order, reading the shown columns of those N rows only.

``SELECT <many columns> ... ORDER BY score LIMIT 200`` makes DuckDB compute every shown column
(text functions included) for every row that passes the filter before it keeps 200: on 1 M
leads the inbox took 0.8-1.2 s. Ranking by the sort columns alone and then fetching the
winners by ``rowid`` took 0.07-0.09 s on the same store (bench/dashboard.py, scale 10).
"""
from __future__ import annotations

import duckdb
import polars as pl


def top_rows(con: duckdb.DuckDBPyConnection, table: str, select: str, where: str, order: str,
             params: list, limit: int) -> pl.DataFrame:
    """``SELECT {select} FROM {table} {where} ORDER BY {order} LIMIT limit`` in two steps.

    ``table``, ``select``, ``where`` and ``order`` come from code (operator input travels in
    ``params``, bound to the ``?`` of ``where``); ``order`` names columns of ``table``.
    """
    return con.sql(
        f"SELECT {select} FROM {table} WHERE rowid IN "
        f"(SELECT rowid FROM {table} {where} ORDER BY {order} LIMIT ?) ORDER BY {order}",
        params=[*params, int(limit)]).pl()
