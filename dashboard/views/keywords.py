"""Keywords: edit the table beside the learned weights, accept suggestions, preview the ranking."""
import polars as pl
import streamlit as st

from dashboard import actions, components, data, forms

EDITABLE = ["term", "weight", "enabled", "negative", "whole_word"]

st.title("Keywords")
components.show_flash()  # the confirmation the last action left before its st.rerun()
st.caption("A lead matches when a positive keyword occurs and no negative one does; its score is the "
           "sum of matched weights, halved for every day of age. Learned weights come from which "
           "leads converted (hourly learn job).")

table = data.keyword_table()
if table.is_empty():
    components.empty_state("No keywords yet — add rows below (e.g. 'discord bot', weight 2.5) and save.")

edited = st.data_editor(
    table, key="kw_editor", num_rows="dynamic", hide_index=True, width="stretch",
    disabled=["learned_weight", "rate_low", "rate_high", "conversions", "trials", "learned_at"],
    column_config={
        "term": st.column_config.TextColumn("Term", required=True, max_chars=200),
        "weight": st.column_config.NumberColumn("Weight", min_value=0.0, max_value=forms.MAX_WEIGHT,
                                                step=0.1, format="%.2f", default=1.0),
        "enabled": st.column_config.CheckboxColumn("Enabled", default=True),
        "negative": st.column_config.CheckboxColumn("Negative", default=False,
                                                    help="A post containing this term is excluded"),
        "whole_word": st.column_config.CheckboxColumn("Whole word", default=False),
        "learned_weight": st.column_config.NumberColumn("Learned weight", format="%.2f"),
        "rate_low": st.column_config.NumberColumn("Rate low", format="percent"),
        "rate_high": st.column_config.NumberColumn("Rate high", format="percent"),
        "conversions": st.column_config.NumberColumn("Won"),
        "trials": st.column_config.NumberColumn("Leads"),
        "learned_at": st.column_config.DatetimeColumn("Learned at", format="YYYY-MM-DD HH:mm"),
    },
)
edited = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
edited_keywords = edited.select(EDITABLE)
problems = forms.keyword_problems(edited_keywords)
for problem in problems:
    st.error(problem)

with st.container(horizontal=True):
    if st.button("Save keywords", type="primary", disabled=bool(problems), icon=":material/save:"):
        removed = sorted(set(table["term"].to_list()) - set(edited_keywords["term"].str.strip_chars()
                                                             .str.to_lowercase().to_list()))
        n = actions.save_keywords(forms.clean_keywords(edited_keywords), removed)
        st.session_state.pop("kw_editor", None)
        components.flash(f"Saved {n} keywords" + (f", removed {len(removed)}" if removed else ""))
        st.rerun()
    preview = st.button("Preview ranking", icon=":material/preview:", disabled=bool(problems),
                        help="How today's leads would rank with the edited weights (nothing is saved)")

st.subheader("Learned suggestions")
suggestions = table.filter(pl.col("learned_weight").is_not_null())
if suggestions.is_empty():
    components.empty_state("No learned weights yet — the learn job computes them hourly once leads "
                           "have outcomes (won/lost) on the Leads page.")
else:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        term = st.selectbox("Keyword", suggestions["term"].to_list(), key="suggest_term",
                            format_func=lambda t: t)
        if st.button("Accept suggestion"):
            actions.accept_suggestions([term])
            st.session_state.pop("kw_editor", None)
            components.flash(f"Accepted the learned weight for {term}")
            st.rerun()
        if st.button("Accept all suggestions"):
            n = actions.accept_suggestions(None)
            st.session_state.pop("kw_editor", None)
            components.flash(f"Accepted {n} learned weights")
            st.rerun()

if preview:
    st.subheader("Preview: last 24 hours of leads with the edited weights")
    ranking = data.preview_ranking(forms.clean_keywords(edited_keywords))
    components.table(ranking, "No leads in the last 24 hours to preview.", {
        "new_score": st.column_config.NumberColumn("New score", format="%.2f"),
        "old_score": st.column_config.NumberColumn("Stored score", format="%.2f"),
    })
