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
    from core.log import setup_logging

    args = build_parser().parse_args(argv)
    setup_logging(args.log_level)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
