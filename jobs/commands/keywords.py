"""``keywords``: list, import and export the lead keyword table (what the Keywords page edits)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "keywords", help="List, import (merge) or export the lead keywords as CSV.",
        description="The lead keyword table as CSV with columns term, weight, negative, whole_word, "
        "enabled. 'import' merges: terms in the file are added or replaced, others stay. A file "
        "with any bad row is refused whole, naming each bad line; nothing is half-imported.")
    s = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s.add_parser("list", help="Print the keyword table as CSV.").set_defaults(func=_list)
    imp = s.add_parser("import", help="Merge keywords from a CSV file (all rows or none).")
    imp.add_argument("file", type=Path, help="CSV with a header row: term[,weight,negative,whole_word,enabled]")
    imp.set_defaults(func=_import)
    exp = s.add_parser("export", help="Write the keyword table to a CSV file.")
    exp.add_argument("file", type=Path, help="Where to write the CSV (overwritten).")
    exp.set_defaults(func=_export)


def _store():
    from core.config import get_settings
    from core.store import Store

    return Store.from_settings(get_settings())


def _list(args) -> int:
    from core.leads.keyword_csv import write_keywords_csv
    from core.store.keywords import list_keywords

    sys.stdout.write(write_keywords_csv(list_keywords(_store())))
    return 0


def _export(args) -> int:
    from core.leads.keyword_csv import write_keywords_csv
    from core.store.keywords import list_keywords

    frame = list_keywords(_store())
    args.file.write_text(write_keywords_csv(frame), encoding="utf-8")
    print(f"wrote {frame.height} keywords to {args.file}")
    return 0


def _import(args) -> int:
    from core.leads.keyword_csv import BadKeywordFile, read_keywords_csv
    from core.store.keywords import upsert_keywords

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 1
    try:
        frame = read_keywords_csv(text)
    except BadKeywordFile as exc:
        print(f"refused {args.file}: nothing imported", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    n = upsert_keywords(_store(), frame) if frame.height else 0
    print(f"imported {n} keywords from {args.file} (merged: other terms unchanged)")
    return 0
