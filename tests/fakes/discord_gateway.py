"""A fake Discord for a bot *session*: the REST fake plus a gateway websocket, on 127.0.0.1.

``FakeDiscordGateway`` extends ``tests.fakes.discord_api.FakeDiscord`` (same Loopback server,
same recording, same faults) with what discord.py 2.7.1 needs to run a bot:

REST: ``GET /oauth2/applications/@me`` (``Client.login`` asks for it), ``GET /gateway/bot``
(the ws URL of this server), ``PUT /applications/{app}/commands`` and
``.../guilds/{guild}/commands`` (recorded, echoed with ids), ``POST
/interactions/{id}/{token}/callback`` and the followup ``POST /webhooks/{app}/{token}``
(answered with a message object; only tokens of interactions this fake dispatched are known).

Gateway (``/gateway``, Discord's documented opcodes): HELLO (op 10) on connect; IDENTIFY
(op 2) is recorded with the token masked (a wrong token closes with 4004 like Discord);
HEARTBEAT (op 1) gets a HEARTBEAT ACK (op 11); then READY (op 0). ``interact(...)`` pushes an
INTERACTION_CREATE for a command that was synced, shaped like a real guild slash-command
payload. Frames are plain TEXT JSON: discord.py asks for ``compress=zlib-stream`` but only
decompresses BINARY frames. Not spoken: RESUME (answered with op 9, session not resumable),
RECONNECT, sharding, zlib/zstd transport compression, guild/member events.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass

from aiohttp import WSMsgType, web

from tests.fakes.discord_api import BOT_TOKEN, BOT_USER, CHANNEL_ID, FakeDiscord, Recorded, payload_problems

APP_ID = "190320984123768832"  # a bot application's id is its bot user's id
GUILD_ID = "278325129692446720"
INVOKER = {"id": "80351110224678912", "username": "nelly", "discriminator": "0", "global_name": "Nelly",
           "avatar": None, "public_flags": 0}
HEARTBEAT_INTERVAL_MS = 41250  # the documented example; discord.py beats once at once anyway


@dataclass
class GatewaySession:
    """One websocket connection as the fake saw it (the identify token is never kept)."""
    query: dict
    identify: dict | None = None  # IDENTIFY ``d`` with the token replaced by "***"
    token_ok: bool = False
    heartbeats: int = 0
    acks: int = 0
    seq: int = 0
    close_code: int | None = None
    ws: web.WebSocketResponse | None = None
    loop: asyncio.AbstractEventLoop | None = None


class FakeDiscordGateway(FakeDiscord):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.sessions: list[GatewaySession] = []
        self.commands: dict[str | None, list[dict]] = {}  # guild id (None: global) -> synced commands
        self.dispatched: dict[str, float] = {}  # interaction token -> monotonic time pushed
        self._cond = threading.Condition()  # own lock: predicates may call calls()
        self._ids = itertools.count(1_200_000_000_000_000_000)

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- waiting (tests call these through asyncio.to_thread: never block the bot's loop) -------
    def wait_for(self, predicate, timeout: float = 5.0) -> bool:
        """Block until ``predicate()`` holds (checked whenever the fake records something)."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    def _notify(self) -> None:
        with self._cond:
            self._cond.notify_all()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.path == "/gateway":
            return await self._gateway(request)
        try:
            return await super()._handle(request)
        finally:
            self._notify()

    # -- REST -----------------------------------------------------------------------------------
    def _classify(self, method: str, path: str) -> tuple[str, list[str]]:
        kind, parts = super()._classify(method, path)
        if parts == ["gateway", "bot"]:
            return "gateway_bot", parts
        if parts == ["oauth2", "applications", "@me"]:
            return "app_info", parts
        if method == "PUT" and parts[:1] == ["applications"] and parts[-1] == "commands":
            return ("sync_guild" if len(parts) == 5 else "sync_global"), parts
        if method == "POST" and len(parts) == 4 and parts[0] == "interactions" and parts[3] == "callback":
            return "callback", parts
        if kind == "execute" and parts[1] == APP_ID:
            return "followup", parts
        return kind, parts

    def _answer(self, request, kind, parts, body, rec, headers) -> web.Response:
        if kind == "callback":
            return self._callback(parts, body, rec)
        if kind == "followup":
            if parts[2] not in self.dispatched:
                return self._json(404, {"message": "Unknown Webhook", "code": 10015}, rec)
            problems = payload_problems(body or {})
            if problems:
                return self._json(400, {"message": "Invalid Form Body", "code": 50035, "errors": problems}, rec)
            msg = self._create(body or {}, webhook=False)
            msg.update(application_id=APP_ID, webhook_id=APP_ID, flags=0, type=20)
            return self._json(200, msg, rec)
        if kind not in ("gateway_bot", "app_info", "sync_global", "sync_guild"):
            return super()._answer(request, kind, parts, body, rec, headers)
        if request.headers.get("Authorization") != f"Bot {BOT_TOKEN}":
            return self._json(401, {"message": "401: Unauthorized", "code": 0}, rec)
        if kind == "gateway_bot":
            return self._json(200, {"url": self.gateway_url, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1}}, rec)
        if kind == "app_info":
            return self._json(200, {
                "id": APP_ID, "name": "signaldesk", "icon": None, "description": "", "bot_public": False,
                "bot_require_code_grant": False, "verify_key": "0" * 64,
                "owner": INVOKER, "flags": 0, "team": None, "interactions_endpoint_url": None,
                "bot": dict(BOT_USER)}, rec)
        if parts[1] != APP_ID or not isinstance(body, list):
            return self._json(400, {"message": "Invalid Form Body", "code": 50035}, rec)
        guild = parts[3] if kind == "sync_guild" else None
        echoed = []
        for cmd in body:
            out = dict(cmd, id=str(next(self._ids)), application_id=APP_ID, version=str(next(self._ids)),
                       default_member_permissions=cmd.get("default_member_permissions"),
                       type=cmd.get("type", 1), nsfw=cmd.get("nsfw", False))
            if guild:
                out["guild_id"] = guild
            echoed.append(out)
        with self._lock:
            self.commands[guild] = echoed
        return self._json(200, echoed, rec)

    def _callback(self, parts, body, rec) -> web.Response:
        iid, token = parts[1], parts[2]
        if token not in self.dispatched:
            return self._json(404, {"message": "Unknown interaction", "code": 10062}, rec)
        kind = (body or {}).get("type")
        if kind not in (1, 4, 5, 6, 7, 8, 9, 10, 12):
            return self._json(400, {"message": "Invalid Form Body", "code": 50035}, rec)
        if rec.query.get("with_response") not in ("1", "true", "True"):
            rec.status = 204
            return web.Response(status=204)
        return self._json(200, {"interaction": {"id": iid, "type": 2, "response_message_loading": kind == 5,
                                                "response_message_ephemeral": False},
                                "resource": {"type": kind}}, rec)

    # -- gateway --------------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = GatewaySession(query=dict(request.query), ws=ws, loop=asyncio.get_running_loop())
        with self._lock:
            self.sessions.append(session)
        self._notify()
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None})
        stopping = self._server.stopping
        assert stopping is not None
        stop_wait = asyncio.ensure_future(stopping.wait())
        try:
            while True:
                recv = asyncio.ensure_future(ws.receive())
                await asyncio.wait({recv, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
                if not recv.done():
                    recv.cancel()
                    await ws.close(code=1001)
                    break
                frame = recv.result()
                if frame.type != WSMsgType.TEXT:
                    break
                await self._gateway_op(session, json.loads(frame.data))
                self._notify()
        finally:
            stop_wait.cancel()
            session.close_code = ws.close_code
            self._notify()
        return ws

    async def _gateway_op(self, session: GatewaySession, payload: dict) -> None:
        op, d = payload.get("op"), payload.get("d")
        ws = session.ws
        assert ws is not None
        if op == 1:
            session.heartbeats += 1
            await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            session.acks += 1
        elif op == 2:
            d = dict(d or {})
            session.token_ok = d.pop("token", None) == BOT_TOKEN
            session.identify = dict(d, token="***")
            if not session.token_ok:
                await ws.close(code=4004, message=b"Authentication failed.")
                return
            await self._dispatch(session, "READY", {
                "v": 10, "user": dict(BOT_USER), "guilds": [], "session_id": "fake-session-1",
                "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway", "shard": [0, 1],
                "application": {"id": APP_ID, "flags": 0}})
        elif op == 6:  # RESUME is not spoken: "invalid session, not resumable", as Discord may answer
            await ws.send_json({"op": 9, "d": False, "s": None, "t": None})

    async def _dispatch(self, session: GatewaySession, event: str, data: dict) -> None:
        session.seq += 1
        assert session.ws is not None
        await session.ws.send_json({"op": 0, "t": event, "s": session.seq, "d": data})

    # -- test side ------------------------------------------------------------------------------
    def ready_session(self) -> GatewaySession | None:
        with self._lock:
            return next((s for s in reversed(self.sessions) if s.token_ok and s.close_code is None), None)

    def interaction(self, name: str, options: list[dict] | None = None, guild_id: str | None = None) -> dict:
        """An INTERACTION_CREATE body for the synced command ``name``, like a guild slash command."""
        with self._lock:
            cmd = next((c for c in self.commands.get(guild_id, []) if c["name"] == name), None)
        if cmd is None:
            raise LookupError(f"/{name} was not synced (guild {guild_id}): Discord would never send it")
        iid, token = str(next(self._ids)), f"aW50ZXJhY3Rpb246{next(self._ids)}"
        data = {"id": cmd["id"], "name": name, "type": 1, "options": options or []}
        if guild_id:
            data["guild_id"] = guild_id
        guild = guild_id or GUILD_ID
        return {
            "id": iid, "application_id": APP_ID, "type": 2, "data": data, "token": token, "version": 1,
            "guild_id": guild, "guild": {"id": guild, "locale": "en-US", "features": []},
            "channel_id": str(CHANNEL_ID),
            "channel": {"id": str(CHANNEL_ID), "type": 0, "guild_id": guild, "name": "alerts", "position": 0,
                        "flags": 0, "nsfw": False, "parent_id": None, "topic": None,
                        "rate_limit_per_user": 0, "permissions": "2248473465835073"},
            "member": {"user": INVOKER, "roles": [], "joined_at": "2025-02-28T14:56:24.701000+00:00",
                       "deaf": False, "mute": False, "flags": 0, "pending": False, "nick": None,
                       "avatar": None, "premium_since": None, "communication_disabled_until": None,
                       "permissions": "2248473465835073"},
            "app_permissions": "2248473465835073", "locale": "en-US", "guild_locale": "en-US",
            "entitlements": [], "authorizing_integration_owners": {"0": guild}, "context": 0,
            "attachment_size_limit": 10485760,
        }

    def interact(self, name: str, options: list[dict] | None = None, guild_id: str | None = None) -> str:
        """Push INTERACTION_CREATE for ``/name`` on the live session (thread-safe); returns its token."""
        session = self.ready_session()
        if session is None or session.loop is None:
            raise RuntimeError("no identified gateway session")
        body = self.interaction(name, options, guild_id)
        with self._lock:
            self.dispatched[body["token"]] = time.monotonic()
        fut = asyncio.run_coroutine_threadsafe(self._dispatch(session, "INTERACTION_CREATE", body), session.loop)
        fut.result(5)
        return body["token"]

    def for_token(self, kind: str, token: str) -> list[Recorded]:
        return [r for r in self.calls(kind) if token in r.path]
