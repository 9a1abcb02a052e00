"""``check-config``: print every setting (secrets masked), validate, exit non-zero on problems."""
from __future__ import annotations

import argparse

from core.config import masked_report
from core.settings_checks import load_settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check-config",
        help="Print every setting with secrets masked and validate them.",
        description="Print every setting (secrets masked) and validate it with the same checks "
        "`run`, `up` and `post` refuse to start on. Exits 1 naming every problem at once "
        "in plain words (values that cannot be read included); 0 when the configuration is usable.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings, problems = load_settings()
    if settings is not None:
        width = max(len(n) for n, _ in masked_report(settings))
        for name, shown in masked_report(settings):
            print(f"{name:<{width}}  {shown}")
    else:
        print("The settings could not be read; nothing else is shown until they can.")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print(f"  - {p}")
        return 1
    print("\nConfiguration OK.")
    return 0
