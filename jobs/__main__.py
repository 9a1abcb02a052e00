"""``python -m jobs COMMAND``: every command is a module in ``jobs/commands`` with
``register(subparsers)``; each registers its parser (with help text) and a ``func(args) -> int``.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

import jobs.commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m jobs",
        description="signaldesk jobs: fetch, score, store, post and export. "
        "Every command has --help.",
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR (default INFO).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(jobs.commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"jobs.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pydantic import ValidationError

    from core.log import setup_logging
    from core.store import StoreBusy
    from jobs.registry import RegistryError

    args = build_parser().parse_args(argv)
    setup_logging(args.log_level)
    try:
        return int(args.func(args) or 0)
    except ValidationError as exc:  # a bad SIGNALDESK_* setting: name it, never echo its value
        print(_settings_problems(exc), file=sys.stderr)
        return 1
    except (StoreBusy, RegistryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _settings_problems(exc) -> str:
    lines = ["The settings could not be read:"]
    for err in exc.errors():
        name = ".".join(str(x) for x in err.get("loc", ())) or "?"
        lines.append(f"  - SIGNALDESK_{name.upper()}: {err.get('msg', 'invalid')}")
    lines.append("Run `python -m jobs check-config` to see every setting.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
