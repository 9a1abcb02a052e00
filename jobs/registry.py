"""Which jobs exist, what each calls and which setting holds its schedule.

Job bodies live in ``core``; each is imported inside its job so a missing or broken module
becomes a recorded failed run rather than a runner that cannot start. A job body takes
``(store, settings)`` and returns what it did (``SourceCounts``, a dict, a report object).

A different registry can be handed to ``Runner(settings, registry=...)`` or to the CLI as
``--registry module:attribute`` (a dict of ``JobSpec`` or a function of settings returning
one); tests use this seam to run small demo jobs through the real runner.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DAY = 86400.0


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[[Any, Any], Any]  # (store, settings) -> counts / report
    description: str
    schedule_setting: str | None = None  # name of the Settings field holding the schedule
    schedule: str | None = None  # fixed schedule, when there is no setting
    stale_after_s: float | None = None  # default threshold; settings.stale_after_overrides wins
    market_hours: str | None = None  # "session" / "day": cron times kept only on XNYS sessions

    def trigger(self, settings):
        """The schedule's trigger, on the exchange calendar for market-hours jobs (None: off).
        Raises ScheduleError for a schedule that does not parse."""
        from jobs.market_calendar import restrict
        from jobs.schedule import parse_schedule

        return restrict(parse_schedule(self.schedule_text(settings), settings.market_timezone),
                        self.market_hours)

    def schedule_text(self, settings) -> str:
        if self.schedule_setting:
            return str(getattr(settings, self.schedule_setting))
        return self.schedule or "off"

    def stale_threshold_s(self, settings) -> float:
        overrides = getattr(settings, "stale_after_overrides", {}) or {}
        if self.name in overrides:
            return float(overrides[self.name])
        return float(self.stale_after_s or settings.stale_after_s)


def _prices_intraday(store, settings):
    from core.prices import ingest_prices

    return ingest_prices(store, settings, interval="5m")


def _prices_daily(store, settings):
    from core.prices import ingest_prices

    return ingest_prices(store, settings, interval="1d")


def _news(store, settings):
    from core.feed_polling import ingest_news

    if not getattr(settings, "news_providers", None):
        return ingest_news(store, settings)
    from core.vendors.news_chain import ingest_vendor_news  # issue #16: company news by vendor

    return {"rss": ingest_news(store, settings), "vendors": ingest_vendor_news(store, settings)}


def _leads(store, settings):
    from core.feed_polling import ingest_leads

    return ingest_leads(store, settings)


def _learn(store, settings):
    from core import signals
    from core.leads import learning
    from core.models import utcnow
    from core.store import bookkeeping

    return {"learning": learning.refresh(store), "signals": signals.refresh(store, settings),
            "pruned": bookkeeping.prune_with(store, settings, utcnow())}


class PostingFailed(RuntimeError):
    """A job's Discord post did not go out. Not retried by the runner: the ledger already holds
    the failure (``python -m jobs post retry`` re-sends it)."""

    transient = False


def post_summary(report) -> dict:
    """The run record of a posting job: a summary of the ``PostReport`` (not its message bodies).

    Raises ``PostingFailed`` with the ledger's reasons when anything failed or the Discord
    configuration is unusable, so the run is recorded as failed instead of "ok".
    """
    summary = {"target": report.target, "dry_run": report.dry_run, "messages": report.messages,
               "api_calls": report.api_calls, "posts": report.counts}
    if not report.ok:
        reasons = sorted({o.reason for o in report.outcomes if o.status == "failed" and o.reason})
        raise PostingFailed("; ".join([report.summary(), *reasons]))
    return summary


def _digest(store, settings):
    from core.publish import post_digest

    return post_summary(post_digest(store, settings))


def _export(store, settings):
    from core.exports import rolling_daily_export

    return rolling_daily_export(store, settings)


def default_registry(settings=None) -> dict[str, JobSpec]:
    # Intraday bars only arrive on market days, so "stale" there means a long weekend, not an hour.
    specs = [
        JobSpec("prices_intraday", _prices_intraday, "5-minute bars for the watchlist during market hours.",
                "schedule_prices_intraday", stale_after_s=4 * DAY, market_hours="session"),
        JobSpec("prices_daily", _prices_daily, "Daily bars after the close.",
                "schedule_prices_daily", stale_after_s=4 * DAY, market_hours="day"),
        JobSpec("news", _news, "Financial news feeds: fetch, dedup, score sentiment.", "schedule_news"),
        JobSpec("leads", _leads, "Lead feeds: fetch, dedup, match keywords, score.", "schedule_leads"),
        JobSpec("learn", _learn, "Learned keyword weights and trading signals; prunes old bookkeeping.",
                "schedule_learn", stale_after_s=3 * 3600.0),
        JobSpec("digest", _digest, "Daily Discord digest (off by default).", "schedule_digest",
                stale_after_s=2 * DAY),
        JobSpec("export", _export, "Rolling daily CSV/Parquet export (off by default).", "schedule_export",
                stale_after_s=2 * DAY),
    ]
    return {s.name: s for s in specs}


def load_registry(ref: str | None, settings=None) -> dict[str, JobSpec]:
    """``None`` -> the default registry; ``"pkg.module:attr"`` -> that dict or factory's result."""
    if not ref:
        return default_registry(settings)
    module_name, _, attr = ref.partition(":")
    try:
        obj = getattr(importlib.import_module(module_name), attr or "registry")
    except (ImportError, AttributeError) as exc:
        raise RegistryError(f"cannot load the job registry {ref!r}: {exc}") from exc
    registry = obj(settings) if callable(obj) else obj
    if not isinstance(registry, dict) or not all(isinstance(v, JobSpec) for v in registry.values()):
        raise RegistryError(f"{ref} is not a dict of JobSpec")
    return registry


class RegistryError(TypeError):
    """``--registry`` names something that is not a job registry (said in words)."""
