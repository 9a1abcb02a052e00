"""All settings in one place: ``SIGNALDESK_*`` environment variables and a ``.env`` file.

Secrets are ``SecretStr``: they print as ``**********`` and never reach a log line.
``check_settings`` runs one list of checks (``CHECKS``; add one with ``@settings_check``) and
``load_settings`` names every problem at once, unreadable values included; check-config, the
runner, ``up``, ``once``, ``post`` and the dashboard all use them.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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
    # the monthly HN "Freelancer? Seeking freelancer?" and "Who is hiring?" threads, found each month
    "https://hn.algolia.com/api/v1/search_by_date?tags=story%2Cauthor_whoishiring&hitsPerPage=20",
]
# A freelance developer's profile (issue #14): broad on purpose — intent (request / offer / other)
# keeps competitors' ads and meta threads out of the inbox, so keywords only say "my kind of work".
# None exists to make the offline sample match; bench/leads_eval.py measures this profile.
DEFAULT_KEYWORDS = {
    "developer": 2.0,
    "programmer": 2.0,
    "python": 2.5,
    "web scraper": 2.5,
    "scraping": 2.0,
    "automation": 1.5,
    "script": 1.5,
    "bot": 2.0,
    "dashboard": 1.5,
    "website": 1.5,
    "web app": 2.0,
    "wordpress": 1.0,
    "api": 1.5,
    "database": 1.5,
    "data": 1.0,
    "app": 1.0,
}
WEBHOOK_RE = re.compile(
    r"^https://(?:(?:ptb|canary)\.)?discord(?:app)?\.com/api(?:/v\d+)?/webhooks/\d+/[\w-]+$"
)

# A webhook on this machine (a local fake or proxy) is allowed: lead payloads cannot leave it.
LOOPBACK_WEBHOOK_RE = re.compile(
    r"^https?://(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])(?::\d+)?(?:/[\w.-]+)*/webhooks/\d+/[\w-]+$"
)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SIGNALDESK_", env_file=".env", env_file_encoding="utf-8",
        extra="ignore", validate_default=True,
        # JSON values (lists, objects) are decoded by _json_values below, not by the env source:
        # a value that does not parse is then one named problem among all the others instead
        # of an exception that stops reading at the first bad variable
        enable_decoding=False,
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

    # job runner resilience (core/resilience.py)
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

    # traces (core/tracing.py): spans kept locally; exported over OTLP when the standard variable is set
    otlp_endpoint: str | None = Field(None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT", "SIGNALDESK_OTLP_ENDPOINT", "otlp_endpoint"), description="OTLP/HTTP collector base URL (the standard OTEL_EXPORTER_OTLP_ENDPOINT); spans go to <url>/v1/traces. Unset: spans stay local.")
    otlp_timeout_s: float = Field(5.0, gt=0, description="Timeout of one OTLP export request (runs in a background thread, never in a job).")
    trace_keep_days: float = Field(7.0, gt=0, description="Days of spans the local span table keeps.")
    trace_max_spans: int = Field(200_000, ge=100, description="Most spans the local span table keeps (the oldest go first).")
    # --- paid market-data and news vendors (issue #16; core/vendors, core/sources/prices|news) ---
    # Keys are secrets; limits default to each vendor's documented free tier (0 = no limit of
    # that kind); raise them for a paid plan. Chains: first provider that answers wins.
    price_providers: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["yahoo"], description="Price provider chain, in order (comma list): yahoo, polygon, alpha_vantage, finnhub, alpaca, nasdaq_data_link.")
    news_providers: Annotated[list[str], NoDecode] = Field(default_factory=list, description="Company-news provider chain per watchlist symbol (comma list): newsapi, finnhub, polygon, alpha_vantage, alpaca. Empty: RSS feeds only.")
    alpha_vantage_api_key: SecretStr | None = Field(None, description="Alpha Vantage API key (secret; sent as the apikey query parameter, masked in logs).")
    polygon_api_key: SecretStr | None = Field(None, description="Polygon.io API key (secret; sent as a Bearer header).")
    finnhub_api_key: SecretStr | None = Field(None, description="Finnhub API key (secret; sent as the X-Finnhub-Token header).")
    alpaca_api_key_id: SecretStr | None = Field(None, description="Alpaca API key id (secret; APCA-API-KEY-ID header).")
    alpaca_api_secret_key: SecretStr | None = Field(None, description="Alpaca API secret key (secret; APCA-API-SECRET-KEY header).")
    nasdaq_data_link_api_key: SecretStr | None = Field(None, description="Nasdaq Data Link API key (secret; api_key query parameter, masked in logs).")
    nasdaq_data_link_database: str = Field("EOD", description="Nasdaq Data Link database whose datasets are SYMBOL codes (legacy /api/v3/datasets/{db}/{code}).")
    newsapi_api_key: SecretStr | None = Field(None, description="NewsAPI.org key (secret; X-Api-Key header).")
    alpha_vantage_calls_per_minute: int = Field(5, ge=0, description="Alpha Vantage calls per minute (free tier 5).")
    alpha_vantage_calls_per_day: int = Field(25, ge=0, description="Alpha Vantage calls per day (free tier 25).")
    polygon_calls_per_minute: int = Field(5, ge=0, description="Polygon calls per minute (free tier 5; paid: 0 = unlimited).")
    polygon_calls_per_day: int = Field(0, ge=0, description="Polygon calls per day (free tier: no daily cap).")
    finnhub_calls_per_minute: int = Field(60, ge=0, description="Finnhub calls per minute (free tier 60).")
    finnhub_calls_per_day: int = Field(0, ge=0, description="Finnhub calls per day (free tier: no daily cap).")
    alpaca_calls_per_minute: int = Field(200, ge=0, description="Alpaca market-data calls per minute (free plan 200).")
    alpaca_calls_per_day: int = Field(0, ge=0, description="Alpaca calls per day (no daily cap).")
    nasdaq_data_link_calls_per_minute: int = Field(300, ge=0, description="Nasdaq Data Link calls per minute (keyed: 300 per 10 s, counted per minute here).")
    nasdaq_data_link_calls_per_day: int = Field(50000, ge=0, description="Nasdaq Data Link calls per day (keyed: 50,000).")
    newsapi_calls_per_minute: int = Field(0, ge=0, description="NewsAPI calls per minute (no per-minute cap).")
    newsapi_calls_per_day: int = Field(100, ge=0, description="NewsAPI calls per day (developer plan 100).")
    yahoo_calls_per_minute: int = Field(0, ge=0, description="Yahoo (yfinance) calls per minute (unofficial, no published limit).")
    yahoo_calls_per_day: int = Field(0, ge=0, description="Yahoo (yfinance) calls per day (unofficial, no published limit).")
    provider_base_urls: dict[str, str] = Field(default_factory=dict, description="Override a vendor's API base URL (JSON object, provider -> URL); tests point these at loopback fakes.")
    price_disagreement_pct: float = Field(0.5, gt=0, description="Two providers' closes of one bar differing by more than this percentage raise a data-quality alert.")

    @field_validator("price_providers", "news_providers", mode="before")
    @classmethod
    def _split_providers(cls, v):  # NoDecode: "yahoo,polygon" or a JSON list from the env
        if isinstance(v, str):
            text = v.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [s.strip().lower() for s in text.split(",") if s.strip()]
        return v

    @field_validator("price_providers", "news_providers")
    @classmethod
    def _known_providers(cls, v: list[str]) -> list[str]:
        from core.vendors.catalog import check_chain  # the one list of provider names

        return check_chain(v)
    # --- end of issue #16 settings ---
    # leads (issue #14): Reddit's official API, HN freelancer threads, instant lead alerts
    reddit_client_id: SecretStr | None = Field(None, description="Reddit app (script/installed) client id; with the secret, subreddits are read through Reddit's OAuth API instead of RSS (secret).")
    reddit_client_secret: SecretStr | None = Field(None, description="Reddit app client secret (secret).")
    reddit_user_agent: str = Field("signaldesk/0.1 (local lead inbox)", description="User agent Reddit's API rules require: '<app>/<version> (by /u/<your reddit name>)'.")
    reddit_api_base: str = Field("https://oauth.reddit.com", description="Reddit API base URL (tests point it at a local fake).")
    reddit_token_url: str = Field("https://www.reddit.com/api/v1/access_token", description="Reddit OAuth token endpoint.")
    reddit_max_pages: int = Field(5, ge=1, le=10, description="Listing pages (100 posts each) read back per subreddit and poll to reach the last post seen.")
    hn_thread_months: int = Field(1, ge=1, le=6, description="How many monthly HN 'Seeking freelancer?' / 'Who is hiring?' threads to read.")
    lead_alert_webhook_url: SecretStr | None = Field(None, description="Discord webhook for instant lead alerts (secret); unset = the posting webhook.")
    lead_alert_channel_id: int | None = Field(None, description="Channel for instant lead alerts with the bot token; unset = discord_channel_id.")
    lead_alert_threshold: float | None = Field(None, ge=0, description="Alert on a new request whose score is at least this; unset = no alerts.")
    lead_alert_max_per_hour: int = Field(10, ge=0, le=120, description="At most this many lead alerts per rolling hour.")

    @field_validator("*", mode="before")
    @classmethod
    def _json_values(cls, v, info):
        annotation = cls.model_fields[info.field_name].annotation
        complex_ = getattr(annotation, "__origin__", annotation) in (list, dict, set, tuple)
        if complex_ and isinstance(v, str) and v.strip()[:1] in ("[", "{"):
            try:
                return json.loads(v)
            except json.JSONDecodeError as exc:
                raise ValueError(f"not valid JSON ({exc.msg} at character {exc.pos})") from None
        return v

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
