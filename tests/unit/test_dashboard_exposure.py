"""The dashboard serves beyond loopback only behind a password, whatever the bind config says."""
from __future__ import annotations

import pytest

from core.sources.destinations import is_loopback_host
from dashboard.exposure import exposure_problem

pytestmark = pytest.mark.timeout(30)


@pytest.mark.parametrize("bind, client, connected, refused", [
    ("127.0.0.1", None, True, False),          # make run / jobs up: loopback only
    ("localhost", None, True, False),
    ("::1", None, True, False),
    (None, None, True, True),                  # streamlit run from another folder: all interfaces
    ("", None, True, True),
    ("0.0.0.0", None, True, True),
    ("192.168.1.20", None, True, True),
    ("0.0.0.0", "192.168.1.7", True, True),    # a colleague's browser
    ("127.0.0.1", "10.0.0.5", True, True),     # behind a forwarding proxy from elsewhere
    ("127.0.0.1", "127.0.0.2", True, False),
    (None, None, False, False),                # no browser (AppTest, bare run): nothing exposed
])
def test_without_a_password_only_loopback_is_served(bind, client, connected, refused):
    assert (exposure_problem(False, bind, client, connected) is not None) == refused


@pytest.mark.parametrize("bind, client", [(None, "192.168.1.7"), ("0.0.0.0", None), ("::", "2001:db8::1")])
def test_a_password_makes_any_binding_acceptable(bind, client):
    assert exposure_problem(True, bind, client, True) is None


def test_loopback_names():
    assert is_loopback_host("127.0.0.1") and is_loopback_host("[::1]") and is_loopback_host("LOCALHOST")
    assert not is_loopback_host("0.0.0.0") and not is_loopback_host("::") and not is_loopback_host("example.com")
