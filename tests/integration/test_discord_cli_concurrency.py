"""Simultaneous clicks from several threads, and ``python -m jobs post`` as a real process."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime

import polars as pl
import pytest
from pydantic import SecretStr

from core.publish import post_history, post_items
from core.store import Store, insert_new
from tests.conftest import CHILD_PYTHONPATH, REPO
from tests.fakes.discord_api import FakeDiscord

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def fake_discord():
    with FakeDiscord() as fake:
        yield fake


def test_simultaneous_posts_of_the_same_items_send_each_once(settings, fake_discord):
    s = settings.model_copy(update={"discord_webhook_url": SecretStr(fake_discord.webhook_url)})
    Store.from_settings(s)
    items = [{"id": f"L{i}", "platform": "hn", "title": f"lead {i}"} for i in range(30)]
    results: list = [None] * 4
    start = threading.Barrier(4)

    def click(n: int) -> None:
        start.wait()
        results[n] = post_items(Store.from_settings(s), s, "lead", items).counts

    threads = [threading.Thread(target=click, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(50)
    assert sum(r.get("sent", 0) for r in results) == 30
    assert sum(r.get("skipped", 0) for r in results) == 90
    titles = [e["title"] for m in fake_discord.messages for e in m["request"]["embeds"]]
    assert sorted(titles) == sorted(f"lead {i}" for i in range(30))


def _cli(args: list[str], env_extra: dict, cwd) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALDESK_")}
    env.update(env_extra, PYTHONPATH=CHILD_PYTHONPATH)
    return subprocess.run([sys.executable, "-m", "jobs", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=50)


def test_cli_post_leads_twice_and_check(tmp_path, fake_discord):
    data = tmp_path / "var"
    store = Store(data / "signaldesk.duckdb")
    now = datetime(2026, 11, 26, 9)
    leads = pl.DataFrame({"id": [f"c{i}" for i in range(5)], "platform": ["reddit"] * 5,
                          "title": [f"cli lead {i}" for i in range(5)], "fetched_at": [now] * 5,
                          "score": [float(i) for i in range(5)], "status": ["new"] * 5})
    with store.write() as con:
        insert_new(con, "leads", leads, "id")
    env = {"SIGNALDESK_DATA_DIR": str(data), "SIGNALDESK_DISCORD_WEBHOOK_URL": fake_discord.webhook_url}
    first = _cli(["post", "leads", "-n", "3"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "3 sent" in first.stdout and "1 message(s), 1 API call(s)" in first.stdout
    second = _cli(["post", "leads", "-n", "3"], env, tmp_path)
    assert second.returncode == 0 and "3 skipped" in second.stdout
    assert len(fake_discord.messages) == 1
    sent = [e["title"] for e in fake_discord.messages[0]["request"]["embeds"]]
    assert sent == ["cli lead 4", "cli lead 3", "cli lead 2"]  # top scores first
    check = _cli(["post", "check"], env, tmp_path)
    assert check.returncode == 0 and "webhook OK" in check.stdout
    assert fake_discord.webhook_token not in check.stdout + check.stderr + first.stderr
    assert post_history(store, 10).height == 3


def test_cli_help():
    out = subprocess.run([sys.executable, "-m", "jobs", "post", "--help"], cwd=REPO, capture_output=True,
                         text=True, timeout=50)
    assert out.returncode == 0 and "digest" in out.stdout and "retry" in out.stdout
