"""A fake Discord REST API on 127.0.0.1, driven by the real discord.py client.

A real server on 127.0.0.1 (``tests.fakes.loopback``), so sync tests, ``asyncio.run``
code and the benchmark can all use it. It speaks the parts of the API signaldesk uses:
execute / fetch webhook, ``users/@me``, get channel, create message — with Discord's
documented bodies (``tests/fixtures/discord/``), ``Content-Type: application/json`` exactly
(discord.py only parses that) and a ``Via`` header on 429s (discord.py only retries those).

Every request is recorded (method, path, query, JSON body, server arrival time). Faults are
queued per route kind (``"execute"``, ``"fetch_webhook"``, ``"me"``, ``"channel"``,
``"create_message"``, or ``"any"``) and used once each, in order. Optionally the server
emulates a per-bucket rate limit (N requests per window, with X-RateLimit-* headers and a 429
past the limit), as Discord documents it for webhooks (about 5 requests / 2 s).
"""
from __future__ import annotations

import copy
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

from tests.fakes.loopback import Loopback

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "discord"
WEBHOOK_ID = 223704706495545344
WEBHOOK_TOKEN = "fake-webhook-token-3d89bb7572e0fb30d8128367b3b1b44f"
BOT_TOKEN = "fake.bot.token"
CHANNEL_ID = 290926798999357250
BOT_USER = {"id": "190320984123768832", "username": "signaldesk-bot", "discriminator": "0",
            "global_name": None, "avatar": None, "bot": True}


def _fixture(name: str) -> dict:
    data = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return data


# -- faults (queued, used once each) ---------------------------------------------------------

@dataclass(frozen=True)
class Reply:
    """Answer with this status / JSON body / headers instead of the normal answer."""
    status: int
    body: dict | None = None
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Hang:
    """Never answer (until the server stops)."""


@dataclass(frozen=True)
class Drop:
    """Read the request, then close the connection without any answer."""


@dataclass(frozen=True)
class Then:
    """Process normally (deliver the message) and then drop the connection: the message exists
    but the client never hears about it — the 'may have been posted' case."""


def rate_limited(retry_after: float = 0.01, is_global: bool = False, scope: str = "user") -> Reply:
    """A 429 shaped like the documentation's examples, with discord.py's required ``Via``."""
    name = "discord-api-docs__429_global_rate_limit.json" if is_global else \
        "discord-api-docs__429_user_rate_limit.json"
    doc = _fixture(name)
    body = dict(doc["body"], retry_after=retry_after)
    headers = {k: v for k, v in doc["headers"].items() if k.lower() != "content-type"}
    headers.update({"Retry-After": str(max(1, round(retry_after))), "X-RateLimit-Scope": scope,
                    "Via": "1.1 google"})
    if "X-RateLimit-Reset-After" in headers:
        headers["X-RateLimit-Reset-After"] = str(retry_after)
        headers["X-RateLimit-Reset"] = f"{time.time() + retry_after:.3f}"
    return Reply(429, body, headers)


def server_error(status: int = 500) -> Reply:
    return Reply(status, {"message": "Internal Server Error", "code": 0})


UNKNOWN_WEBHOOK = Reply(404, {"message": "Unknown Webhook", "code": 10015})
UNAUTHORIZED = Reply(401, {"message": "401: Unauthorized", "code": 0})


@dataclass
class Recorded:
    method: str
    path: str
    kind: str
    query: dict
    headers: dict
    body: dict | None
    at: float  # server monotonic clock
    status: int = 0


LIMITS = {"content": 2000, "embeds": 10, "total": 6000, "title": 256, "description": 4096, "fields": 25,
          "field.name": 256, "field.value": 1024, "footer.text": 2048, "author.name": 256}


def payload_problems(body: dict) -> list[str]:
    """Every way ``body`` breaks Discord's documented message limits (FACTS.md 1-4, 6); written
    independently of the code under test. The fake answers 400 / 50035 when this is not empty."""
    out = []
    if len(body.get("content") or "") > LIMITS["content"]:
        out.append("content longer than 2000")
    embeds = body.get("embeds") or []
    if not (body.get("content") or embeds):
        out.append("empty message (50006)")
    if len(embeds) > LIMITS["embeds"]:
        out.append(f"{len(embeds)} embeds")
    total = 0
    for i, e in enumerate(embeds):
        parts = {"title": e.get("title") or "", "description": e.get("description") or "",
                 "footer.text": (e.get("footer") or {}).get("text") or "",
                 "author.name": (e.get("author") or {}).get("name") or ""}
        fields = e.get("fields") or []
        if len(fields) > LIMITS["fields"]:
            out.append(f"embed {i}: {len(fields)} fields")
        for f in fields:
            for k in ("name", "value"):
                v = (f.get(k) or "").strip()
                if not v:
                    out.append(f"embed {i}: empty field {k}")
                if len(v) > LIMITS[f"field.{k}"]:
                    out.append(f"embed {i}: field {k} too long")
                total += len(v)
        for k, v in parts.items():
            if len(v.strip()) > LIMITS[k]:
                out.append(f"embed {i}: {k} too long")
            total += len(v.strip())
    if total > LIMITS["total"]:
        out.append(f"embeds total {total} > 6000")
    return out


class _Bucket:
    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self.start = 0.0
        self.used = 0

    def take(self, now: float) -> tuple[bool, int, float]:
        """(allowed, remaining after this request, seconds until reset)."""
        if now - self.start >= self.window:
            self.start, self.used = now, 0
        reset_after = self.window - (now - self.start)
        if self.used >= self.limit:
            return False, 0, reset_after
        self.used += 1
        return True, self.limit - self.used, reset_after


class FakeDiscord:
    def __init__(self, rate_limit: tuple[int, float] | None = None,
                 webhook_id: int = WEBHOOK_ID, webhook_token: str = WEBHOOK_TOKEN):
        self.rate_limit = rate_limit
        self.webhook_id, self.webhook_token = webhook_id, webhook_token
        self.requests: list[Recorded] = []
        self.messages: list[dict] = []  # messages that exist on the fake "channel"
        self._faults: dict[str, deque] = {}
        self._buckets: dict[str, _Bucket] = {}
        self._next_id = 1_100_000_000_000_000_000
        self._lock = threading.Lock()
        self._server = Loopback(self._handle, name="fake-discord")
        self.port = 0

    # -- control from the test side --------------------------------------------------------
    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def webhook_url(self) -> str:
        return f"{self.api_base}/webhooks/{self.webhook_id}/{self.webhook_token}"

    def fault(self, kind: str, *faults) -> None:
        with self._lock:
            self._faults.setdefault(kind, deque()).extend(faults)

    def calls(self, kind: str | None = None) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if kind is None or r.kind == kind]

    def start(self) -> FakeDiscord:
        self.port = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> FakeDiscord:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- server side ------------------------------------------------------------------------
    def _classify(self, method: str, path: str) -> tuple[str, list[str]]:
        parts = path.strip("/").split("/")
        if parts[:2] == ["api", "v10"]:
            parts = parts[2:]
        if len(parts) == 3 and parts[0] == "webhooks":
            return ("execute" if method == "POST" else "fetch_webhook"), parts
        if parts == ["users", "@me"]:
            return "me", parts
        if len(parts) == 2 and parts[0] == "channels":
            return "channel", parts
        if len(parts) == 3 and parts[0] == "channels" and parts[2] == "messages":
            return "create_message", parts
        return "other", parts

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        kind, parts = self._classify(request.method, request.path)
        rec = Recorded(request.method, request.path, kind, dict(request.query), dict(request.headers),
                       body, time.monotonic())
        with self._lock:
            self.requests.append(rec)
            queue = self._faults.get(kind) or self._faults.get("any")
            fault = queue.popleft() if queue else None
        if isinstance(fault, Hang):
            assert self._server.stopping is not None
            await self._server.stopping.wait()
            return self._json(503, {"message": "server stopping"}, rec)
        if isinstance(fault, Drop):
            return self._drop(request)
        if isinstance(fault, Reply):
            return self._json(fault.status, fault.body, rec, fault.headers)
        bucket_headers: dict = {}
        if self.rate_limit is not None and kind in ("execute", "create_message"):
            key = parts[1] if kind == "execute" else f"channel:{parts[1]}"
            bucket = self._buckets.setdefault(key, _Bucket(*self.rate_limit))
            allowed, remaining, reset_after = bucket.take(time.monotonic())
            bucket_headers = {"X-RateLimit-Limit": str(bucket.limit), "X-RateLimit-Remaining": str(remaining),
                              "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                              "X-RateLimit-Reset-After": f"{reset_after:.3f}", "X-RateLimit-Bucket": key}
            if not allowed:
                r = rate_limited(reset_after)
                return self._json(429, r.body, rec, {**r.headers, **bucket_headers})
        resp = self._answer(request, kind, parts, body, rec, bucket_headers)
        if isinstance(fault, Then):
            return self._drop(request)
        return resp

    def _answer(self, request, kind, parts, body, rec, headers) -> web.Response:
        if kind in ("execute", "fetch_webhook"):
            if parts[1] != str(self.webhook_id) or parts[2] != self.webhook_token:
                return self._json(404, UNKNOWN_WEBHOOK.body, rec)
            if kind == "fetch_webhook":
                hook = _fixture("discord-api-docs__example_incoming_webhook.json")
                hook.update(id=str(self.webhook_id), token=self.webhook_token, channel_id=str(CHANNEL_ID))
                return self._json(200, hook, rec)
            if payload_problems(body or {}):
                return self._json(400, {"message": "Invalid Form Body", "code": 50035,
                                        "errors": payload_problems(body or {})}, rec, headers)
            return self._json(200, self._create(body or {}, webhook=True), rec, headers)
        if request.headers.get("Authorization") != f"Bot {BOT_TOKEN}":
            return self._json(401, UNAUTHORIZED.body, rec)
        if kind == "me":
            return self._json(200, BOT_USER, rec)
        if kind == "channel":
            if parts[1] != str(CHANNEL_ID):
                return self._json(404, {"message": "Unknown Channel", "code": 10003}, rec)
            return self._json(200, {"id": str(CHANNEL_ID), "type": 0, "name": "alerts",
                                    "guild_id": "278325129692446720", "position": 0,
                                    "permission_overwrites": [], "nsfw": False, "parent_id": None}, rec)
        if kind == "create_message":
            if parts[1] != str(CHANNEL_ID):
                return self._json(404, {"message": "Unknown Channel", "code": 10003}, rec)
            if payload_problems(body or {}):
                return self._json(400, {"message": "Invalid Form Body", "code": 50035,
                                        "errors": payload_problems(body or {})}, rec, headers)
            return self._json(200, self._create(body or {}, webhook=False), rec, headers)
        return self._json(404, {"message": "404: Not Found", "code": 0}, rec)

    def _create(self, body: dict, webhook: bool) -> dict:
        """Store the message and answer with a message object shaped like the docs example."""
        with self._lock:
            self._next_id += 1
            mid = str(self._next_id)
        msg = copy.deepcopy(_fixture("discord-api-docs__example_message.json"))
        msg.update(id=mid, channel_id=str(CHANNEL_ID), content=body.get("content", ""),
                   embeds=body.get("embeds", []), mention_everyone=False, mentions=[], mention_roles=[],
                   reactions=[])
        if webhook:
            msg["webhook_id"] = str(self.webhook_id)
            msg["author"] = {"id": str(self.webhook_id), "username": "test webhook", "discriminator": "0000",
                             "avatar": None, "bot": True}
        else:
            msg["author"] = dict(BOT_USER)
        with self._lock:
            self.messages.append({"id": mid, "request": body})
        return msg

    def _json(self, status: int, body, rec: Recorded, headers: dict | None = None) -> web.Response:
        rec.status = status
        # discord.py parses JSON only when Content-Type is exactly "application/json"
        h = {"Content-Type": "application/json", **(headers or {})}
        return web.Response(status=status, body=json.dumps(body).encode(), headers=h)

    @staticmethod
    def _drop(request: web.Request) -> web.Response:
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=204)
