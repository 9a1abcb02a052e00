"""Where a fetch may go: the network side of the threat model (docs/threat-model.md).

Only http(s) URLs with a host; in offline mode only this machine; and a redirect from a public
feed never to this machine, the LAN or a link-local metadata service. Host names are not
resolved here. ``is_loopback_host`` is also the dashboard's test of who may see it unlocked.
"""
from __future__ import annotations

import ipaddress

from yarl import URL


def is_loopback_host(host: str | None) -> bool:
    """``localhost`` (and ``*.localhost``), 127.0.0.0/8 or ::1, with or without brackets."""
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_private_host(host: str) -> bool:
    """Loopback, private, link-local (169.254.x: cloud metadata), unique-local or unspecified."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: not resolved here (see docs/threat-model.md)
    return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_reserved


def redirect_refusal(origin_host: str, target_host: str) -> str | None:
    """Why a redirect from a feed on ``origin_host`` to ``target_host`` is not followed: a
    public feed may not send us to this machine, the LAN or a link-local metadata service."""
    if is_private_host(target_host) and not is_private_host(origin_host):
        return f"to a private or link-local address ({target_host}) from a public feed"
    return None


def target_problem(url: str, offline: bool) -> str | None:
    """Why ``url`` is not fetched at all, or None: only http(s) URLs with a host; offline, only
    loopback hosts."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        return "invalid URL"
    host = (parsed.host or "").lower()
    if parsed.scheme not in ("http", "https") or not host:
        return "invalid URL: only http(s) URLs with a host are fetched"
    if offline and not is_loopback_host(host):
        return f"offline mode: not fetching from {host}"
    return None
