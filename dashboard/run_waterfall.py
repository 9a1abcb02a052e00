"""The run waterfall on the Jobs page: pick a job run or a Discord batch, see its spans on a
timeline (which feed was slow, which retried, where the time went).

Spans come from the local span table (``core.store.trace_spans``, written by ``core.tracing``).
``waterfall_rows`` (pure) puts them in tree order with their depth and offset; ``figure`` draws
one horizontal bar per span, offset from the trace's start, failed spans in red.
"""
from __future__ import annotations

import json

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import components, data

COLORS = {"error": "#d62728", "ok": "#2ca02c", "unset": "#1f77b4"}
# attributes worth showing on a bar's label: the feed's host, the HTTP status, attempts, a cache hit
_LABEL_KEYS = ("server.address", "http.response.status_code", "signaldesk.symbol", "error.type")


@st.cache_data(ttl=10, show_spinner=False, max_entries=64)
def _traces(path: str, limit: int) -> pl.DataFrame:
    from core.store import trace_spans

    return trace_spans.recent_traces(data.store(), limit)


@st.cache_data(ttl=60, show_spinner=False, max_entries=64)
def _spans(path: str, trace_id: str) -> pl.DataFrame:
    from core.store import trace_spans

    return trace_spans.trace_spans(data.store(), trace_id)


def _choice_label(row: dict) -> str:
    run = f" · run {row['run_id']}" if row["run_id"] else ""
    errors = f" · {row['errors']} failed span(s)" if row["errors"] else ""
    return (f"{row['name']}{run} · {row['start_at']:%Y-%m-%d %H:%M:%S} · "
            f"{row['duration_ms'] / 1000:.2f} s · {row['spans']} spans{errors}")


def waterfall_rows(spans: pl.DataFrame) -> list[dict]:
    """Spans in tree order (each parent before its children, siblings by start) with ``depth``,
    ``offset_ms`` from the trace's start and a short ``label``; orphans (parent not stored) are
    shown at the top level."""
    if spans.is_empty():
        return []
    rows = spans.sort("start_at").to_dicts()
    t0 = rows[0]["start_at"]
    ids = {r["span_id"] for r in rows}
    children: dict[str | None, list[dict]] = {}
    for r in rows:
        parent = r["parent_span_id"] if r["parent_span_id"] in ids else None
        children.setdefault(parent, []).append(r)
    out: list[dict] = []

    def walk(parent: str | None, depth: int) -> None:
        for r in children.get(parent, []):
            attrs = json.loads(r["attributes"] or "{}")
            bits = [str(attrs[k]) for k in _LABEL_KEYS if attrs.get(k) not in (None, "")]
            attempts = attrs.get("signaldesk.http.attempts") or attrs.get("signaldesk.attempts")
            if attempts and attempts > 1:
                bits.append(f"{attempts} attempts")
            if attrs.get("signaldesk.http.cache_hit"):
                bits.append("304")
            out.append({**r, "depth": depth, "attrs": attrs,
                        "offset_ms": (r["start_at"] - t0).total_seconds() * 1000,
                        "label": "\u203a " * depth + r["name"] + (f" ({', '.join(bits)})" if bits else "")})
            walk(r["span_id"], depth + 1)

    walk(None, 0)
    return out


def figure(rows: list[dict]) -> go.Figure:
    fig = go.Figure(go.Bar(
        orientation="h",
        y=list(range(len(rows))),
        x=[max(r["duration_ms"], 0.01) for r in rows],
        base=[r["offset_ms"] for r in rows],
        marker_color=[COLORS.get(r["status"], COLORS["unset"]) for r in rows],
        customdata=[[r["name"], r["status"], r["status_message"] or "", r["duration_ms"]] for r in rows],
        hovertemplate="%{customdata[0]}<br>%{customdata[3]:.1f} ms, status %{customdata[1]}"
                      "<br>%{customdata[2]}<extra></extra>",
    ))
    fig.update_yaxes(tickvals=list(range(len(rows))), ticktext=[r["label"] for r in rows],
                     autorange="reversed")
    fig.update_xaxes(title_text="ms since the run started")
    fig.update_layout(height=max(220, 28 * len(rows) + 80), margin=dict(l=10, r=10, t=10, b=40),
                      showlegend=False)
    return fig


def render(limit: int = 50) -> None:
    """The section: a run/batch picker, its waterfall, and its spans' attributes."""
    st.subheader("Run waterfall")
    traces = _traces(data._key(), limit)
    if traces.is_empty():
        components.empty_state("No traces yet: every job run and Discord batch records its spans here.")
        return
    choices = traces.to_dicts()
    picked = st.selectbox("Run or Discord batch", range(len(choices)), key="waterfall_trace",
                          format_func=lambda i: _choice_label(choices[i]))
    rows = waterfall_rows(_spans(data._key(), choices[picked or 0]["trace_id"]))
    st.plotly_chart(figure(rows), width="stretch", key="waterfall_chart")
    failed = [r for r in rows if r["status"] == "error"]
    for r in failed[:10]:
        st.caption(f":red[{r['name']}] failed: {r['status_message'] or 'no reason recorded'}")
    with st.expander("Span attributes"):
        st.dataframe(pl.DataFrame([{"span": r["label"], "ms": round(r["duration_ms"], 1),
                                    "status": r["status"], "attributes": json.dumps(r["attrs"])}
                                   for r in rows]), hide_index=True)
