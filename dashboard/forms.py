"""Input validation for the dashboard's forms: plain-language problems, nothing written on error.

Values typed by the operator are only ever passed on as parameters, so quotes, semicolons or
SQL in a field are just text; these checks are about meaning (empty, out of range, duplicate).
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

import polars as pl

MAX_WEIGHT = 100.0
TICKER_RE = re.compile(r"[A-Z0-9.\-^=]{1,12}")


def keyword_problems(frame: pl.DataFrame) -> list[str]:
    problems = []
    terms = frame["term"].fill_null("").str.strip_chars().str.to_lowercase()
    if (terms.str.len_chars() == 0).any():
        problems.append("Every keyword needs a term: fill in or delete the empty rows.")
    if (terms.str.len_chars() > 200).any():
        problems.append("Keep each term under 200 characters.")
    dupes = terms.filter(terms.is_duplicated() & (terms.str.len_chars() > 0)).unique().to_list()
    if dupes:
        problems.append(f"Each term may appear once; duplicated: {', '.join(sorted(dupes))}.")
    weights = frame["weight"]
    if weights.is_null().any():
        problems.append("Every keyword needs a weight (a number such as 1.5).")
    elif ((weights < 0) | (weights > MAX_WEIGHT)).any():
        problems.append(f"Weights go from 0 to {MAX_WEIGHT:g}; use 'negative' to exclude posts.")
    return problems


def clean_keywords(frame: pl.DataFrame) -> pl.DataFrame:
    """The editor's rows as the store takes them (missing flags become their defaults)."""
    return frame.select(
        pl.col("term").cast(pl.String).str.strip_chars(),
        pl.col("weight").cast(pl.Float64),
        pl.col("negative").fill_null(False).cast(pl.Boolean),
        pl.col("whole_word").fill_null(False).cast(pl.Boolean),
        pl.col("enabled").fill_null(True).cast(pl.Boolean),
    )


def ticker_problems(symbols: list[str]) -> list[str]:
    bad = [s for s in symbols if not TICKER_RE.fullmatch(s)]
    if bad:
        return [f"Not a ticker: {', '.join(repr(b) for b in bad)} (letters, digits, '.', '-', '^', '=')."]
    if not symbols:
        return ["The watchlist needs at least one symbol."]
    return []


def feed_problems(url: str, name: str) -> list[str]:
    problems = []
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        problems.append("The feed URL must start with http:// or https:// and name a host.")
    if len(name) > 100:
        problems.append("Keep the feed name under 100 characters.")
    return problems
