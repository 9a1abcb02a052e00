"""One module per CLI command; ``jobs.__main__`` discovers them.

The helpers below are shared by the commands that act on one named job (``once``, ``request``),
so both take the same arguments and refuse an unknown name the same way.
"""
from __future__ import annotations

import argparse
import sys


def add_job_arguments(parser: argparse.ArgumentParser, registry_help: str) -> None:
    """The positional job ``name`` and ``--registry MODULE:ATTR``."""
    parser.add_argument("name", help="Job name, as listed by 'python -m jobs list'.")
    parser.add_argument("--registry", metavar="MODULE:ATTR", default=None, help=registry_help)


def load_named_job(args: argparse.Namespace):
    """``(settings, registry)`` when ``args.name`` is a job of the registry; else ``None``, after
    naming the known jobs on stderr (the command then exits 1)."""
    from core.config import get_settings
    from jobs.registry import load_registry

    settings = get_settings()
    registry = load_registry(args.registry, settings)
    if args.name not in registry:
        print(f"no job named {args.name!r}; known: {', '.join(sorted(registry))}", file=sys.stderr)
        return None
    return settings, registry
