"""Windows anchored to the data (core.store.time_windows) and the Discord markdown preview."""
from datetime import date, datetime, timedelta

import pytest

from core.replay import replay_files
from core.seed import sample_files
from core.store import time_windows
from core.store.time_windows import window
from dashboard.components import discord_markdown, flash_due

NOW = datetime(2026, 11, 26, 12, 0)


def test_window_keeps_last_n_days_when_it_holds_the_newest_row():
    win = window(NOW, NOW - timedelta(days=3), 7)
    assert (win.since, win.end, win.anchored) == (NOW - timedelta(days=7), NOW, False)


def test_window_moves_back_to_end_at_the_newest_row_when_empty():
    newest = datetime(2020, 11, 6)
    win = window(NOW, newest, 7)
    assert (win.since, win.end, win.newest) == (newest - timedelta(days=7), newest, newest)
    assert win.anchored


def test_window_on_an_empty_table_and_on_dates():
    assert window(NOW, None, 7).anchored is False
    win = window(NOW, date(2020, 11, 6), 30)  # signals.day is a DATE
    assert win.anchored and win.end == datetime(2020, 11, 6)


@pytest.mark.timeout(30)
def test_newest_reads_the_table_with_bound_filters(store, settings):
    assert time_windows.newest(store, "news", "published_at") is None
    replay_files(store, settings, "prices", sample_files()["prices"])
    assert time_windows.newest(store, "prices", "ts", symbol="aapl", interval="1d") == datetime(2020, 11, 6)
    # the 1m recording holds no bars (the replay records why)
    assert time_windows.newest(store, "prices", "ts", symbol="AAPL", interval="1m") is None
    assert time_windows.newest(store, "prices", "ts", symbol="MSFT") is None
    assert time_windows.count_rows(store, "prices", symbol="AAPL", interval="1d") == 50


@pytest.mark.timeout(30)
def test_newest_refuses_names_that_are_not_in_the_schema(store):
    with pytest.raises(ValueError):
        time_windows.newest(store, "news", 'published_at") FROM news; DROP TABLE news; --')
    with pytest.raises(ValueError):
        time_windows.newest(store, "no_such_table", "ts")
    with pytest.raises(ValueError):
        time_windows.newest(store, "news", "published_at", interval="1d")  # news has no interval


def test_discord_markdown_escapes_only_streamlit_only_syntax():
    assert discord_markdown("up $5 to $6") == "up \\$5 to \\$6"  # no LaTeX: Discord shows dollars
    assert discord_markdown(":red[alert]") == ":red\\[alert]"  # no colour directive
    assert discord_markdown("already \\$5") == "already \\$5"
    link = "score 6.8 · reddit · [open](https://example.com/lead/9) \\*\\*x\\*\\*"
    assert discord_markdown(link) == link  # links and escapes stay as Discord renders them


def test_flash_is_shown_at_least_once_then_until_it_expires():
    assert not flash_due(None, 0.0)
    item = {"message": "Lead marked contacted", "until": 10.0, "shown": False}
    assert flash_due(item, 100.0)  # a slow first run still shows it
    item["shown"] = True
    assert flash_due(item, 9.9)  # a run cut short by another rerun does not lose it
    assert not flash_due(item, 10.0)  # later runs forget it
