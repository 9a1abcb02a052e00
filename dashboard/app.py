"""signaldesk dashboard entry point: a frame around the pages.

Sets the page config, the optional password gate, the shared sidebar and ``st.navigation``.
Each page lives in ``dashboard/views/<name>.py`` and reads like a description of its UI.

Test seam: the settings come from ``st.session_state["settings"]`` when a test put a
``Settings`` there (``at.session_state["settings"] = settings`` before ``at.run()``), else from
``get_settings()`` (environment / ``.env``). See ``dashboard/data.py``.
"""
from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

from dashboard import components, data, exposure  # noqa: E402

HERE = Path(__file__).resolve().parent
PAGES = [  # (file, title, icon); pages whose file is missing are simply not listed
    ("views/overview.py", "Overview", ":material/dashboard:"),
    ("views/signals.py", "Signals", ":material/candlestick_chart:"),
    ("views/news.py", "News", ":material/newspaper:"),
    ("views/leads.py", "Leads inbox", ":material/inbox:"),
    ("views/keywords.py", "Keywords", ":material/key:"),
    ("views/conversions.py", "Conversions", ":material/filter_alt:"),
    ("views/discord.py", "Discord", ":material/forum:"),
    ("views/jobs.py", "Jobs", ":material/schedule:"),
    ("views/exports.py", "Exports", ":material/download:"),
    ("views/settings.py", "Settings", ":material/settings:"),
]

st.set_page_config(page_title="signaldesk", page_icon=":material/radar:", layout="wide")

if not exposure.allowed(components.password_configured()) or not components.password_gate():
    st.stop()

pages = [st.Page(f, title=t, icon=i, default=(n == 0))
         for n, (f, t, i) in enumerate(PAGES) if (HERE / f).is_file()]
page = st.navigation(pages)

with data.store().shared_reads():  # one store connection per page run, opened at its first read
    with st.sidebar:
        components.sidebar_footer(data.current_settings())
    page.run()
