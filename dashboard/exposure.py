"""No dashboard beyond this machine without a password, wherever Streamlit was started from.

Streamlit reads ``.streamlit/config.toml`` from the *working directory*: started from another
folder, it listens on every interface. The bind address cannot be changed once the server runs,
so the app itself refuses: without a ``dashboard_password`` it serves a page only when the
server is bound to loopback *and* the browser connects from loopback (``st.context.ip_address``
is None for loopback peers); anything else gets a refusal that says how to fix it, and no data.
"""
from __future__ import annotations

import streamlit as st

from core.sources.destinations import is_loopback_host  # "" / None (every interface): not loopback


def exposure_problem(password_set: bool, bind_address: str | None, client_ip: str | None,
                     browser_connected: bool) -> str | None:
    """Why this session must not be served, or None. ``client_ip`` None means a loopback peer."""
    if password_set:
        return None  # the password gate protects it
    if client_ip is not None and not is_loopback_host(client_ip):
        return f"this dashboard has no password and you connect from {client_ip}, not this machine"
    if browser_connected and not is_loopback_host(bind_address):
        shown = bind_address or "every interface"
        return f"this dashboard has no password and listens on {shown}"
    return None


def allowed(password_set: bool) -> bool:
    """Render a refusal and return False when the session must not be served."""
    ip = st.context.ip_address
    try:
        host_header = st.context.headers.get("host")
    except Exception:  # noqa: BLE001 - no HTTP request behind this session
        host_header = None
    # AppTest runs scripts with a stand-in client (no real peer): only strings are real values
    problem = exposure_problem(password_set, st.get_option("server.address"),
                               ip if isinstance(ip, str) else None,
                               browser_connected=isinstance(host_header, str))
    if problem is None:
        return True
    st.title("signaldesk")
    st.error(f"Refused: {problem}. Set `dashboard_password` in .streamlit/secrets.toml, or start "
             "it with `make run` / `python -m jobs up` (binds 127.0.0.1).")
    return False
