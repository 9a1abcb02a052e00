"""Instant alerts: a new request scoring at least the operator's threshold goes to Discord now.

Called by the leads job right after it stored the rows (same run), so the delay from a post
appearing to its alert is one poll interval plus the run (see bench/lead_alert_latency.py).
Rules: only ``intent = 'request'``; ``score >= SIGNALDESK_LEAD_ALERT_THRESHOLD``; at most
``SIGNALDESK_LEAD_ALERT_MAX_PER_HOUR`` alerts per rolling hour (the best first; the rest are
named in the run's reasons and stay in the inbox); each lead at most once per target, through
the publish ledger (``core.publish.ledger.apost_lead_alerts``), whose claim-before-send makes a
crash between sending and recording end as "unknown — check the channel", never a second post.
Scraped text is defused by the posting code (``core.publish.escape``), mentions are never
allowed. The alert goes to ``lead_alert_webhook_url`` / ``lead_alert_channel_id`` when set, else
to the normal posting target.
"""
from __future__ import annotations

from datetime import timedelta

from core.models import utcnow
from core.store import Store


def alert_settings(settings):
    """The settings with the alert's own webhook / channel swapped in, when configured."""
    update = {}
    if settings.lead_alert_webhook_url is not None:
        update = {"discord_webhook_url": settings.lead_alert_webhook_url, "discord_bot_token": None}
    elif settings.lead_alert_channel_id is not None and settings.discord_bot_token is not None:
        update = {"discord_channel_id": settings.lead_alert_channel_id, "discord_webhook_url": None}
    return settings.model_copy(update=update) if update else settings


def alert_new_leads(store: Store, settings, new_ids: list[str], now=None) -> list[str]:
    """Alert on the qualifying new leads; returns plain reasons for the run record."""
    from core.publish.ledger import LEAD_ALERT_KIND, post_lead_alerts
    from core.store.lead_alerts import alert_candidates, alerts_since

    if settings.lead_alert_threshold is None or not new_ids:
        return []
    now = now or utcnow()
    rows = alert_candidates(store, new_ids, settings.lead_alert_threshold)
    if rows.is_empty():
        return []
    room = max(0, settings.lead_alert_max_per_hour - alerts_since(store, LEAD_ALERT_KIND, now - timedelta(hours=1)))
    reasons = []
    if rows.height > room:
        reasons.append(f"lead alerts: {rows.height - room} over the limit of "
                       f"{settings.lead_alert_max_per_hour}/hour, not alerted (still in the inbox)")
        rows = rows.head(room)
    if rows.is_empty():
        return reasons
    report = post_lead_alerts(store, alert_settings(settings), rows)
    reasons.append(f"lead alerts: {report.summary()}")
    return reasons
