"""Imported by every Python process a test starts (``tests.conftest.CHILD_PYTHONPATH``): the
same loopback-only guard as the test process. Loaded by file path, so the child's import path
stays what the test gave it (a bench script run without the repo on it, say)."""
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "_signaldesk_no_internet", Path(__file__).resolve().parent.parent / "fakes" / "no_internet.py")
_guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_guard)
_guard.install()
