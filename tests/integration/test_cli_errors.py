"""The command line answers bad input with a readable message and an exit status, never a
Python traceback; every command (and every ``post`` action) has working ``--help``."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jobs.__main__ import build_parser
from tests.conftest import CHILD_PYTHONPATH

pytestmark = pytest.mark.timeout(60)
REPO = Path(__file__).resolve().parents[2]
COMMANDS = ["bot", "check-config", "export", "feeds", "import-parquet", "keywords", "list", "once", "post", "replay",
            "request", "rescore", "run", "seed", "up"]


@pytest.mark.parametrize("argv", [[c, "--help"] for c in COMMANDS]
                         + [["post", a, "--help"] for a in ("digest", "leads", "check", "retry", "history")])
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(argv)
    assert stop.value.code == 0
    assert "usage: python -m jobs" in capsys.readouterr().out


def _cli(args: list[str], tmp_path: Path, stdin=None, text: bool = True, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALDESK_")}
    base.update({"SIGNALDESK_DATA_DIR": str(tmp_path / "var"), "SIGNALDESK_OFFLINE": "true",
                 "PYTHONPATH": CHILD_PYTHONPATH}, **env)
    # cwd is the temp folder: no .env file of the checkout is read
    return subprocess.run([sys.executable, "-m", "jobs", "--log-level", "ERROR", *args], cwd=tmp_path,
                          env=base, stdin=stdin, capture_output=True, text=text, timeout=50)


def test_bad_setting_is_named_not_a_traceback(tmp_path):
    out = _cli(["list"], tmp_path, SIGNALDESK_HTTP_TIMEOUT_S="soon",
               SIGNALDESK_DISCORD_WEBHOOK_URL="https://discord.com/api/webhooks/1/hush-hush-token")
    assert out.returncode == 1
    text = out.stdout + out.stderr
    assert "Traceback" not in text
    assert "SIGNALDESK_HTTP_TIMEOUT_S" in text and "check-config" in text
    assert "hush-hush-token" not in text


def test_unloadable_registry_is_a_message(tmp_path):
    out = _cli(["list", "--registry", "no_such_module:registry"], tmp_path)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and "no_such_module" in out.stderr


def test_check_config_names_every_problem_and_run_refuses_the_same(tmp_path):
    bad = {"SIGNALDESK_SCHEDULE_NEWS": "61 25 * * *", "SIGNALDESK_SCHEDULE_LEADS": "a b c d e",
           "SIGNALDESK_SCHEDULE_LEARN": "every 0s", "SIGNALDESK_MARKET_TIMEZONE": "Mars/Olympus",
           "SIGNALDESK_DISCORD_WEBHOOK_URL": "https://evil.example/api/webhooks/1/hush-hush-token"}
    check = _cli(["check-config"], tmp_path, **bad)
    assert check.returncode == 1
    for name in ("schedule_news", "schedule_leads", "schedule_learn", "market_timezone", "discord_webhook_url"):
        assert f"- {name}" in check.stdout, check.stdout
    for command in (["run"], ["up"], ["post", "leads"]):
        out = _cli(command, tmp_path, **bad)
        assert out.returncode == 2, out.stderr
        assert "schedule_leads" in out.stderr and "discord_webhook_url" in out.stderr
        assert "Traceback" not in out.stderr and "hush-hush-token" not in out.stderr + out.stdout
    assert not (tmp_path / "var" / "signaldesk.duckdb").exists()  # nothing started


@pytest.mark.parametrize("env, words", [
    ({"SIGNALDESK_WATCHLIST": "[AAPL"}, "SIGNALDESK_WATCHLIST: not valid JSON"),
    ({"SIGNALDESK_STALE_AFTER_OVERRIDES": "{news: 5"}, "SIGNALDESK_STALE_AFTER_OVERRIDES: not valid JSON"),
    ({"SIGNALDESK_DATA_DIR": "FILE"}, "is not a folder"),
])
def test_unreadable_settings_are_one_readable_line_in_every_command(tmp_path, env, words):
    (tmp_path / "afile").write_text("x")
    env = {k: (str(tmp_path / "afile") if v == "FILE" else v) for k, v in env.items()}
    for command in (["list"], ["export", "news"], ["check-config"], ["once", "news"]):
        out = _cli(command, tmp_path, **env)
        text = out.stdout + out.stderr
        assert out.returncode != 0 and "Traceback" not in text, text
        assert words in text and len(out.stderr.splitlines()) <= 5, text


def test_jobs_list_does_not_call_a_killed_run_running(tmp_path):
    from core.config import Settings
    from core.models import utcnow
    from core.store import Store, job_runs

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, timeout=30)
    store = Store.from_settings(Settings(_env_file=None, data_dir=tmp_path / "var"))
    job_runs.start_run(store, "deadbeef0001", "news", "once", utcnow(), pid=int(gone.stdout))  # its process is gone
    out = _cli(["list"], tmp_path)
    assert out.returncode == 0, out.stderr
    news = [line for line in out.stdout.splitlines() if line.startswith("news")]
    assert news and "running" not in news[0], out.stdout
    assert job_runs.running_runs(store) == []
