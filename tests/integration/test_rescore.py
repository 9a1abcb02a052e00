"""Re-scoring stored rows: a real DuckDB store in a temp dir, seeded with stale scores."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from core import sentiment
from core.store import Store
from core.store.rescore import compose_text, count_rows, read_page, write_scores
from jobs.commands.rescore import rescore_table

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 1, 2, 3, 4, 5)

NEWS = [  # id, title, summary, stale score (as plain VADER would have stored it)
    ("n1", "Shares plunge after earnings miss", None, 0.2),
    ("n2", "Firm files for bankruptcy", "Creditors expect little back.", 0.0),
    ("n3", "Revenue rises 20%", "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn.", 0.0),
]
LEADS = [
    ("l1", "Costs rose sharply", "Our margins are shrinking; looking for a developer.", 0.0),
    ("l2", "", None, 0.0),
]


def _seed(store: Store) -> None:
    with store.write() as con:
        for id_, title, summary, stale in NEWS:
            con.execute(
                "INSERT INTO news (id, source, title, summary, fetched_at, sentiment, "
                "sentiment_label) VALUES (?, 'test', ?, ?, ?, ?, 'positive')",
                [id_, title, summary, NOW, stale])
        for id_, title, body, stale in LEADS:
            con.execute(
                "INSERT INTO leads (id, platform, title, body, fetched_at, sentiment, "
                "sentiment_label) VALUES (?, 'reddit', ?, ?, ?, ?, 'positive')",
                [id_, title, body, NOW, stale])


def _stored(store: Store, table: str) -> dict[str, tuple[float, str]]:
    with store.read() as con:
        rows = con.execute(f"SELECT id, sentiment, sentiment_label FROM {table}").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.mark.timeout(30)
def test_rescore_updates_stale_scores_in_small_batches(store: Store) -> None:
    _seed(store)
    scored, changed, batches = rescore_table(store, "news", batch_size=2)
    assert (scored, batches) == (3, 2)
    assert changed == 3
    news = _stored(store, "news")
    assert news["n1"][1] == "negative" and news["n1"][0] < 0
    assert news["n2"][1] == "negative"
    assert news["n3"][1] == "positive" and news["n3"][0] > 0
    for id_, title, summary, _ in NEWS:
        expected = sentiment.score(compose_text(title, summary))
        assert news[id_] == (expected.compound, expected.label)

    scored, changed, _ = rescore_table(store, "leads", batch_size=10)
    leads = _stored(store, "leads")
    assert scored == 2 and changed == 2
    assert leads["l1"][1] == "negative"
    assert leads["l2"] == (0.0, "neutral")  # empty text is neutral


@pytest.mark.timeout(30)
def test_rescore_is_idempotent_and_pages_by_id(store: Store) -> None:
    _seed(store)
    rescore_table(store, "news", batch_size=1)
    assert rescore_table(store, "news", batch_size=1) == (3, 0, 3)  # nothing left to change
    assert [r.id for r in read_page(store, "news", None, 2)] == ["n1", "n2"]
    assert [r.id for r in read_page(store, "news", "n2", 2)] == ["n3"]
    assert count_rows(store, "news") == 3
    assert write_scores(store, "news", [], [], []) == 0
    with pytest.raises(ValueError):
        read_page(store, "prices", None, 1)


@pytest.mark.timeout(60)
def test_rescore_command_prints_summary(store: Store, settings) -> None:
    _seed(store)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALDESK_")}
    env["SIGNALDESK_DATA_DIR"] = str(settings.data_dir)
    env["SIGNALDESK_STORE_FILE"] = settings.store_file
    env["SIGNALDESK_OFFLINE"] = "true"
    done = subprocess.run([sys.executable, "-m", "jobs", "rescore", "--batch-size", "2"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=50)
    assert done.returncode == 0, done.stderr
    assert "news: 3 rows scored in 2 batches, 3 changed" in done.stdout
    assert "leads: 2 rows scored in 1 batches, 2 changed" in done.stdout
    assert _stored(store, "news")["n1"][1] == "negative"

    help_ = subprocess.run([sys.executable, "-m", "jobs", "rescore", "--help"], cwd=REPO,
                           env=env, capture_output=True, text=True, timeout=50)
    assert help_.returncode == 0 and "--batch-size" in help_.stdout
