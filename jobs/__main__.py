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
    refusal = settings_gate(args.command)
    if refusal is not None:
        return refusal
    try:
        return int(args.func(args) or 0)
    except ValidationError as exc:  # a bad SIGNALDESK_* setting: name it, never echo its value
        print(_settings_problems(exc), file=sys.stderr)
        return 1
    except (StoreBusy, RegistryError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


# Commands that start services or send to Discord: any problem check-config names stops them.
STRICT = {"run", "up", "post", "bot"}


def settings_gate(command: str) -> int | None:
    """Exit status when ``command`` must not run with these settings, after naming every
    problem on stderr (one line each, never a value); None when it may run."""
    from core.settings_checks import data_dir_problems, load_settings

    if command == "check-config":
        return None  # it reports everything itself
    settings, problems = load_settings()
    fatal = problems if settings is None or command in STRICT else data_dir_problems(settings)
    if not fatal:
        return None
    print(f"signaldesk cannot run '{command}'; fix these settings (see .env.example):", file=sys.stderr)
    for p in fatal:
        print(f"  - {p}", file=sys.stderr)
    print("Run `python -m jobs check-config` to see every setting.", file=sys.stderr)
    return 2 if command in STRICT else 1


def _settings_problems(exc) -> str:
    lines = ["The settings could not be read:"]
    for err in exc.errors():
        name = ".".join(str(x) for x in err.get("loc", ())) or "?"
        lines.append(f"  - SIGNALDESK_{name.upper()}: {err.get('msg', 'invalid')}")
    lines.append("Run `python -m jobs check-config` to see every setting.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
