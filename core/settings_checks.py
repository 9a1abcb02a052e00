"""Whether the settings are usable: one list of checks (``CHECKS``), run by check-config,
``jobs run``/``up``/``post``/``bot``, the publisher and the dashboard alike, so none of them can
disagree. A new setting's rule is one more function decorated with ``@settings_check`` (it
returns its problems in plain words); ``load_settings`` names every problem at once, unreadable
values included. What the settings *are* lives in ``core.config``.
"""
from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError
from pydantic_settings.exceptions import SettingsError

from core.config import LOOPBACK_WEBHOOK_RE, WEBHOOK_RE, Settings

SettingsCheck = Callable[[Settings], list[str]]
CHECKS: list[SettingsCheck] = []


def settings_check(fn: SettingsCheck) -> SettingsCheck:
    """Add ``fn`` to the checks every entry point runs."""
    CHECKS.append(fn)
    return fn


def check_settings(settings: Settings) -> list[str]:
    """Every problem with the settings, in plain words. Empty when all is well."""
    problems: list[str] = []
    for check in CHECKS:
        try:
            problems.extend(check(settings))
        except Exception as exc:  # noqa: BLE001 - one broken check must not hide the others' findings
            problems.append(f"{check.__name__} could not run: {type(exc).__name__}")
    return problems


def load_settings(**overrides) -> tuple[Settings | None, list[str]]:
    """``(settings, problems)`` from the environment and ``.env``; settings is None when a value
    could not be read at all. Every unreadable value (a JSON list that does not parse, a number
    that is a word) is named with its variable, then the rest is read with that one at its
    default so the remaining checks still run: all problems come back in one list."""
    problems: list[str] = []
    fallback: dict = {}
    fields = Settings.model_fields
    settings = None
    for _ in range(len(fields) + 1):
        try:
            settings = Settings(**{**overrides, **fallback})
            break
        except SettingsError as exc:
            m = re.search(r'field "(\w+)"', str(exc))
            name = m.group(1) if m else None
            if name not in fields or name in fallback:
                problems.append(f"the settings could not be read: {str(exc)[:200]}")
                return None, problems
            cause = exc.__cause__
            why = f"not valid JSON ({cause})" if cause else "could not be parsed"
            problems.append(f"{env_name(name)}: {why}")
            fallback[name] = fields[name].get_default(call_default_factory=True)
        except ValidationError as exc:
            new = False
            for err in exc.errors():
                name = str(err.get("loc", ("?",))[0])
                if name in fields and name not in fallback:
                    problems.append(f"{env_name(name)}: {str(err.get('msg', 'invalid')).removeprefix('Value error, ')}")
                    fallback[name] = fields[name].get_default(call_default_factory=True)
                    new = True
            if not new:
                problems.append("the settings could not be read")
                return None, problems
    if settings is None:
        return None, problems
    problems.extend(check_settings(settings))
    return (None if fallback else settings), problems


def env_name(field: str) -> str:
    return f"SIGNALDESK_{field.upper()}"


@settings_check
def _port(settings: Settings) -> list[str]:
    if not 1 <= settings.dashboard_port <= 65535:
        return [f"dashboard_port {settings.dashboard_port} is out of range: use 1-65535."]
    return []


@settings_check
def webhook_problems(settings: Settings) -> list[str]:
    """Also run by the publisher before every send (``core.publish.deliver.transport_for``)."""
    problems = []
    if settings.discord_webhook_url is not None:
        url = settings.discord_webhook_url.get_secret_value()
        if not (WEBHOOK_RE.match(url) or LOOPBACK_WEBHOOK_RE.match(url)):
            problems.append(
                "discord_webhook_url is not a Discord webhook URL: expected "
                "https://discord.com/api/webhooks/<id>/<token>."
            )
    if settings.discord_bot_token is not None and settings.discord_channel_id is None:
        problems.append("discord_bot_token is set but discord_channel_id is not: the bot needs a channel.")
    return problems


@settings_check
def _watchlist(settings: Settings) -> list[str]:
    return [f"watchlist symbol {sym!r} does not look like a ticker." for sym in settings.watchlist
            if not re.fullmatch(r"[A-Z0-9.\-^=]{1,12}", sym)]


@settings_check
def _time_zone(settings: Settings) -> list[str]:
    try:
        ZoneInfo(settings.market_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [f"market_timezone {settings.market_timezone!r} is not a known time zone "
                "(use an IANA name such as America/New_York)."]
    return []


@settings_check
def _schedules(settings: Settings) -> list[str]:
    """The runner's own parser (jobs.schedule), so check-config and the runner cannot disagree."""
    from jobs.schedule import ScheduleError, parse_schedule

    try:
        ZoneInfo(settings.market_timezone)
        tz = settings.market_timezone
    except (ZoneInfoNotFoundError, ValueError):
        tz = "UTC"  # named by _time_zone; still check the fields themselves
    problems = []
    for name in type(settings).model_fields:
        if name.startswith("schedule_"):
            try:
                parse_schedule(getattr(settings, name), tz)
            except ScheduleError as exc:
                problems.append(f"{name} is not a schedule: {exc} (use 'off', 'every 10m' or a "
                                "5-field cron line).")
    return problems


@settings_check
def _reddit_and_lead_alerts(settings: Settings) -> list[str]:
    """Reddit's API needs both halves of its credentials; alerts go to a Discord webhook."""
    problems = []
    if (settings.reddit_client_id is None) != (settings.reddit_client_secret is None):
        problems.append("set both reddit_client_id and reddit_client_secret (or neither: RSS is used).")
    if settings.lead_alert_webhook_url is not None:
        url = settings.lead_alert_webhook_url.get_secret_value()
        if not (WEBHOOK_RE.match(url) or LOOPBACK_WEBHOOK_RE.match(url)):
            problems.append("lead_alert_webhook_url is not a Discord webhook URL: expected "
                            "https://discord.com/api/webhooks/<id>/<token>.")
    return problems


@settings_check
def _providers(settings: Settings) -> list[str]:
    """Provider chains need their keys, each provider in the chain of its kind (issue #16)."""
    from core.vendors.catalog import provider_problems

    return provider_problems(settings)


@settings_check
def _deadlines(settings: Settings) -> list[str]:
    if settings.job_deadline_s <= settings.http_deadline_s:
        return [f"job_deadline_s {settings.job_deadline_s:g} is not above http_deadline_s "
                f"{settings.http_deadline_s:g}: one hung feed would end the job and lose the other "
                "feeds' items; raise job_deadline_s (or lower http_deadline_s)."]
    return []


@settings_check
def data_dir_problems(settings: Settings) -> list[str]:
    """Every command needs this one: a data folder that is a file or read-only."""
    return _check_writable(settings.data_dir, "data_dir")


def _check_writable(path: Path, label: str) -> list[str]:
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        return [f"{label} {path} is not a folder."]
    if not os.access(probe, os.W_OK):
        return [f"{label} {path} is not writable by this user."]
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        return [f"{label} {path} is not writable: {exc.strerror}."]
    return []
