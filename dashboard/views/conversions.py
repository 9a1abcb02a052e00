"""Conversions: the lead funnel, conversion by keyword, platform and week, time to convert."""
import streamlit as st

from dashboard import charts, components, data, recent

st.title("Conversions")
st.caption("Conversion rate = won / decided (won, lost or ignored); open leads are left out because "
           "their outcome is not known yet. A lead counts for every stage it ever reached.")

with st.sidebar:
    st.subheader("Conversion filters")
    days = st.select_slider("Leads posted in the last (days)", options=[7, 30, 90, 180, 365], value=90,
                            key="conv_days")

window = recent.leads_window(days)  # the last `days`, or the `days` up to the newest lead
components.anchored_note("leads posted", days, window)
conv = data.conversions(window.since)
if conv["leads"] == 0:
    components.empty_state("No leads yet — the leads job fetches them every 5 minutes (run it from the "
                           "Jobs page); then mark leads contacted, won or lost in the Leads inbox and the "
                           "funnel fills in.")
    st.stop()
if conv["decided"] == 0:
    components.empty_state(f"No outcomes yet: none of these {conv['leads']} leads is won, lost or "
                           "ignored. Mark leads won or lost in the Leads inbox — conversion rates need "
                           "decided leads.")

left, right = st.columns(2)
with left:
    st.subheader("Funnel")
    st.plotly_chart(charts.funnel(conv["funnel"]), width="stretch")
with right:
    st.subheader("Time to convert")
    ttc = conv["time_to_convert"]
    if ttc.is_empty():
        components.empty_state("No lead was won in this window yet.")
    else:
        st.plotly_chart(charts.histogram(ttc["hours"].to_list(), "hours from first status change to won"),
                        width="stretch")

RATE_COLUMNS = {
    "group": st.column_config.TextColumn("Group"),
    "rate": st.column_config.ProgressColumn("Conversion", min_value=0.0, max_value=1.0, format="percent"),
    "rate_all": st.column_config.NumberColumn("Won / all", format="percent"),
}
for title, key in [("By keyword", "by_keyword"), ("By platform", "by_platform"), ("By week", "by_week")]:
    st.subheader(title)
    st.dataframe(conv[key], hide_index=True, column_config=RATE_COLUMNS)
