"""Keyword tables as CSV (``term, weight, negative, whole_word, enabled``): read strictly, write plainly.

Pure. ``read_keywords_csv`` checks every row first and raises ``BadKeywordFile`` naming each bad
line (1-based, the header is line 1) before anything is returned, so an import is all or nothing.
Only ``term`` is required; weight defaults to 1.0, the flags to false/false/true. Booleans accept
true/false, yes/no, 1/0 (any case). Terms are trimmed and lower-cased, as the store keeps them.
"""
from __future__ import annotations

import csv
import io
import math

import polars as pl

COLUMNS = ["term", "weight", "negative", "whole_word", "enabled"]
DEFAULTS = {"weight": 1.0, "negative": False, "whole_word": False, "enabled": True}
TRUE, FALSE = {"true", "yes", "1", "y", "t"}, {"false", "no", "0", "n", "f", ""}
MAX_WEIGHT = 100.0


class BadKeywordFile(ValueError):
    """The file was refused; ``problems`` lists 'line N: why' for each bad row."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems[:20]) + (f" (+{len(problems) - 20} more)" if len(problems) > 20 else ""))


def _flag(value: str, name: str) -> bool:
    v = (value or "").strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def read_keywords_csv(text: str) -> pl.DataFrame:
    """CSV text -> a keyword frame (COLUMNS); raises BadKeywordFile listing every bad line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if "term" not in header:
        raise BadKeywordFile([(f"line 1: the header must name the columns {', '.join(COLUMNS)} "
                               f"(found {', '.join(header) or 'nothing'})")])
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise BadKeywordFile([f"line 1: unknown column(s) {', '.join(unknown)}; use {', '.join(COLUMNS)}"])
    reader.fieldnames = header
    rows, problems, seen = [], [], {}
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(f"line {line}: more fields than the header has")
            continue
        term = (row.get("term") or "").strip().lower()
        try:
            if not term:
                raise ValueError("term is empty")
            if len(term) > 200:
                raise ValueError("term is longer than 200 characters")
            raw_w = (row.get("weight") or "").strip()
            weight = float(raw_w) if raw_w else DEFAULTS["weight"]
            if not 0 <= weight <= MAX_WEIGHT or math.isnan(weight):
                raise ValueError(f"weight must be a number from 0 to {MAX_WEIGHT:g}, not {raw_w!r}")
            flags = {n: _flag(row[n], n) if row.get(n) not in (None, "") else DEFAULTS[n]
                     for n in ("negative", "whole_word", "enabled")}
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        if term in seen:
            problems.append(f"line {line}: term {term!r} repeats line {seen[term]}")
            continue
        seen[term] = line
        rows.append({"term": term, "weight": weight, **flags})
    if problems:
        raise BadKeywordFile(problems)
    return pl.DataFrame(rows, schema={"term": pl.String, "weight": pl.Float64, "negative": pl.Boolean,
                                      "whole_word": pl.Boolean, "enabled": pl.Boolean})


def write_keywords_csv(frame: pl.DataFrame) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for r in frame.select(COLUMNS).iter_rows():
        w.writerow([r[0], f"{r[1]:g}", *("true" if x else "false" for x in r[2:])])
    return out.getvalue()
