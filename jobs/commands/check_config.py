"""``check-config``: print every setting (secrets masked), validate, exit non-zero on problems."""
from __future__ import annotations

import argparse

from core.config import Settings, check_settings, masked_report


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check-config",
        help="Print every setting with secrets masked and validate them.",
        description="Print every setting (secrets masked) and validate it. Exits 1 naming "
        "each problem in plain words; 0 when the configuration is usable.",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings()
    except Exception as exc:  # pydantic ValidationError: say it plainly
        print("The settings could not be read:")
        for err in getattr(exc, "errors", lambda: [])() or [{"loc": ("?",), "msg": str(exc)}]:
            name = ".".join(str(x) for x in err["loc"])
            print(f"  - SIGNALDESK_{name.upper()}: {err['msg']}")
        return 1
    width = max(len(n) for n, _ in masked_report(settings))
    for name, shown in masked_report(settings):
        print(f"{name:<{width}}  {shown}")
    problems = check_settings(settings)
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print(f"  - {p}")
        return 1
    print("\nConfiguration OK.")
    return 0
