"""News page: why a story got its sentiment (rule hits and the learned layer's contributions).

Pure computation on the row's own text (``core.sentiment.explain``): no SQL here. The text
explained is the one scored at ingest, ``"title. summary"`` (or the title alone).
"""
from __future__ import annotations

import polars as pl
import streamlit as st

from core.sentiment.explain import explain
from core.store.rescore import compose_text


def explain_rows(found: pl.DataFrame, key: str = "news_explain") -> None:
    """An expander with a story picker and the top contributions behind its label."""
    if found.is_empty():
        return
    titles = found["title"].to_list()
    summaries = found["summary"].to_list() if "summary" in found.columns else [None] * len(titles)
    with st.expander("Why this sentiment? (rule hits and learned weights behind a story's label)"):
        i = st.selectbox("Story", list(range(len(titles))), key=key,
                         format_func=lambda k: (titles[k] or "(no title)")[:120])
        e = explain(compose_text(titles[i], summaries[i]))
        who = ("the learned layer" if e.decided_by == "model" else
               "the rules (the learned layer was not sure enough)" if e.decided_by == "rules"
               else "nothing: the text is blank")
        st.markdown(f"**{e.score.label}** ({e.score.compound:+.3f}), decided by {who}; "
                    f"learned layer's probability of its own label: {e.probability:.2f}")
        left, right = st.columns(2)
        left.dataframe(pl.DataFrame({"rule hit": [k for k, _ in e.rule_hits],
                                     "valence": [v for _, v in e.rule_hits]},
                                    schema={"rule hit": pl.String, "valence": pl.Float64}),
                       hide_index=True, key=f"{key}_rules")
        right.dataframe(pl.DataFrame({f"toward {e.score.label}": [k for k, _ in e.contributions],
                                      "weight": [v for _, v in e.contributions]},
                                     schema={f"toward {e.score.label}": pl.String,
                                             "weight": pl.Float64}),
                        hide_index=True, key=f"{key}_learned")
