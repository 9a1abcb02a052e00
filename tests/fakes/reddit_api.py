"""A fake of Reddit's OAuth API on 127.0.0.1: the token exchange and ``/r/<sub>/new`` listings.

Speaks the protocol of the recordings in ``../shared/data/leads/praw__*.json`` (and the copies in
tests/fixtures/reddit/): ``POST /api/v1/access_token`` with HTTP Basic client credentials and
``grant_type=client_credentials`` answers ``{"access_token", "token_type": "bearer",
"expires_in", "scope"}``; ``GET /r/<sub>/new?limit=&after=`` with ``Authorization: bearer <token>``
answers a ``Listing`` of ``t3`` children, newest first, with ``after`` naming the last child, and
the ``X-Ratelimit-Used/Remaining/Reset`` headers. A missing or expired token gets 401.

Test controls: ``post(sub, title, body, flair)`` publishes a post (newer than all before);
``expire_tokens()`` revokes every token (the next listing call gets 401); ``fail_next(status,
headers)`` answers the next listing request with that status. Every request is recorded.
"""
from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field

from aiohttp import web

from tests.fakes.loopback import Loopback

CLIENT_ID, CLIENT_SECRET = "fake-client-id", "fake-client-secret"


@dataclass
class Seen:
    method: str
    path: str
    query: dict
    headers: dict


@dataclass
class FakeReddit:
    page_size_cap: int = 100
    remaining: float = 600.0
    reset_s: float = 300.0
    requests: list[Seen] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._posts: dict[str, list[dict]] = {}
        self._tokens: set[str] = set()
        self._issued = 0
        self._faults: list[tuple[int, dict]] = []
        self._clock = 1_700_000_000.0
        self.server = Loopback(self._handle, name="fake-reddit")

    # -- control ---------------------------------------------------------------------------
    def __enter__(self) -> FakeReddit:
        self.server.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def post(self, sub: str, title: str, body: str = "", flair: str | None = None) -> str:
        with self._lock:
            self._clock += 60
            n = sum(len(v) for v in self._posts.values()) + 1
            pid = f"p{n:05d}"
            self._posts.setdefault(sub.lower(), []).insert(0, {
                "id": pid, "name": f"t3_{pid}", "title": title, "selftext": body, "subreddit": sub,
                "author": f"user{n}", "created_utc": self._clock, "link_flair_text": flair,
                "permalink": f"/r/{sub}/comments/{pid}/post/", "url": f"https://www.reddit.com/r/{sub}/comments/{pid}/post/"})
            return f"t3_{pid}"

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def fail_next(self, status: int, headers: dict | None = None) -> None:
        with self._lock:
            self._faults.append((status, dict(headers or {})))

    def listing_requests(self) -> list[Seen]:
        return [r for r in self.requests if r.path.endswith("/new")]

    def token_requests(self) -> list[Seen]:
        return [r for r in self.requests if r.path == "/api/v1/access_token"]

    # -- protocol --------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        form = dict(await request.post()) if request.method == "POST" else {}
        self.requests.append(Seen(request.method, request.path, dict(request.query), dict(request.headers)))
        if request.path == "/api/v1/access_token":
            return self._token(request, form)
        parts = request.path.strip("/").split("/")
        if len(parts) == 3 and parts[0] == "r" and parts[2] == "new":
            return self._listing(request, parts[1])
        return web.json_response({"message": "Not Found", "error": 404}, status=404)

    def _token(self, request: web.Request, form: dict) -> web.Response:
        want = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != want or form.get("grant_type") != "client_credentials":
            return web.json_response({"message": "Unauthorized", "error": 401}, status=401)
        if not request.headers.get("User-Agent"):
            return web.json_response({"message": "Too Many Requests", "error": 429}, status=429)
        with self._lock:
            self._issued += 1
            token = f"token-{self._issued}"
            self._tokens.add(token)
        return web.json_response({"access_token": token, "token_type": "bearer", "expires_in": 3600, "scope": "*"})

    def _quota(self) -> dict:
        self.remaining = max(0.0, self.remaining - 1)
        return {"X-Ratelimit-Used": str(int(600 - self.remaining)), "X-Ratelimit-Remaining": f"{self.remaining:.1f}",
                "X-Ratelimit-Reset": str(int(self.reset_s))}

    def _listing(self, request: web.Request, sub: str) -> web.Response:
        auth = request.headers.get("Authorization", "")
        with self._lock:
            ok = auth.startswith("bearer ") and auth.split(" ", 1)[1] in self._tokens
            fault = self._faults.pop(0) if ok and self._faults else None
            posts = list(self._posts.get(sub.lower(), []))
        if not ok:
            return web.json_response({"message": "Unauthorized", "error": 401}, status=401,
                                     headers={"www-authenticate": 'Bearer realm="reddit", error="invalid_token"'})
        if fault:
            status, headers = fault
            return web.json_response({"message": "fault", "error": status}, status=status, headers=headers)
        limit = min(int(request.query.get("limit", 25)), self.page_size_cap)
        after = request.query.get("after")
        start = 0
        if after:
            names = [p["name"] for p in posts]
            start = names.index(after) + 1 if after in names else len(posts)
        page = posts[start:start + limit]
        nxt = page[-1]["name"] if page and start + limit < len(posts) else None
        body = {"kind": "Listing", "data": {"after": nxt, "before": None, "dist": len(page), "modhash": "",
                                            "children": [{"kind": "t3", "data": p} for p in page]}}
        return web.Response(text=json.dumps(body), content_type="application/json", headers=self._quota())
