"""Send planned messages to Discord through discord.py, in order, never hanging.

Two transports: a webhook (default) through ``discord.Webhook.partial(id, token, session=...)``
with ``wait=True`` so Discord returns the message id; or a bot through a logged-in
``discord.Client`` used over REST only (``client.login(token)``, no gateway) and
``client.get_partial_messageable(channel_id).send(...)`` — no channel fetch, one request per
message. discord.py handles 429s (it sleeps ``retry_after``) and retries some 5xx; on top of it
a per-target ``Pacer`` (``pacing``) waits when the last answer said ``X-RateLimit-Remaining: 0`` (it also
remembers that across runs in one process), every message has a timeout and the batch an
overall deadline (``asyncio.wait_for``). An aiohttp trace counts every HTTP request and tells
whether a failed request was answered — a request that got no answer may still have posted,
and the reason says so.
"""
from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiohttp
import discord
from discord.http import HTTPClient, Route, handle_message_parameters
from opentelemetry.trace import SpanKind

from core import tracing
from core.publish.pacing import CallTracker, Pacer
from core.publish.packer import CONTENT_MAX

log = logging.getLogger(__name__)

DEFAULT_API_BASE = Route.BASE
_WEBHOOK_PATH = re.compile(r"^(?P<base>.*)/webhooks/(?P<id>\d+)/(?P<token>[\w.\-]+)/?$")
_DISCORD_HOSTS = {"discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"}
AMBIGUOUS_CODES = {"timeout", "disconnected"}  # the message may have been posted
FATAL_CODES = {"not_found", "unauthorized", "forbidden"}


class _RedactWebhookTokens(logging.Filter):
    """discord.py logs webhook URLs (token included) at DEBUG: mask the token in those records."""

    _TOKEN = re.compile(r"(/webhooks/\d+/)[\w.\-]+")

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        masked = self._TOKEN.sub(r"\1***", text)
        if masked != text:
            record.msg, record.args = masked, ()
        return True


for _name in ("discord.webhook.async_", "discord.http"):
    logging.getLogger(_name).addFilter(_RedactWebhookTokens())

_route_lock = threading.RLock()  # Route.BASE is process-global: one base at a time


class DeliveryError(Exception):
    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code, self.reason = code, reason

    @property
    def ambiguous(self) -> bool:
        return self.code in AMBIGUOUS_CODES


@dataclass(frozen=True)
class WebhookRef:
    id: int
    token: str
    base: str  # REST base the webhook lives under

    @property
    def target(self) -> str:
        return f"webhook:{self.id}"


def parse_webhook_url(url: str) -> WebhookRef:
    """Accept any ``.../webhooks/<id>/<token>`` URL. For Discord's own hosts the API base is
    discord.py's (versioned) default; any other host (a proxy, the test fake) is used as given."""
    parts = urlsplit(url)
    m = _WEBHOOK_PATH.match(parts.path)
    if parts.scheme not in ("http", "https") or not m:
        raise DeliveryError("bad_config", "the webhook URL does not look like .../webhooks/<id>/<token>")
    if parts.hostname in _DISCORD_HOSTS:
        base = DEFAULT_API_BASE
    else:
        base = f"{parts.scheme}://{parts.netloc}{m.group('base')}"
    return WebhookRef(int(m.group("id")), m.group("token"), base)


# ---- transports ---------------------------------------------------------------------------

def _embeds(payload: dict) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in payload.get("embeds") or []]


def _send_kwargs(payload: dict) -> dict:
    kw: dict = {"embeds": _embeds(payload), "allowed_mentions": discord.AllowedMentions.none()}
    content = (payload.get("content") or "")[:CONTENT_MAX]
    if content:
        kw["content"] = content
    return kw


class Transport:
    """Base: ``open``/``close`` around a batch, ``send(payload) -> message id``."""

    target: str = ""
    secret: str = ""

    def __init__(self, send_timeout_s: float):
        self.tracker = CallTracker()
        self.send_timeout_s = send_timeout_s
        self.pacer = Pacer.for_target(self.target)
        self.tracker.on_headers = self.pacer.observe

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def _send(self, payload: dict, nonce: str | None = None) -> str: raise NotImplementedError


class WebhookTransport(Transport):
    def __init__(self, url: str, send_timeout_s: float):
        self.ref = parse_webhook_url(url)
        self.target, self.secret = self.ref.target, self.ref.token
        super().__init__(send_timeout_s)
        self.session: aiohttp.ClientSession | None = None

    async def open(self) -> None:
        self.session = aiohttp.ClientSession(trace_configs=[self.tracker.trace_config()],
                                             timeout=aiohttp.ClientTimeout(total=self.send_timeout_s))
        self.webhook = discord.Webhook.partial(self.ref.id, self.ref.token, session=self.session)

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()

    async def _send(self, payload: dict, nonce: str | None = None) -> str:
        msg = await self.webhook.send(wait=True, **_send_kwargs(payload))
        return str(msg.id)


class BotTransport(Transport):
    """REST only through ``discord.http.HTTPClient``: ``static_login`` (GET users/@me) once per
    batch, then one POST channels/{id}/messages per message — no gateway, no channel fetch, no
    application-info call (``Client.login`` would add one). Each message carries a ``nonce``
    with ``enforce_nonce`` so Discord itself drops a duplicate retried within its nonce window."""

    def __init__(self, token: str, channel_id: int, send_timeout_s: float):
        self.target, self.secret, self.channel_id = f"channel:{channel_id}", token, channel_id
        super().__init__(send_timeout_s)
        self.http: HTTPClient | None = None
        self.user: dict = {}

    async def open(self) -> None:
        self.http = HTTPClient(asyncio.get_running_loop(), http_trace=self.tracker.trace_config())
        self.user = await self.http.static_login(self.secret)

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()

    async def _send(self, payload: dict, nonce: str | None = None) -> str:
        assert self.http is not None
        with handle_message_parameters(nonce=nonce, **_send_kwargs(payload)) as params:
            data = await self.http.send_message(self.channel_id, params=params)
        return str(data["id"])


def transport_for(settings) -> Transport | None:
    timeout = settings.discord_send_timeout_s
    if settings.discord_webhook_url is not None:
        from core.settings_checks import webhook_problems

        problems = [p for p in webhook_problems(settings) if p.startswith("discord_webhook_url")]  # check-config's check
        if problems:
            raise DeliveryError("bad_config", problems[0])
        return WebhookTransport(settings.discord_webhook_url.get_secret_value(), timeout)
    if settings.discord_bot_token is not None:
        if settings.discord_channel_id is None:
            raise DeliveryError("bad_config",
                                "a bot token is set but no channel id (SIGNALDESK_DISCORD_CHANNEL_ID)")
        return BotTransport(settings.discord_bot_token.get_secret_value(), settings.discord_channel_id,
                            timeout)
    return None


@contextlib.contextmanager
def api_base(base: str):
    """Point discord.py's ``Route.BASE`` at ``base`` for one batch (one batch at a time)."""
    with _route_lock:
        old = Route.BASE
        Route.BASE = base.rstrip("/")
        try:
            yield
        finally:
            Route.BASE = old


def base_for(settings, transport: Transport) -> str:
    if isinstance(transport, WebhookTransport):
        return transport.ref.base
    return settings.discord_api_base


# ---- errors -------------------------------------------------------------------------------

def redact(text: str, secret: str) -> str:
    return text.replace(secret, "***") if secret else text


def classify(exc: BaseException, tracker: CallTracker, timeout_s: float, secret: str) -> DeliveryError:
    """One plain-language reason per failure, with a code the ledger and retry rules use."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, discord.LoginFailure):
        return DeliveryError("unauthorized",
                             "Discord rejected the bot token (401): check SIGNALDESK_DISCORD_BOT_TOKEN")
    if isinstance(exc, discord.NotFound):
        return DeliveryError("not_found", "Discord says the webhook or channel does not exist (404 "
                             f"{redact(exc.text, secret) or 'Not Found'}): it was deleted or the URL/id is "
                             "wrong; "
                             "stopped using it")
    if isinstance(exc, discord.Forbidden):
        return DeliveryError("forbidden",
                             f"Discord refused (403 {redact(exc.text, secret)}): missing permission")
    if isinstance(exc, discord.DiscordServerError):
        return DeliveryError("server_error",
                             f"Discord answered HTTP {exc.status} and discord.py's retries ran out")
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return DeliveryError("rate_limited", "Discord answered 429 without retry information (a "
                                 "temporary "
                                 "block for too many requests): wait before retrying")
        if exc.status == 401:
            return DeliveryError("unauthorized", "Discord rejected the credentials (401)")
        return DeliveryError("rejected", f"Discord rejected the message (HTTP {exc.status}: "
                             f"{redact(str(exc.text), secret)[:300]})")
    if isinstance(exc, KeyError) and tracker.last_status == 429:
        return DeliveryError("rate_limited", "Discord answered 429 without retry_after: wait before retrying")
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        if tracker.unanswered and not tracker.connect_failed:
            return DeliveryError("timeout", f"no answer from Discord within {timeout_s:g}s; the message "
                                 "may have been posted — check the channel before retrying")
        if tracker.last_status and tracker.last_status >= 500:
            return DeliveryError("server_error", f"Discord kept answering HTTP {tracker.last_status}; "
                                 f"gave up after {timeout_s:g}s")
        if tracker.last_status == 429:
            return DeliveryError("rate_limited", f"still rate limited after {timeout_s:g}s")
        return DeliveryError("timeout", f"no answer from Discord within {timeout_s:g}s; the message may have "
                             "been posted — check the channel before retrying")
    if isinstance(exc, aiohttp.ClientConnectorError):
        return DeliveryError("unreachable", f"could not connect to Discord ({type(exc).__name__}: "
                             f"{redact(str(exc), secret)[:200]})")
    if isinstance(exc, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientOSError,
                        ConnectionError)):
        return DeliveryError("disconnected", f"the connection dropped before Discord answered "
                             f"({type(exc).__name__}); the message may have been posted — check the "
                             "channel")
    return DeliveryError("error", f"{type(exc).__name__}: {redact(str(exc), secret)[:300]}")


def nonce_for(keys: list[str]) -> str:
    """Discord nonces are at most 25 characters; the same keys give the same nonce."""
    return hashlib.sha256("|".join(keys).encode()).hexdigest()[:25]


# ---- the batch ----------------------------------------------------------------------------

@dataclass
class Planned:
    keys: list[str]
    payload: dict


@dataclass
class Delivered:
    planned: Planned
    message_id: str | None = None
    error: DeliveryError | None = None


@dataclass
class BatchResult:
    results: list[Delivered] = field(default_factory=list)
    api_calls: int = 0
    paced_s: float = 0.0


async def _send_one(transport: Transport, item: Planned, budget_s: float) -> Delivered:
    """One message, paced, within ``budget_s``; its span says how long it waited and why it failed."""
    calls = transport.tracker.calls
    waited = transport.pacer.waited_s
    with tracing.span("discord message", {"signaldesk.discord.items": len(item.keys),
                                          "signaldesk.discord.target": transport.target},
                      kind=SpanKind.CLIENT) as sp:
        try:
            await asyncio.wait_for(transport.pacer.wait(), timeout=budget_s)
            mid = await asyncio.wait_for(transport._send(item.payload, nonce_for(item.keys)), timeout=budget_s)
            d = Delivered(item, message_id=mid)
        except Exception as exc:  # noqa: BLE001
            d = Delivered(item, error=classify(exc, transport.tracker, budget_s, transport.secret))
            log.warning("discord message failed", extra={
                "target": transport.target, "code": d.error.code, "items": len(item.keys)})
        tracing.set_attributes(sp, {"signaldesk.discord.api_calls": transport.tracker.calls - calls,
                                    "signaldesk.discord.paced_s": round(transport.pacer.waited_s - waited, 3),
                                    "signaldesk.discord.message_id": d.message_id,
                                    "error.type": d.error.code if d.error else None})
        tracing.set_error(sp, str(d.error) if d.error else None)
    return d


async def deliver(transport: Transport, plan: list[Planned], deadline_s: float,
                  on_result: Callable[[Delivered], None]) -> BatchResult:
    """Send ``plan`` in order. After the first failure the rest is not attempted (keeps channel
    order, wastes no requests); ``on_result`` records each message as soon as it is known."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    out = BatchResult()
    failure: DeliveryError | None = None
    paced_before = transport.pacer.waited_s
    try:
        try:
            await asyncio.wait_for(transport.open(), timeout=min(transport.send_timeout_s, deadline_s))
        except Exception as exc:  # noqa: BLE001 - every failure becomes a recorded reason
            failure = classify(exc, transport.tracker, transport.send_timeout_s, transport.secret)
            if failure.code in AMBIGUOUS_CODES:  # nothing was sent yet: opening is login only
                failure = DeliveryError("unreachable", failure.reason.split(";")[0])
        open_failure = failure
        for item in plan:
            if failure is not None:
                err = open_failure or DeliveryError(
                    "not_attempted", f"not sent: an earlier message of this batch failed ({failure.code})")
                d = Delivered(item, error=err)
                out.results.append(d)
                on_result(d)
                continue
            left = end - loop.time()
            if left <= 0:
                failure = DeliveryError("deadline", f"the batch deadline of {deadline_s:g}s was reached")
                d = Delivered(item, error=failure)
            else:
                d = await _send_one(transport, item, min(transport.send_timeout_s, left))
                failure = d.error
            out.results.append(d)
            on_result(d)
    finally:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(transport.close(), timeout=5)
    out.api_calls = transport.tracker.calls
    out.paced_s = transport.pacer.waited_s - paced_before
    return out
