"""No test reaches the internet: a TCP connect to anything but loopback fails at once, naming
the address. A UDP connect sends nothing and stays allowed; the loopback fakes and the
dashboards under test are on 127.0.0.1.

Installed in the test process (``tests/conftest.py``) and, through ``tests/child_guard/``'s
``sitecustomize`` on ``CHILD_PYTHONPATH``, in every Python process a test starts (the CLI, the
runner, Streamlit), so a child cannot reach a host a test names either.
"""
from __future__ import annotations

import ipaddress
import socket


def is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name: resolving and reaching it is the internet


def install():
    """Guard ``socket.socket.connect`` / ``connect_ex``; returns a function that undoes it."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.type == socket.SOCK_STREAM \
                and not is_loopback(address):
            raise ConnectionRefusedError(f"test tried to reach {address!r}: tests stay on loopback")

    def connect(sock, address):
        guard(sock, address)
        return real_connect(sock, address)

    def connect_ex(sock, address):
        guard(sock, address)
        return real_connect_ex(sock, address)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex

    def undo():
        socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex

    return undo
