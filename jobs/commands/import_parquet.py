"""``import-parquet``: restore an export into the store, skipping rows already there."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.config import get_settings
from core.exports import import_export
from core.store import Store
from core.store.exports import DATASETS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import-parquet", help="Restore a Parquet (or CSV) export into the store, deduplicated.",
        description="Read an export made by `export` (a file or a day-partitioned folder) and add "
        "the rows the store does not hold yet, matched by each dataset's key. For moving machines.")
    p.add_argument("dataset", choices=sorted(DATASETS), help="which dataset the export holds")
    p.add_argument("path", type=Path, help="the exported file or folder")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.path.exists():
        print(f"import failed: {args.path} does not exist", file=sys.stderr)
        return 1
    try:
        result = import_export(Store.from_settings(get_settings()), args.dataset, args.path)
    except Exception as exc:  # noqa: BLE001 - unreadable file, wrong dataset: say so, store untouched
        print(f"import failed: {args.path} could not be read as {args.dataset}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result))
    return 0
