"""Discord: pick items or today's digest, preview the embeds, post behind a confirmation."""
import streamlit as st

from dashboard import actions, components, data

KINDS = {"Today's digest": "digest", "Leads": "lead", "Signals": "signal", "News": "news"}

st.title("Discord")
settings = data.current_settings()
publish = data.optional("core.publish")
if publish is None:
    components.unavailable("Posting to Discord", "core.publish")
    st.stop()
if settings.dry_run:
    st.info(f"Dry run: {publish.DRY_RUN_REASON}. Posts are rendered and recorded as previews, "
            "never sent.", icon=":material/visibility:")

choice = st.segmented_control("What to post", list(KINDS), default="Today's digest", key="dc_kind")
kind = KINDS[choice or "Today's digest"]
items = None
if kind != "digest":
    candidates = data.post_candidates(kind)
    if candidates.is_empty():
        components.empty_state(f"Nothing to post yet: no {choice.lower()} in the store.")
        st.stop()
    labels = {i: (f"{r.get('symbol')} {r.get('composite') or 0:+.2f}" if kind == "signal"
                  else str(r.get("title") or r.get("id")))
              for i, r in enumerate(candidates.iter_rows(named=True))}
    picked = st.multiselect("Items", list(labels), default=list(labels)[:3], format_func=lambda i: labels[i],
                            key="dc_items", max_selections=25)
    if not picked:
        st.warning("Pick at least one item to preview and post.")
        st.stop()
    items = candidates[picked]

payloads = data.preview(kind, items)
st.subheader("Preview")
components.render_payloads(payloads)


def _close_dialog() -> None:
    st.session_state["dc_confirming"] = False


@st.dialog("Post to Discord?", on_dismiss=_close_dialog)
def confirm(kind: str, items) -> None:
    target = "the dry-run ledger (nothing is sent)" if settings.dry_run else "the configured channel"
    st.write(f"This posts {len(payloads)} message(s) to {target}. Items already posted are skipped.")
    with st.container(horizontal=True):
        go = st.button("Confirm post", type="primary", key="dc_confirm")
        if st.button("Cancel", key="dc_cancel"):
            _close_dialog()
            st.rerun()
    if go:
        with st.status("Posting…", expanded=True) as status:
            try:
                report = actions.post_digest() if kind == "digest" else actions.post_items(kind, items)
            except actions.Unavailable as exc:
                components.unavailable("Posting", exc.module)
                return
            status.update(label="Done", state="complete" if getattr(report, "ok", True) else "error")
        st.session_state["dc_last_report"] = report
        _close_dialog()
        st.rerun()


# The open dialog is remembered in session_state, so the confirmation survives the rerun its
# own button causes (also under AppTest), and closing it (X or Cancel) forgets it.
if st.button("Post digest" if kind == "digest" else "Post selected", type="primary", icon=":material/send:",
             key="dc_post", disabled=not payloads):
    st.session_state["dc_confirming"] = True
if st.session_state.get("dc_confirming"):
    confirm(kind, items)
if st.session_state.get("dc_last_report") is not None:
    st.subheader("Last post")
    components.post_report(st.session_state["dc_last_report"])

st.subheader("Post history")
counts = data.post_counts()
with st.container(horizontal=True, border=True):
    for row in counts.iter_rows(named=True):
        st.metric(row["status"].capitalize(), row["posts"])
status_filter = st.selectbox("Status", ["any", "sent", "failed", "unknown", "pending", "preview"],
                             key="dc_status")
history = data.post_history(200, None if status_filter == "any" else status_filter)
components.table(history, "Nothing posted yet.", {
    "error": st.column_config.TextColumn("Reason", width="large"),
    "updated_at": st.column_config.DatetimeColumn("Updated (UTC)", format="YYYY-MM-DD HH:mm"),
})

failed = data.post_history(100, "failed")
if not failed.is_empty():
    keys = st.multiselect("Failed posts to retry (empty = every failure that certainly did not post)",
                          failed["idempotency_key"].to_list(), key="dc_retry_keys")
    if st.button("Retry failed", icon=":material/replay:", key="dc_retry"):
        with st.status("Retrying…") as status:
            report = actions.retry_failed(keys or None)
            status.update(label="Done", state="complete")
            components.post_report(report)
