"""Leads inbox: ranked leads, matched keywords as text, status changes, notes, links, Discord."""
import polars as pl
import streamlit as st

from core.models import LeadStatus
from dashboard import actions, components, data
from dashboard.lead_intent import intent_columns, intent_filter, show_intent

STATUS_ACTIONS = [  # (button label, status): labels are stable (the e2e test clicks them)
    ("Reviewed", LeadStatus.REVIEWED), ("Contacted", LeadStatus.CONTACTED),
    ("Replied", LeadStatus.REPLIED), ("Won", LeadStatus.WON), ("Lost", LeadStatus.LOST),
    ("Ignore", LeadStatus.IGNORED),
]

st.title("Leads inbox")
components.show_flash()  # the confirmation the last action left before its st.rerun()

with st.sidebar:
    st.subheader("Lead filters")
    status = st.selectbox("Status", [s.value for s in LeadStatus] + ["any"], index=0, key="lead_status")
    platform = st.selectbox("Platform", ["any"] + data.lead_platforms(), key="lead_platform")
    text = st.text_input("Search title or body", key="lead_text", max_chars=200)
    intent = intent_filter()

inbox = data.lead_inbox(None if status == "any" else status, None if platform == "any" else platform, text,
                        intent=intent)

if inbox.is_empty():
    if status == "new" and platform == "any" and not text and intent == "request":
        components.empty_state("No leads yet — the leads job runs every 5 minutes; run it now from the "
                               "Jobs page, or add lead feeds on the Settings page.")
    else:
        components.empty_state("No leads match these filters.")
    st.stop()

st.caption(f"{inbox.height} leads, best score first. Select rows to act on several at once.")
event = st.dataframe(
    inbox.drop("body"), key="inbox", on_select="rerun", selection_mode="multi-row", hide_index=True,
    column_order=["score", "intent", "title", "matched", "intent_reason", "platform", "source", "author",
                  "posted_at", "status", "note", "url"],
    column_config={
        **intent_columns(),
        "score": st.column_config.ProgressColumn("Score", min_value=0.0,
                                                 max_value=max(1.0, float(inbox["score"].max() or 1.0)),
                                                 format="%.3f"),  # as the picker below shows it
        "title": st.column_config.TextColumn("Title", width="large"),
        "matched": st.column_config.TextColumn("Matched keywords"),
        "posted_at": st.column_config.DatetimeColumn("Posted (UTC)", format="YYYY-MM-DD HH:mm"),
        "url": st.column_config.LinkColumn("Link", display_text="open"),
    },
)
selected_rows = event.selection.rows if event is not None else []
selected_ids = [inbox["id"][i] for i in selected_rows]

if selected_ids:
    with st.container(border=True):
        st.write(f"**{len(selected_ids)} selected**")
        with st.container(horizontal=True):
            for _label, to_status in STATUS_ACTIONS:
                if st.button(f"Mark {len(selected_ids)} {to_status.value}", key=f"bulk_{to_status}"):
                    try:
                        actions.set_lead_status(selected_ids, to_status.value)
                        st.session_state.pop("inbox", None)  # row numbers now point at other leads
                        components.flash(f"{len(selected_ids)} leads marked {to_status.value}")
                        st.rerun()
                    except actions.Unavailable as exc:
                        components.unavailable("Status changes", exc.module)
            if st.button("Post selected to Discord", icon=":material/send:", key="bulk_post"):
                try:
                    result = actions.post_items("lead", data.leads_by_ids(selected_ids))
                    components.post_report(result)
                except actions.Unavailable as exc:
                    components.unavailable("Posting to Discord", exc.module)

st.subheader("Lead")
titles = {row["id"]: f"{row['score'] or 0:.3f} · {row['title']}" for row in inbox.iter_rows(named=True)}
default = selected_ids[0] if selected_ids else inbox["id"][0]
lead_id = st.selectbox("Lead", list(titles), index=list(titles).index(default),
                       format_func=lambda i: titles[i], key="lead_pick")
lead = inbox.row(by_predicate=pl.col("id") == lead_id, named=True)

with st.container(border=True):
    st.text(lead["title"] or "(no title)")
    posted = f"{lead['posted_at']:%Y-%m-%d %H:%M} UTC" if lead["posted_at"] else "unknown time"
    st.text(f"{lead['platform']} · {lead['source']} · {lead['author'] or 'unknown author'} · "
            f"posted {posted} · status {lead['status']}")
    st.text(lead["body"] or "")
    st.text(f"Matched keywords: {lead['matched'] or '–'}")
    show_intent(lead)
    with st.container(horizontal=True):
        for label, to_status in STATUS_ACTIONS:
            if st.button(label, key=f"one_{to_status}", disabled=lead["status"] == to_status.value):
                try:
                    actions.set_lead_status([lead_id], to_status.value)
                    components.flash(f"Lead marked {to_status.value}")
                    st.rerun()
                except actions.Unavailable as exc:
                    components.unavailable("Status changes", exc.module)
        if lead["url"]:
            st.link_button("Open link", lead["url"], icon=":material/open_in_new:")
        if st.button("Post to Discord", icon=":material/send:", key="one_post"):
            try:
                result = actions.post_items("lead", data.leads_by_ids([lead_id]))
                components.post_report(result)
            except actions.Unavailable as exc:
                components.unavailable("Posting to Discord", exc.module)

    with st.form("note_form", clear_on_submit=False):
        note = st.text_area("Note", value=lead["note"] or "", max_chars=2000)
        if st.form_submit_button("Save note"):
            try:
                actions.set_lead_note(lead_id, note.strip())
                components.flash("Note saved")
                st.rerun()
            except actions.Unavailable as exc:
                components.unavailable("Notes", exc.module)

    history = data.lead_events(lead_id)
    if not history.is_empty():
        st.caption("History")
        st.dataframe(history, hide_index=True)
