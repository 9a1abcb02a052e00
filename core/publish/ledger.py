"""Exactly-once posting: the rules around the ``posts`` ledger.

Each item/target pair has an idempotency key, sha256(kind, item id, target), where the target
is a non-secret label (``webhook:<id>``, ``channel:<id>``, ``dry-run``), never a token. A row is
claimed as ``pending`` before its message leaves and becomes ``sent`` (with the Discord message
id, shared by every item packed into that message) or ``failed`` (with the reason). Anything
already sent, pending or unknown is skipped, so a double click or a re-run posts nothing twice.
A crash between sending and recording leaves ``pending``; ``recover_unknown`` turns stale ones
into ``unknown`` ("check the channel") and they are never re-sent automatically. Failures whose
request got no answer ("timeout", "disconnected") may have been posted: ``retry_failed`` leaves
them alone unless their keys are named explicitly.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core import tracing
from core.aio import run_sync
from core.models import PostStatus, utcnow
from core.publish import deliver as dl
from core.publish import messages as msg
from core.store import Store
from core.store import digest as digest_store
from core.store import posts as ledger_sql

log = logging.getLogger(__name__)

DRY_RUN_TARGET = "dry-run"
DRY_RUN_REASON = "no webhook or bot configured — set SIGNALDESK_DISCORD_WEBHOOK_URL"
UNKNOWN_REASON = "unknown — check the channel (the run stopped between sending and recording)"
STALE_PENDING_S = 600.0
SKIPPED = "skipped"


@dataclass
class PostOutcome:
    key: str
    kind: str
    item_id: str
    status: str  # sent | failed | skipped | preview
    reason: str | None = None
    message_id: str | None = None


@dataclass
class PostReport:
    target: str
    dry_run: bool = False
    reason: str | None = None
    outcomes: list[PostOutcome] = field(default_factory=list)
    api_calls: int = 0
    messages: int = 0
    elapsed_s: float = 0.0
    payloads: list[dict] = field(default_factory=list)  # what was (or would be) sent

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(o.status for o in self.outcomes))

    @property
    def ok(self) -> bool:
        """Nothing failed, and (outside a dry run) the configuration was usable."""
        if self.target == "(not configured)":
            return False
        return not any(o.status == PostStatus.FAILED.value for o in self.outcomes)

    def summary(self) -> str:
        parts = ", ".join(f"{n} {s}" for s, n in sorted(self.counts.items())) or "nothing to post"
        text = f"{self.target}: {parts}; {self.messages} message(s), {self.api_calls} API call(s)"
        return f"{text} — {self.reason}" if self.reason else text


def target_label(settings) -> str:
    """The non-secret name of where posts go (part of every idempotency key)."""
    if settings.discord_webhook_url is not None:
        return dl.parse_webhook_url(settings.discord_webhook_url.get_secret_value()).target
    if settings.discord_bot_token is not None:
        return f"channel:{settings.discord_channel_id}"
    return DRY_RUN_TARGET


def idempotency_key(kind: str, item_id: str, target: str) -> str:
    return hashlib.sha256(f"{kind}\x1f{item_id}\x1f{target}".encode()).hexdigest()[:40]


# ---- public operations --------------------------------------------------------------------

def post_items(store: Store, settings, kind: str, items: Any) -> PostReport:
    return run_sync(apost_items(store, settings, kind, items))


async def apost_items(store: Store, settings, kind: str, items: Any) -> PostReport:
    """Post leads / news / signals (rows of their tables), packed, each at most once per target."""
    if kind not in msg.KINDS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(msg.KINDS)}")
    units = []
    seen: set[str] = set()
    for row in msg.rows(items):
        iid = msg.item_id(kind, row)
        if iid in seen:
            continue
        seen.add(iid)
        units.append((kind, iid, [msg.item_embed(kind, row)]))
    return await _post_units(store, settings, units)


def post_digest(store: Store, settings, now: datetime | None = None) -> PostReport:
    return run_sync(apost_digest(store, settings, now))


async def apost_digest(store: Store, settings, now: datetime | None = None) -> PostReport:
    """Post today's digest once per day and target."""
    data = digest_store.digest_data(store, now=now)
    embeds = msg.digest_embeds(data.signals, data.leads, data.health, data.day)
    return await _post_units(store, settings, [(msg.DIGEST_KIND, data.day.isoformat(), embeds)])


def post_alert(store: Store, settings, text: str, now: datetime | None = None) -> PostReport:
    return run_sync(apost_alert(store, settings, text, now))


async def apost_alert(store: Store, settings, text: str, now: datetime | None = None) -> PostReport:
    """Post an operational alert (one embed) at most once per (text fingerprint, UTC day) and
    target, so a condition re-checked every minute (a stale job) reaches the channel once a day;
    without a webhook or bot it is a recorded preview (dry run)."""
    now = now or utcnow()
    item = f"{now.date().isoformat()}:{alert_fingerprint(text)}"
    return await _post_units(store, settings, [(msg.ALERT_KIND, item, [msg.alert_embed(text, now)])])


LEAD_ALERT_KIND = "lead_alert"


def post_lead_alerts(store: Store, settings, rows: Any) -> PostReport:
    return run_sync(apost_lead_alerts(store, settings, rows))


async def apost_lead_alerts(store: Store, settings, rows: Any) -> PostReport:
    """Instant alerts for new requests (``core.leads.alerts``): one embed per lead, packed, each
    at most once per lead and target through the same ledger (claimed before sending; a crash
    between send and record leaves it pending -> unknown, never re-sent)."""
    units = [(LEAD_ALERT_KIND, msg.item_id("lead", row), [msg.lead_alert_embed(row)]) for row in msg.rows(rows)]
    return await _post_units(store, settings, units)


def alert_fingerprint(text: str) -> str:
    """Case, spacing and numbers ignored: "news: last success 2.1 h ago" and, after a restart,
    "... 2.4 h ago" are the same alert."""
    basis = re.sub(r"\d+(?:[.,]\d+)*", "#", " ".join(str(text).lower().split()))
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def preview_digest(store: Store, now: datetime | None = None) -> list[dict]:
    data = digest_store.digest_data(store, now=now)
    return [msg.digest_message(msg.digest_embeds(data.signals, data.leads, data.health, data.day), data.day)]


def recover_unknown(store: Store, stale_after_s: float = STALE_PENDING_S,
                    now: datetime | None = None) -> list[str]:
    """``pending`` rows older than ``stale_after_s`` (a crashed run) become ``unknown``."""
    now = now or utcnow()
    keys = ledger_sql.pending_to_unknown(store, now - timedelta(seconds=stale_after_s), UNKNOWN_REASON, now)
    if keys:
        log.warning("posts left pending by a stopped run marked unknown", extra={"count": len(keys)})
    return keys


def retry_failed(store: Store, settings, keys: list[str] | None = None) -> PostReport:
    return run_sync(aretry_failed(store, settings, keys))


async def aretry_failed(store: Store, settings, keys: list[str] | None = None) -> PostReport:
    """Re-send failed posts of the configured target from their stored payloads.

    Without ``keys``: every failure that certainly did not post. Failures that may have posted
    (timeout, dropped connection) are retried only when their keys are named.
    """
    try:
        target = target_label(settings)
    except dl.DeliveryError as exc:
        return PostReport(target="(not configured)", reason=str(exc))
    report = PostReport(target=target, dry_run=settings.dry_run)
    if settings.dry_run:
        report.reason = DRY_RUN_REASON
        return report
    failed = ledger_sql.post_history(store, limit=100_000, status=PostStatus.FAILED.value)
    candidates = []
    for r in failed.filter(failed["target"] == target).sort("created_at").to_dicts():
        code = (r["error"] or "").split(":", 1)[0]
        if keys is None and code in dl.AMBIGUOUS_CODES:
            report.outcomes.append(PostOutcome(r["idempotency_key"], r["kind"], r["item_id"] or "", SKIPPED,
                                               f"may have been posted ({r['error']}); name its key to retry"))
            continue
        if keys is None or r["idempotency_key"] in keys:
            candidates.append(r["idempotency_key"])
    claimed = ledger_sql.claim_failed(store, candidates) if candidates else []
    units = [(r["kind"], r["item_id"], json.loads(r["payload"]), r["idempotency_key"]) for r in claimed]
    plan, owners = _plan([(k, i, e) for k, i, e, _ in units], [key for *_, key in units])
    sub = await _send(store, settings, plan, owners, target)
    report.outcomes += sub.outcomes
    report.api_calls, report.messages, report.elapsed_s, report.payloads = (
        sub.api_calls, sub.messages, sub.elapsed_s, sub.payloads)
    return report


# ---- internals ----------------------------------------------------------------------------

def _plan(units: list[tuple[str, str, list[dict]]], keys: list[str]):
    """Messages for the units, in order: consecutive single-embed units of one kind are packed
    together; multi-embed units (the digest) travel alone. Returns (plan, {key: unit})."""
    plan: list[dl.Planned] = []
    owners = {k: u for k, u in zip(keys, units)}
    i = 0
    while i < len(units):
        kind, _, embeds = units[i]
        if len(embeds) != 1:
            plan.append(dl.Planned([keys[i]], msg.message(embeds, f"**{msg.HEADERS.get(kind, kind)}**")))
            i += 1
            continue
        j = i
        while j < len(units) and units[j][0] == kind and len(units[j][2]) == 1:
            j += 1
        run_embeds = [u[2][0] for u in units[i:j]]
        for idx, payload in msg.pack_messages(kind, run_embeds):
            plan.append(dl.Planned([keys[i + n] for n in idx], payload))
        i = j
    return plan, owners


async def _post_units(store: Store, settings, units: list[tuple[str, str, list[dict]]]) -> PostReport:
    try:
        target = target_label(settings)
    except dl.DeliveryError as exc:  # unusable webhook URL: nothing can be sent or recorded
        return PostReport(target="(not configured)", reason=str(exc), outcomes=[
            PostOutcome("", k, i, SKIPPED, f"not posted: {exc}") for k, i, _ in units])
    keys = [idempotency_key(k, i, target) for k, i, _ in units]
    rows = [{"idempotency_key": key, "target": target, "kind": k, "item_id": i, "payload": json.dumps(e)}
            for key, (k, i, e) in zip(keys, units)]
    if settings.dry_run:
        ledger_sql.record_previews(store, rows)
        plan, _ = _plan(units, keys)
        return PostReport(
            target=target, dry_run=True, reason=DRY_RUN_REASON, messages=len(plan),
            payloads=[p.payload for p in plan],
            outcomes=[PostOutcome(key, k, i, PostStatus.PREVIEW.value, DRY_RUN_REASON)
                      for key, (k, i, _) in zip(keys, units)])
    recover_unknown(store)
    report = PostReport(target=target)
    before = ledger_sql.statuses(store, keys)
    fresh = [r for r in rows if r["idempotency_key"] not in before]
    owned = ledger_sql.claim_new(store, fresh)
    send_units, send_keys = [], []
    for key, unit in zip(keys, units):
        if key in owned:
            send_units.append(unit)
            send_keys.append(key)
        else:
            status = before.get(key, "pending")
            report.outcomes.append(PostOutcome(key, unit[0], unit[1], SKIPPED, _skip_reason(status)))
    plan, owners = _plan(send_units, send_keys)
    sub = await _send(store, settings, plan, owners, target)
    report.outcomes += sub.outcomes
    report.api_calls, report.messages, report.elapsed_s, report.payloads = (
        sub.api_calls, sub.messages, sub.elapsed_s, sub.payloads)
    return report


def _skip_reason(status: str) -> str:
    return {
        PostStatus.SENT.value: "already sent to this target",
        PostStatus.PENDING.value: "being sent by another run (pending)",
        PostStatus.UNKNOWN.value: "unknown — check the channel; not re-sent automatically",
        PostStatus.FAILED.value: "failed earlier; use retry",
    }.get(status, f"already recorded as {status}")


async def _send(store: Store, settings, plan: list[dl.Planned], owners: dict, target: str) -> PostReport:
    if not plan:
        return PostReport(target=target, messages=0, payloads=[])
    with tracing.span("discord batch", {"signaldesk.discord.target": target,
                                        "signaldesk.discord.messages": len(plan)}) as sp:
        report = await _send_plan(store, settings, plan, owners, target)
        counts = report.counts
        tracing.set_attributes(sp, {"signaldesk.discord.api_calls": report.api_calls,
                                    **{f"signaldesk.posts.{k}": v for k, v in counts.items()}})
        tracing.set_error(sp, report.reason or ("some posts failed" if counts.get("failed") else None))
    tracing.save_local(store, settings)  # a batch from the dashboard or the CLI has no job run to do it
    return report


async def _send_plan(store: Store, settings, plan: list[dl.Planned], owners: dict, target: str) -> PostReport:
    report = PostReport(target=target, messages=len(plan), payloads=[p.payload for p in plan])

    def record(d: dl.Delivered) -> None:
        if d.error is None:
            ledger_sql.mark_sent(store, d.planned.keys, d.message_id)
        else:
            ledger_sql.mark_failed(store, d.planned.keys, str(d.error))
        for key in d.planned.keys:
            kind, iid, _ = owners[key]
            report.outcomes.append(PostOutcome(
                key, kind, iid, PostStatus.SENT.value if d.error is None else PostStatus.FAILED.value,
                None if d.error is None else str(d.error), d.message_id))

    started = time.monotonic()
    try:
        transport = dl.transport_for(settings)
    except dl.DeliveryError as exc:
        for p in plan:
            record(dl.Delivered(p, error=exc))
        report.reason = str(exc)
        return report
    with dl.api_base(dl.base_for(settings, transport)):
        result = await dl.deliver(transport, plan, settings.discord_deadline_s, record)
    report.api_calls = result.api_calls
    report.elapsed_s = time.monotonic() - started
    log.info("discord batch done", extra={"target": target, "messages": len(plan),
                                          "api_calls": result.api_calls, "counts": report.counts})
    return report
