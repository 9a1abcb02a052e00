"""Turn store rows (leads, news, signals) and the daily digest into Discord payloads.

Pure functions: rows in (plain dicts or polars rows with the columns of the ``leads``, ``news``
and ``signals`` tables), payload dicts out (``content``, ``embeds``, ``allowed_mentions``), the
exact JSON the webhook / channel endpoint receives. The dashboard's preview renders these same
dicts, so what the operator sees is what Discord gets. Every scraped string goes through
``escape.safe_cut``; every embed through ``packer.clamp_embed``.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from core.publish.escape import safe, safe_cut, truncate
from core.publish.packer import (
    CONTENT_MAX,
    EMBED_TOTAL_MAX,
    EMBEDS_PER_MESSAGE,
    clamp_embed,
    dedupe_urls,
    pack,
)

ALLOWED_MENTIONS_NONE: dict = {"parse": []}
KINDS = ("lead", "news", "signal")
DIGEST_KIND = "digest"
ALERT_KIND = "alert"
UNTITLED = {"lead": "(untitled lead)", "news": "(untitled story)", "signal": "(unnamed signal)"}
HEADERS = {"lead": "New leads", "news": "News", "signal": "Signals", DIGEST_KIND: "Daily digest",
           ALERT_KIND: "Alert", "lead_alert": "New request"}

GREEN, RED, GREY, BLURPLE = 0x2ECC71, 0xE74C3C, 0x95A5A6, 0x5865F2
LEAD_BODY_MAX = 700
NEWS_SUMMARY_MAX = 500


def rows(items: Any) -> list[dict]:
    """Accept a list of dicts, a polars DataFrame, or any iterable of mappings."""
    if hasattr(items, "to_dicts"):
        return items.to_dicts()
    return [dict(r) for r in items]


def item_id(kind: str, row: dict) -> str:
    """The stable id of an item: the table's key (signals: symbol + day)."""
    if kind == "signal":
        return f"{row.get('symbol')}:{_day(row.get('day'))}"
    if row.get("id") in (None, ""):
        # no id (should not happen for stored rows): derive one from the content
        basis = f"{row.get('url')}|{row.get('title')}".encode("utf-8", "replace")
        return "sha1:" + hashlib.sha1(basis).hexdigest()
    return str(row["id"])


def _day(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _iso(value: Any) -> str | None:
    """Store times are naive UTC; say so explicitly (discord.py would read naive as local)."""
    if isinstance(value, datetime):
        v = value if value.tzinfo else value.replace(tzinfo=UTC)
        return v.isoformat()
    return None


def _num(value: Any, fmt: str = "{:+.2f}") -> str:
    try:
        return fmt.format(float(value)) if value is not None else "n/a"
    except (TypeError, ValueError):
        return "n/a"


def _sentiment_text(compound: Any, label: Any) -> str:
    lbl = safe(label) if label else ""
    return f"{lbl} ({_num(compound)})".strip() if lbl else _num(compound)


def _color(value: Any) -> int:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return GREY
    return GREEN if v > 0.05 else RED if v < -0.05 else GREY


def lead_embed(row: dict) -> dict:
    kws = row.get("matched_keywords") or []
    fields = [
        {"name": "Score", "value": _num(row.get("score"), "{:.1f}"), "inline": True},
        {"name": "Sentiment", "value": _sentiment_text(row.get("sentiment"), row.get("sentiment_label")),
         "inline": True},
    ]
    if kws:
        fields.append({"name": "Keywords", "value": truncate(", ".join(safe(k) for k in kws), 1024),
                       "inline": False})
    embed: dict = {
        "title": safe_cut(row.get("title"), 256, UNTITLED["lead"]),
        "url": row.get("url"),
        "description": safe_cut(row.get("body"), LEAD_BODY_MAX),
        "color": BLURPLE,
        "fields": fields,
        "footer": {"text": " · ".join(x for x in (safe(row.get("platform")), safe(row.get("source"))) if x)},
    }
    if row.get("author"):
        embed["author"] = {"name": safe_cut(row.get("author"), 256)}
    if _iso(row.get("posted_at")):
        embed["timestamp"] = _iso(row.get("posted_at"))
    return clamp_embed(embed)


def lead_alert_embed(row: dict) -> dict:
    """A lead embed plus why it is a request and why it ranks where it does (instant alert)."""
    embed = dict(lead_embed(row))
    extra = [{"name": "Intent", "value": safe_cut(f"{row.get('intent') or '?'} "
                                                  f"({_num(row.get('intent_confidence'), '{:.2f}')}): "
                                                  f"{row.get('intent_reason') or ''}", 1024), "inline": False}]
    embed["fields"] = list(embed.get("fields") or []) + extra
    return clamp_embed(embed)


def news_embed(row: dict) -> dict:
    tickers = row.get("tickers") or []
    sentiment = _sentiment_text(row.get("sentiment"), row.get("sentiment_label"))
    fields = [{"name": "Sentiment", "value": sentiment, "inline": True}]
    if tickers:
        fields.insert(0, {"name": "Tickers", "value": truncate(", ".join(safe(t) for t in tickers), 1024),
                          "inline": True})
    embed: dict = {
        "title": safe_cut(row.get("title"), 256, UNTITLED["news"]),
        "url": row.get("url"),
        "description": safe_cut(row.get("summary"), NEWS_SUMMARY_MAX),
        "color": _color(row.get("sentiment")),
        "fields": fields,
        "footer": {"text": safe_cut(row.get("source"), 2048)},
    }
    if _iso(row.get("published_at")):
        embed["timestamp"] = _iso(row.get("published_at"))
    return clamp_embed(embed)


def signal_embed(row: dict) -> dict:
    composite = row.get("composite")
    symbol = safe_cut(row.get("symbol"), 40)
    lean = {GREEN: "leaning long", RED: "leaning short"}.get(_color(composite), "neutral")
    title = f"{symbol} · composite {_num(composite)} ({lean})" if symbol else UNTITLED["signal"]
    fields = [{"name": name.capitalize(), "value": _num(row.get(name)), "inline": True}
              for name in ("trend", "reversion", "sentiment", "volume")]
    return clamp_embed({
        "title": truncate(title, 256),
        "color": _color(composite),
        "fields": fields,
        "footer": {"text": f"signal for {_day(row.get('day'))}"},
    })


EMBED_BUILDERS = {"lead": lead_embed, "news": news_embed, "signal": signal_embed}


def item_embed(kind: str, row: dict) -> dict:
    if kind not in EMBED_BUILDERS:
        raise ValueError(f"unknown kind {kind!r}: use one of {', '.join(KINDS)}")
    return EMBED_BUILDERS[kind](row)


def message(embeds: list[dict], content: str = "") -> dict:
    """One payload: the shape sent as JSON. ``allowed_mentions`` is always none."""
    payload: dict = {"content": truncate(content, CONTENT_MAX), "embeds": dedupe_urls(embeds),
                     "allowed_mentions": dict(ALLOWED_MENTIONS_NONE)}
    return payload


def pack_messages(kind: str, embeds: list[dict]) -> list[tuple[list[int], dict]]:
    """(indices of the embeds, payload) per message, in order, as few messages as the limits allow."""
    groups = pack(embeds)
    total = len(embeds)
    out = []
    for g in groups:
        header = f"**{HEADERS.get(kind, kind)}**"
        if len(groups) > 1:
            header += f" ({g[0] + 1}–{g[-1] + 1} of {total})"
        out.append((g, message([embeds[i] for i in g], header)))
    return out


def preview_items(kind: str, items: Any) -> list[dict]:
    """The payloads ``post_items`` would send for these rows (nothing is sent or stored)."""
    embeds = [item_embed(kind, r) for r in rows(items)]
    return [p for _, p in pack_messages(kind, embeds)]


# ---- daily digest -------------------------------------------------------------------------

_DIGEST_EMBED_BUDGET = EMBED_TOTAL_MAX // 3 - 10  # three embeds always fit one message


def digest_embeds(signals: Iterable[dict], leads: Iterable[dict], health: Iterable[dict],
                  day: date) -> list[dict]:
    """Top signals (with sentiment), top new leads and job health as three embeds."""
    signals = list(signals)[:10]
    days = sorted({_day(r.get("day")) for r in signals if r.get("day")})
    signal_day = days[-1] if days else day.isoformat()
    sig_title = f"Top signals · {signal_day}" + (
        " (latest available)" if signal_day != day.isoformat() else "")
    sig_fields = []
    for r in signals:
        sig_fields.append({
            "name": truncate(f"{safe(r.get('symbol'))} {_arrow(r.get('composite'))}", 256) or "?",
            "value": f"composite {_num(r.get('composite'))} · sentiment {_num(r.get('sentiment'))}",
            "inline": True,
        })
    lead_fields = []
    for r in list(leads)[:10]:
        link = r.get("url") if _plain_url(r.get("url")) else None
        value = f"score {_num(r.get('score'), '{:.1f}')} · {safe(r.get('platform')) or '?'}"
        if link:
            value += f" · [open]({link})"
        lead_fields.append({"name": safe_cut(r.get("title"), 256, UNTITLED["lead"]), "value": value,
                            "inline": False})
    job_fields = []
    for r in list(health)[:25]:
        status = str(r.get("last_status") or "never ran")
        mark = "✅" if status == "ok" else "⚠️" if status in ("partial", "skipped", "running") else "❌"
        value = f"{mark} {safe(status)}; {int(r.get('failures_24h') or 0)} failed in 24 h"
        if r.get("last_success_at"):
            value += f"; last success {r['last_success_at']:%Y-%m-%d %H:%M} UTC"
        if r.get("last_error") and status != "ok":
            value += f"\n{safe_cut(r.get('last_error'), 200)}"
        job_fields.append({"name": safe_cut(r.get("job"), 256, "?"), "value": value, "inline": False})
    embeds = [
        {"title": sig_title, "color": GREEN, "fields": sig_fields,
         "description": "" if sig_fields else "No signals computed yet."},
        {"title": "Top new leads", "color": BLURPLE, "fields": lead_fields,
         "description": "" if lead_fields else "No new leads."},
        {"title": "Job health", "color": GREY, "fields": job_fields,
         "description": "" if job_fields else "No job runs recorded."},
    ]
    return [clamp_embed(e, _DIGEST_EMBED_BUDGET) for e in embeds]


def digest_message(embeds: list[dict], day: date) -> dict:
    assert len(embeds) <= EMBEDS_PER_MESSAGE
    return message(embeds, f"**{HEADERS[DIGEST_KIND]}** for {day.isoformat()}")


def _arrow(value: Any) -> str:
    c = _color(value)
    return "▲" if c == GREEN else "▼" if c == RED else "■"


def _plain_url(url: Any) -> bool:
    return (isinstance(url, str) and url.startswith(("http://", "https://")) and len(url) <= 500
            and not any(ch.isspace() or ch in "()<>" for ch in url))


ALERT_TITLE = "signaldesk alert"
ALERT_TEXT_MAX = 4000  # under the 4096 description limit, with room for escapes


def alert_embed(text: object, at: datetime | None = None) -> dict:
    """One red embed for an operational alert (a stale job, ...): the text escaped like any
    scraped string, since job errors can quote feed content."""
    embed: dict = {"title": ALERT_TITLE, "color": RED,
                   "description": safe_cut(text, ALERT_TEXT_MAX, "(empty alert)")}
    if at is not None:
        embed["timestamp"] = _iso(at)
    return clamp_embed(embed)
