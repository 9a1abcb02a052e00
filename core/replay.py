"""Replay recorded files through the live pipeline: the offline demo, fixtures and forensics.

Each file is one document; news and leads go through ``core.ingest.ingest_documents`` (the
exact code the live poller runs after fetching), prices through the price adapter's own
``core.prices.replay_price_file``. Every file yields one JSON-able dict, even when it is
garbage; only an internal failure (a bug, the store unavailable) raises. Files are read through
``core.local_file.read_capped``: the cap counts bytes read, not what ``stat`` says, and only
regular files or stdin (``-``) are read.
"""
from __future__ import annotations

import logging
from pathlib import Path

from core.ingest import Document, ingest_documents
from core.local_file import STDIN_NAMES, LocalFileError, read_capped
from core.store import Store

log = logging.getLogger(__name__)

REPLAY_KINDS = ("news", "leads", "prices")
MAX_FILE_BYTES = 50_000_000
READ_DEADLINE_S = 30.0  # stdin (a pipe) that sends no end by then is given up


def _result(path, kind, status, fetched=0, new=0, duplicate=0, rejected=0, reason="") -> dict:
    return {"file": str(path), "kind": kind, "status": status, "fetched": fetched, "new": new,
            "duplicate": duplicate, "rejected": rejected, "reason": reason}


def replay_file(store: Store, settings, kind: str, path: str | Path, provider: str | None = None,
                symbol: str | None = None) -> dict:
    """Replay one recorded file; returns the per-file result (see the module docstring).

    ``provider`` names the vendor whose recorded answer the file is (else: by its shape)."""
    path = Path(path)
    if kind not in REPLAY_KINDS:
        return _result(path, kind, "error", reason=f"unknown kind {kind!r}: use news, leads or prices")
    if kind == "prices":
        return _replay_prices(store, path, provider, symbol)
    try:
        body = read_capped(path, MAX_FILE_BYTES, READ_DEADLINE_S)
    except LocalFileError as exc:
        return _result(path, kind, "error", reason=str(exc))
    adapter = None
    if provider:
        from core.sources.registry import SOURCES

        adapter = provider if provider in SOURCES else f"{provider}_news"
        if adapter not in SOURCES:
            return _result(path, kind, "error", reason=f"unknown provider {provider!r} for {kind}")
    source = "stdin" if str(path) in STDIN_NAMES else path.stem
    report = ingest_documents(store, settings, kind, [Document(source=source, body=body, adapter=adapter)])
    outcome = report.documents[0]
    c = outcome.counts
    # In this report every entry is accounted for: rejected also holds the lead posts that
    # matched no keyword (the reason says how many), so new + duplicate + rejected = fetched.
    return _result(path, kind, outcome.status, c.fetched, c.new, c.duplicate,
                   c.rejected + outcome.unmatched, outcome.reason)


def _replay_prices(store: Store, path: Path, provider: str | None = None, symbol: str | None = None) -> dict:
    try:
        from core.prices import replay_price_file
    except ImportError:
        return _result(path, "prices", "error", reason="prices replay not available")
    out = dict(replay_price_file(store, path, symbol=symbol, provider=provider))
    base = _result(path, "prices", out.get("status", "error"))
    base.update({k: v for k, v in out.items() if k in base})
    base["file"], base["kind"] = str(path), "prices"
    return base


def replay_files(store: Store, settings, kind: str, paths: list[str | Path]) -> list[dict]:
    """Replay several files in order (each through the whole pipeline, so later files see
    earlier files' rows as duplicates)."""
    return [replay_file(store, settings, kind, p) for p in paths]
