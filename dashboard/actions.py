"""Operator actions: the one place where the dashboard calls code that writes or sends.

Each function adapts the call site of another module (so a changed signature is fixed here,
not in ten pages), clears the read cache after a write, and raises ``Unavailable`` when the
module that does the work is not part of this build yet (pages show a note instead).
"""
from __future__ import annotations

import polars as pl

from core.store import feeds as feeds_store
from core.store import keywords as keywords_store
from dashboard import data


class Unavailable(RuntimeError):
    def __init__(self, module: str):
        super().__init__(f"`{module}` is not part of this build yet")
        self.module = module


def _need(module: str):
    mod = data.optional(module)
    if mod is None:
        raise Unavailable(module)
    return mod


def _attr(module: str, name: str):
    fn = getattr(_need(module), name, None)
    if fn is None:
        raise Unavailable(f"{module}.{name}")
    return fn


# ---------------------------------------------------------------- leads
def set_lead_status(lead_ids: list[str], to_status: str, note: str | None = None):
    result = _attr("core.store.funnel", "set_lead_status")(data.store(), list(lead_ids), to_status,
                                                           note=note or None)
    data.invalidate()
    return result


def set_lead_note(lead_id: str, note: str):
    result = _attr("core.store.funnel", "set_lead_note")(data.store(), lead_id, note)
    data.invalidate()
    return result


# ---------------------------------------------------------------- keywords
def save_keywords(edited: pl.DataFrame, removed: list[str]) -> int:
    """Upsert the edited keyword table and delete removed terms; returns rows saved."""
    n = keywords_store.upsert_keywords(data.store(), edited)
    if removed:
        keywords_store.delete_keywords(data.store(), removed)
    data.invalidate()
    return n


def accept_suggestions(terms: list[str] | None) -> int:
    """Adopt learned weights (all, or the given terms) as the keywords' weights."""
    learning = data.optional("core.leads.learning")
    if learning is not None and hasattr(learning, "accept_suggestions"):
        applied = learning.accept_suggestions(data.store(), terms)  # {term: weight} applied
    else:  # the learned table is in the schema already; adopting it is a plain weight update
        applied = keywords_store.suggested_weights(data.store(), terms)
        keywords_store.set_weights(data.store(), applied)
    data.invalidate()
    return len(applied)


# ---------------------------------------------------------------- inputs
def set_watchlist(symbols: dict[str, str | None]) -> None:
    feeds_store.set_watchlist(data.store(), symbols)
    data.invalidate()


def add_feed(url: str, kind: str, name: str, platform: str) -> int:
    n = feeds_store.add_feeds(data.store(), [{"url": url, "kind": kind, "name": name, "platform": platform}])
    data.invalidate()
    return n


def set_feed_enabled(url: str, enabled: bool) -> None:
    feeds_store.set_feed_enabled(data.store(), url, enabled)
    data.invalidate()


def remove_feed(url: str) -> None:
    feeds_store.remove_feed(data.store(), url)
    data.invalidate()


# ---------------------------------------------------------------- jobs
def request_run(job: str) -> int:
    request_id = _attr("core.store.job_runs", "request_run")(data.store(), job)
    data.invalidate()
    return request_id


# ---------------------------------------------------------------- discord
def post_items(kind: str, items: list[dict]):
    data.store().release()  # no store connection held while Discord answers
    result = _attr("core.publish", "post_items")(data.store(), data.current_settings(), kind, items)
    data.invalidate()
    return result


def post_digest():
    data.store().release()
    result = _attr("core.publish", "post_digest")(data.store(), data.current_settings())
    data.invalidate()
    return result


def retry_failed(keys: list[str] | None):
    data.store().release()
    result = _attr("core.publish", "retry_failed")(data.store(), data.current_settings(),
                                                   list(keys) if keys else None)
    data.invalidate()
    return result


# ---------------------------------------------------------------- exports
def export_to_folder(dataset: str, fmt: str, since, until, filters: dict[str, str]):
    """Write the export atomically into the exports folder; returns the ExportResult."""
    exports = _need("core.exports")
    settings = data.current_settings()
    out = settings.exports_path / exports.default_name(dataset, fmt)
    return exports.export_dataset(data.store(), dataset, fmt, out, since=since, until=until,
                                  filters=filters or None)
