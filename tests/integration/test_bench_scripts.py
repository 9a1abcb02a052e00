"""``make bench`` runs every ``bench/*.py`` as a script (``python bench/x.py``): each must at
least start that way (imports resolve from the checkout) and answer ``--help``. The figures
themselves are never part of the tests."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CHILD_GUARD

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = sorted(p.name for p in (REPO / "bench").glob("*.py") if p.name != "__init__.py")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("script", SCRIPTS)
def test_bench_script_starts_as_make_bench_runs_it(script):
    env = {**os.environ, "PYTHONPATH": CHILD_GUARD}  # the guard, not the repo
    out = subprocess.run([sys.executable, f"bench/{script}", "--help"], cwd=REPO, env=env,
                         capture_output=True, text=True, timeout=50)
    assert out.returncode == 0, out.stderr[-800:]
    assert "usage:" in out.stdout
