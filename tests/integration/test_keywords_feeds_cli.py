"""``python -m jobs keywords`` and ``feeds``: CSV round trip, merge, all-or-nothing import with line
numbers, and feed add/list/remove — the operations the Keywords and Settings pages offer."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.leads.keyword_csv import BadKeywordFile, read_keywords_csv
from tests.conftest import CHILD_PYTHONPATH

pytestmark = pytest.mark.timeout(120)
REPO = Path(__file__).resolve().parents[2]


def _cli(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALDESK_")}
    env.update({"SIGNALDESK_DATA_DIR": str(tmp_path / "var"), "SIGNALDESK_OFFLINE": "true", "PYTHONPATH": CHILD_PYTHONPATH})
    return subprocess.run([sys.executable, "-m", "jobs", "--log-level", "ERROR", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=100)


def test_keywords_round_trip_merge_and_refusal(tmp_path):
    first = tmp_path / "kw.csv"
    first.write_text("term,weight,negative,whole_word,enabled\nPython ,2.5,false,false,true\n"
                     "app,1,no,yes,1\n[for hire],1,true,false,true\n", encoding="utf-8")
    assert _cli(["keywords", "import", str(first)], tmp_path).returncode == 0
    out = tmp_path / "out.csv"
    assert _cli(["keywords", "export", str(out)], tmp_path).returncode == 0
    assert out.read_text() == ("term,weight,negative,whole_word,enabled\n[for hire],1,true,false,true\n"
                               "app,1,false,true,true\npython,2.5,false,false,true\n")
    # merge: a new term and a changed weight; other terms stay
    (tmp_path / "more.csv").write_text("term,weight\npython,4\nscraper,3\n", encoding="utf-8")
    assert _cli(["keywords", "import", str(tmp_path / "more.csv")], tmp_path).returncode == 0
    listed = _cli(["keywords", "list"], tmp_path).stdout.splitlines()
    assert "python,4,false,false,true" in listed and "scraper,3,false,false,true" in listed and len(listed) == 5
    # one bad row refuses the whole file, naming the line; nothing of it is imported
    (tmp_path / "bad.csv").write_text("term,weight,negative\nnewterm,1,false\nother,heavy,false\n,1,false\n")
    bad = _cli(["keywords", "import", str(tmp_path / "bad.csv")], tmp_path)
    assert bad.returncode == 1 and "line 3: " in bad.stderr and "line 4: term is empty" in bad.stderr
    assert "nothing imported" in bad.stderr and "Traceback" not in bad.stderr
    assert "newterm" not in _cli(["keywords", "list"], tmp_path).stdout


def test_feeds_add_list_remove(tmp_path):
    url = "https://www.reddit.com/r/hireaprogrammer/new/.rss"
    assert _cli(["feeds", "add", url, "--kind", "leads"], tmp_path).returncode == 0
    again = _cli(["feeds", "add", url, "--kind", "leads"], tmp_path)
    assert "already known" in again.stdout
    listed = _cli(["feeds", "list", "--kind", "leads"], tmp_path).stdout
    assert f"leads\ttrue\treddit\tr/hireaprogrammer\t{url}" in listed
    assert _cli(["feeds", "remove", url], tmp_path).returncode == 0
    assert url not in _cli(["feeds", "list"], tmp_path).stdout
    missing = _cli(["feeds", "remove", url], tmp_path)
    assert missing.returncode == 1 and "no feed" in missing.stderr
    assert _cli(["feeds", "add", "ftp://x", "--kind", "news"], tmp_path).returncode == 1


@pytest.mark.parametrize("text, problem", [
    ("weight\n1\n", "line 1: the header must name"), ("term,colour\nx,red\n", "unknown column"),
    ("term,weight\nx,-1\n", "line 2: weight must be"), ("term,enabled\nx,maybe\n", "line 2: enabled must be"),
    ("term\nx\nX\n", "line 3: term 'x' repeats line 2"), ("term,weight\nx,1,extra\n", "line 2: more fields"),
])
def test_csv_problems_are_named(text, problem):
    with pytest.raises(BadKeywordFile) as err:
        read_keywords_csv(text)
    assert problem in str(err.value)
