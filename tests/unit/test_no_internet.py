"""The suite's own guard (tests/conftest.py): a TCP connect beyond loopback fails at once."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(10)


def test_a_connect_beyond_loopback_is_refused_naming_the_address():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, \
            pytest.raises(ConnectionRefusedError, match="192.0.2.1"):
        s.connect(("192.0.2.1", 80))


def test_loopback_still_connects():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass


def test_a_process_the_test_starts_is_guarded_too():
    """Children inherit CHILD_PYTHONPATH, whose sitecustomize installs the same guard."""
    code = ("import socket\ns = socket.socket()\ntry:\n    s.connect(('192.0.2.1', 80))\n"
            "except ConnectionRefusedError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert "tests stay on loopback" in out.stdout and "192.0.2.1" in out.stdout, out.stderr
