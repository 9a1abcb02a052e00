"""All settings in one place: ``SIGNALDESK_*`` environment variables and a ``.env`` file.

Secrets are ``SecretStr``: they print as ``**********`` and never reach a log line.
``check_settings`` returns plain-language problems for ``python -m jobs check-config``.
"""
from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_WATCHLIST = ["AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "SPY"]
DEFAULT_NEWS_FEEDS = [
    "https://feeds.content.dowjones.io/public/rss/mw_topstories",
    "https://www.cnbc.com/id/100003114/device/rss/rss.html",
    "https://finance.yahoo.com/news/rssindex",
    "https://www.sec.gov/news/pressreleases.rss",
    "https://seekingalpha.com/market_currents.xml",
]
DEFAULT_LEAD_FEEDS = [
    "https://www.reddit.com/r/forhire/new/.rss",
    "https://www.reddit.com/r/slavelabour/new/.rss",
    "https://www.reddit.com/r/jobbit/new/.rss",
    "https://hnrss.org/newest?q=looking+for",
]
DEFAULT_KEYWORDS = {
    "looking for a developer": 3.0,
    "need a python developer": 3.0,
    "trading bot": 2.5,
    "discord bot": 2.5,
    "dashboard": 1.5,
    "web scraper": 2.0,
    "automation": 1.0,
    "data pipeline": 1.5,
    # the offline sample (data/sample/feeds/leads) holds HN "golang" posts and a reddit help thread
    "rest api": 1.5,
    "golang": 1.0,
    "ask hn": 1.0,
    "troubleshooting": 0.5,
}
WEBHOOK_RE = re.compile(
    r"^https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api(?:/v\d+)?/webhooks/\d+/[\w-]+$"
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SIGNALDESK_", env_file=".env", env_file_encoding="utf-8",
        extra="ignore", validate_default=True,
    )

    # where data lives
    data_dir: Path = Field(Path("var"), description="Folder for the store, logs and exports.")
    store_file: str = Field("signaldesk.duckdb", description="Store file name inside data_dir.")
    exports_dir: Path | None = Field(None, description="Export folder (default data_dir/exports).")
    store_lock_wait_s: float = Field(30.0, gt=0, description="How long to wait for another process's lock on the store.")

    # dashboard
    dashboard_host: str = Field("127.0.0.1", description="Address the dashboard binds to.")
    dashboard_port: int = Field(8501, description="Dashboard port.")

    # what to watch
    watchlist: list[str] = Field(default_factory=lambda: list(DEFAULT_WATCHLIST),
                                 description="Default symbols (JSON list), editable later in the store.")
    offline: bool = Field(False, description="Never touch the network; replay data/sample only.")

    # Discord (secrets)
    discord_webhook_url: SecretStr | None = Field(None, description="Webhook URL to post to (secret).")
    discord_bot_token: SecretStr | None = Field(None, description="Bot token, with discord_channel_id (secret).")
    discord_channel_id: int | None = Field(None, description="Channel the bot posts to.")
    discord_api_base: str = Field("https://discord.com/api/v10", description="Discord REST base URL for the bot path (tests point it at a local fake).")
    discord_send_timeout_s: float = Field(30.0, gt=0, description="Longest wait for one Discord message, discord.py's own retries included.")
    discord_deadline_s: float = Field(120.0, gt=0, description="Overall deadline of one Discord posting batch.")

    # schedules (cron-style 'minute hour day month day_of_week', or 'every Ns|Nm|Nh', or 'off')
    schedule_prices_intraday: str = Field("*/5 9-16 * * mon-fri", description="Intraday bars (US/Eastern market hours).")
    schedule_prices_daily: str = Field("30 16 * * mon-fri", description="Daily bars after the close.")
    schedule_news: str = Field("every 10m", description="News feeds.")
    schedule_leads: str = Field("every 5m", description="Lead feeds.")
    schedule_learn: str = Field("every 1h", description="Learned weights and signals.")
    schedule_digest: str = Field("off", description="Daily Discord digest.")
    schedule_export: str = Field("off", description="Rolling daily export.")
    market_timezone: str = Field("America/New_York", description="Timezone of cron schedules.")

    # timeouts and limits
    http_timeout_s: float = Field(15.0, gt=0, description="One HTTP request.")
    http_deadline_s: float = Field(60.0, gt=0, description="One source, all retries included.")
    http_max_bytes: int = Field(10_000_000, gt=0, description="Largest response body accepted.")
    http_concurrency: int = Field(12, ge=1, le=64, description="Requests in flight at once.")
    job_deadline_s: float = Field(300.0, gt=0, description="Overall deadline of one job run.")
    yahoo_timeout_s: float = Field(30.0, gt=0, description="Overall timeout of one yfinance call.")
    yahoo_history_days: int = Field(1825, ge=1, description="Days of daily bars the first price fetch of a symbol loads (intraday: as far as Yahoo serves).")
    stale_after_s: float = Field(3600.0, gt=0, description="A job with no success for this long is flagged stale.")
    export_keep_days: int = Field(90, ge=1, description="Days of rolling daily exports to keep.")

    # bookkeeping retention (core/store/bookkeeping.py; the learn job prunes, issue #18)
    keep_job_runs_days: int = Field(90, ge=1, description="Days of job run records kept (each job's last run and last success are always kept).")
    keep_job_requests_days: int = Field(7, ge=1, description="Days of picked 'run now' requests kept.")
    keep_source_state_days: int = Field(90, ge=1, description="Days an unpolled source's HTTP cache and health row is kept.")

    # job runner resilience (jobs/resilience.py)
    stale_after_overrides: dict[str, float] = Field(default_factory=dict, description="Per-job staleness threshold in seconds (JSON object, job name -> s).")
    job_retries: int = Field(2, ge=0, le=10, description="Retries of a job after a transient error (timeouts, connection errors, busy store).")
    retry_base_s: float = Field(2.0, gt=0, description="First retry back-off; doubles each attempt, with jitter.")
    retry_cap_s: float = Field(60.0, gt=0, description="Longest back-off between two retries.")
    breaker_failures: int = Field(3, ge=1, description="Consecutive failures after which a source (or job) is paused.")
    breaker_pause_s: float = Field(300.0, gt=0, description="First pause of a tripped source; doubles on each further failure.")
    breaker_max_pause_s: float = Field(6 * 3600.0, gt=0, description="Longest pause of a tripped source.")
    poll_min_s: float = Field(60.0, gt=0, description="Shortest adaptive poll interval of a busy feed.")
    poll_max_s: float = Field(3600.0, gt=0, description="Longest adaptive poll interval of a quiet feed.")
    runner_workers: int = Field(4, ge=1, le=32, description="Jobs the runner executes at once.")
    runner_request_poll_s: float = Field(2.0, gt=0, description="How often the runner looks for 'run now' requests.")
    runner_shutdown_grace_s: float = Field(8.0, ge=0, description="On SIGTERM, how long running jobs may finish before they are marked interrupted (the supervisor waits 10 s).")
    misfire_grace_s: float = Field(600.0, gt=0, description="A run missed by less than this (runner busy or down) still runs, once (coalesced).")

    # trading signals (core/signals)
    signal_horizon_days: int = Field(5, ge=1, le=60, description="Bars ahead a signal is scored against (its forward return).")
    signal_window_days: int = Field(250, ge=20, description="Bars of settled signals in each component's track record.")
    signal_shrink_n0: float = Field(200.0, ge=0, description="Pseudo-signals of shrinkage toward equal component weights.")

    @field_validator("watchlist", mode="before")
    @classmethod
    def _split_watchlist(cls, v):
        if isinstance(v, str) and not v.strip().startswith("["):
            return [s.strip() for s in v.split(",") if s.strip()]
        return v

    @field_validator("watchlist")
    @classmethod
    def _upper(cls, v: list[str]) -> list[str]:
        return [s.upper() for s in v]

    @property
    def store_path(self) -> Path:
        return self.data_dir / self.store_file

    @property
    def exports_path(self) -> Path:
        return self.exports_dir or self.data_dir / "exports"

    @property
    def dry_run(self) -> bool:
        return self.discord_webhook_url is None and self.discord_bot_token is None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def masked_report(settings: Settings) -> list[tuple[str, str]]:
    """(name, printable value) for every setting; secrets shown only as set/unset."""
    out = []
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            shown = "********** (set)" if value.get_secret_value() else "(empty)"
        elif value is None:
            shown = "(not set)"
        else:
            shown = str(value)
        out.append((name, shown))
    return out


_SCHEDULE_RE = re.compile(r"^(off|every \d+(\.\d+)?[smh])$")


def check_settings(settings: Settings) -> list[str]:
    """Every problem with the settings, in plain words. Empty when all is well."""
    problems: list[str] = []
    if not 1 <= settings.dashboard_port <= 65535:
        problems.append(f"dashboard_port {settings.dashboard_port} is out of range: use 1-65535.")
    if settings.discord_webhook_url is not None:
        url = settings.discord_webhook_url.get_secret_value()
        if not WEBHOOK_RE.match(url):
            problems.append(
                "discord_webhook_url is not a Discord webhook URL: expected "
                "https://discord.com/api/webhooks/<id>/<token>."
            )
    if settings.discord_bot_token is not None and settings.discord_channel_id is None:
        problems.append("discord_bot_token is set but discord_channel_id is not: the bot needs a channel.")
    for sym in settings.watchlist:
        if not re.fullmatch(r"[A-Z0-9.\-^=]{1,12}", sym):
            problems.append(f"watchlist symbol {sym!r} does not look like a ticker.")
    for name in type(settings).model_fields:
        if name.startswith("schedule_"):
            value = getattr(settings, name).strip()
            if not _SCHEDULE_RE.match(value) and len(value.split()) != 5:
                problems.append(
                    f"{name} {value!r} is not a schedule: use 'off', 'every 10m' or a 5-field cron line."
                )
    problems.extend(_check_writable(settings.data_dir, "data_dir"))
    return problems


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
