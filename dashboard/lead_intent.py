"""The inbox's intent parts: the Requests / Offers / Other filter and why a lead is a request."""
import streamlit as st

INTENT_VIEWS = {"Requests": "request", "Offers": "offer", "Other": "other", "All": None}


def intent_filter() -> str | None:
    """Sidebar radio; 'Offers' is the competition's ads (kept, never in the inbox by default)."""
    label = st.radio("Intent", list(INTENT_VIEWS), index=0, key="lead_intent", horizontal=True,
                     help="Requests: someone wants to pay for work. Offers: someone offers work "
                          "(the competition). Other: discussion, meta, news.")
    return INTENT_VIEWS[label]


def intent_columns() -> dict:
    return {
        "intent": st.column_config.TextColumn("Intent"),
        "intent_reason": st.column_config.TextColumn("Why", width="medium"),
    }


def show_intent(lead: dict) -> None:
    conf = lead.get("intent_confidence")
    st.text(f"Intent: {lead.get('intent') or 'not scored'}"
            + (f" ({conf:.2f}) — {lead.get('intent_reason')}" if conf is not None else ""))
    if lead.get("score_reason"):
        st.text(f"Rank: {lead['score_reason']}")
