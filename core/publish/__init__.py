"""Posting to Discord: the only code in signaldesk that talks to Discord.

Pipeline (MonitoRSS-style separate steps): rows -> embeds (``messages``, with ``escape``) ->
messages packed under Discord's limits (``packer``) -> claimed in the ledger (``ledger`` +
``core/store/posts.py``) -> delivered through discord.py (``deliver``, paced by ``pacing``) ->
recorded as sent or failed with the reason. ``check`` verifies the configuration without
posting. Operational alerts (a stale job) take the same path as one embed (``post_alert``).
"""
from __future__ import annotations

from core.publish.check import acheck_discord, check_discord
from core.publish.ledger import (
    DRY_RUN_REASON,
    PostOutcome,
    PostReport,
    apost_alert,
    apost_digest,
    apost_items,
    aretry_failed,
    idempotency_key,
    post_alert,
    post_digest,
    post_items,
    preview_digest,
    recover_unknown,
    retry_failed,
    target_label,
)
from core.publish.messages import preview_items
from core.store.posts import post_history

__all__ = [
    "DRY_RUN_REASON", "PostOutcome", "PostReport", "acheck_discord", "apost_alert", "apost_digest",
    "apost_items", "aretry_failed", "check_discord", "idempotency_key", "post_alert", "post_digest",
    "post_history", "post_items", "preview_digest", "preview_items", "recover_unknown", "retry_failed", "target_label",
]
