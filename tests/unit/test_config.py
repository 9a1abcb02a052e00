"""Settings: good defaults pass, each bad value is named in plain words, secrets stay masked."""
from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from pydantic import SecretStr, ValidationError

from core.config import Settings, masked_report
from core.settings_checks import check_settings
from tests.conftest import CHILD_PYTHONPATH, REPO

pytestmark = pytest.mark.timeout(30)

HOOK = "https://discord.com/api/webhooks/123456789012345678/abcDEF_ghi-jkl"


def test_defaults_pass(settings):
    assert check_settings(settings) == []
    assert settings.dashboard_host == "127.0.0.1"
    assert settings.store_path == settings.data_dir / "signaldesk.duckdb"
    assert settings.dry_run


def test_valid_webhook_passes(settings):
    s = settings.model_copy(update={"discord_webhook_url": SecretStr(HOOK)})
    assert check_settings(s) == []
    assert not s.dry_run


@pytest.mark.parametrize("update, words", [
    ({"discord_webhook_url": SecretStr("https://example.com/hook")}, "not a Discord webhook URL"),
    ({"discord_webhook_url": SecretStr("http://discord.com/api/webhooks/1/x")}, "not a Discord webhook URL"),
    ({"dashboard_port": 70000}, "out of range"),
    ({"dashboard_port": 0}, "out of range"),
    ({"watchlist": ["AAPL", "DROP TABLE;"]}, "does not look like a ticker"),
    ({"schedule_news": "sometimes"}, "is not a schedule"),
    ({"discord_bot_token": SecretStr("t0ken")}, "needs a channel"),
])
def test_each_bad_value_is_named(settings, update, words):
    problems = check_settings(settings.model_copy(update=update))
    assert len(problems) == 1
    assert words in problems[0]


def test_unwritable_data_dir(settings, tmp_path):
    if os.geteuid() == 0:
        # root writes anywhere; a path through a regular file is unwritable for everyone
        (tmp_path / "file").write_text("x")
        s = settings.model_copy(update={"data_dir": tmp_path / "file" / "var"})
        assert "is not a folder" in check_settings(s)[0]
        return
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    s = settings.model_copy(update={"data_dir": ro / "var"})
    assert "not writable" in check_settings(s)[0]


def test_type_errors_are_validation_errors(tmp_path):
    with pytest.raises(ValidationError):
        Settings(_env_file=None, data_dir=tmp_path, http_timeout_s=-1)


def test_watchlist_from_comma_string(tmp_path):
    s = Settings(_env_file=None, data_dir=tmp_path, watchlist="aapl, msft")
    assert s.watchlist == ["AAPL", "MSFT"]


def test_secrets_are_masked(settings):
    s = settings.model_copy(update={"discord_webhook_url": SecretStr(HOOK),
                                    "discord_bot_token": SecretStr("super-secret-token")})
    shown = dict(masked_report(s))
    text = repr(shown) + repr(s) + str(s)
    assert "abcDEF_ghi-jkl" not in text and "super-secret-token" not in text
    assert shown["discord_webhook_url"].startswith("*****")


def _check_config(tmp_path, **env):
    full = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALDESK_")}
    full.update({"SIGNALDESK_DATA_DIR": str(tmp_path / "var"), **env})
    return subprocess.run([sys.executable, "-m", "jobs", "check-config"], cwd=tmp_path,
                          env={**full, "PYTHONPATH": CHILD_PYTHONPATH}, capture_output=True, text=True, timeout=60)


def test_check_config_cli_ok_and_masks_secret(tmp_path):
    out = _check_config(tmp_path, SIGNALDESK_DISCORD_WEBHOOK_URL=HOOK)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Configuration OK" in out.stdout
    assert "abcDEF_ghi-jkl" not in out.stdout + out.stderr


def test_check_config_cli_names_each_problem(tmp_path):
    out = _check_config(tmp_path, SIGNALDESK_DASHBOARD_PORT="99999",
                        SIGNALDESK_DISCORD_WEBHOOK_URL="https://evil.example/x?token=hunter2")
    assert out.returncode == 1
    assert "2 problem(s)" in out.stdout
    assert "dashboard_port 99999 is out of range" in out.stdout
    assert "not a Discord webhook URL" in out.stdout
    assert "hunter2" not in out.stdout + out.stderr


def test_check_config_cli_unreadable_value(tmp_path):
    out = _check_config(tmp_path, SIGNALDESK_HTTP_TIMEOUT_S="soon")
    assert out.returncode == 1
    assert "SIGNALDESK_HTTP_TIMEOUT_S" in out.stdout


def test_env_example_documents_every_setting():
    text = (REPO / ".env.example").read_text()
    missing = [n for n in Settings.model_fields if f"SIGNALDESK_{n.upper()}=" not in text]
    assert missing == [], f".env.example lacks {missing}"
    assert all(f.description for f in Settings.model_fields.values())


# --- one validation: check-config, the runner and every command read the same checks -------------
from hypothesis import HealthCheck, given  # noqa: E402
from hypothesis import settings as hsettings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from core.settings_checks import load_settings  # noqa: E402
from jobs.schedule import ScheduleError, parse_schedule  # noqa: E402

cron_field = st.sampled_from(["*", "0", "5", "59", "61", "25", "*/5", "*/0", "1-5", "9-16", "a", "mon",
                              "mon-fri", "7", "8", "32", "13", "1,2", ""])


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.lists(cron_field, min_size=4, max_size=6).map(" ".join),
                 st.sampled_from(["every 0s", "every 10m", "every -1h", "every 1.5h", "off", "every", "soon"])))
def test_check_config_flags_exactly_what_the_runner_refuses(settings, text):
    try:
        parse_schedule(text, settings.market_timezone)
        runner_ok = True
    except ScheduleError:
        runner_ok = False
    problems = check_settings(settings.model_copy(update={"schedule_news": text}))
    assert runner_ok == (not problems), (text, problems)


@pytest.mark.parametrize("update, words", [
    ({"market_timezone": "Mars/Olympus"}, "not a known time zone"),
    ({"job_deadline_s": 30.0, "http_deadline_s": 60.0}, "not above http_deadline_s"),
    ({"schedule_news": "61 25 * * *"}, "schedule_news is not a schedule"),
])
def test_more_bad_values_are_named(settings, update, words):
    problems = check_settings(settings.model_copy(update=update))
    assert len(problems) == 1 and words in problems[0]


def test_every_problem_is_named_at_once(settings, tmp_path):
    bad = {"watchlist": "[AAPL", "stale_after_overrides": "{news", "http_timeout_s": "soon",
           "schedule_news": "61 25 * * *", "schedule_leads": "a b c d e", "schedule_learn": "every 0s",
           "market_timezone": "Mars/Olympus", "discord_webhook_url": "https://evil.example/api/webhooks/1/x"}
    loaded, problems = load_settings(_env_file=None, data_dir=tmp_path / "var", **bad)
    assert loaded is None  # unreadable values: nothing may run on them
    text = "\n".join(problems)
    for name in bad:
        assert name in text.lower(), (name, text)
    assert "evil.example" not in text and len(problems) == len(bad)


def test_a_loopback_webhook_is_allowed_for_local_fakes(settings):
    url = SecretStr("http://127.0.0.1:8123/api/v10/webhooks/1/tok-en")
    assert check_settings(settings.model_copy(update={"discord_webhook_url": url})) == []
