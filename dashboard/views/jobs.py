"""Jobs: schedules, last/next run and status (refreshing itself), durations, errors, paused sources."""
import streamlit as st

from dashboard import actions, charts, components, data, providers, run_waterfall

st.title("Jobs")
st.caption("The dashboard never runs network jobs itself: 'Run now' queues a request that the job "
           "runner (`python -m jobs up`) picks up within seconds.")

providers.next_session_line()  # issue #16: NYSE calendar
schedule = data.job_schedule()
if schedule:
    st.subheader("Schedule")
    st.dataframe(schedule, hide_index=True, column_config={
        "next_run": st.column_config.DatetimeColumn("Next run (UTC)", format="YYYY-MM-DD HH:mm"),
        "stale_after_h": st.column_config.NumberColumn("Stale after (h)", format="%.1f",
                                                       help="No successful run for this long raises a stale alert."),
    })
    with st.container(horizontal=True):
        for job in schedule:
            if st.button(f"Run {job['job']} now", key=f"run_{job['job']}", icon=":material/play_arrow:"):
                try:
                    request_id = actions.request_run(job["job"])
                    st.toast(f"Queued {job['job']} (request {request_id})")
                except actions.Unavailable as exc:
                    components.unavailable("Run now", exc.module)


@st.fragment(run_every="10s")
def live_status() -> None:
    state = data.jobs()
    st.subheader("Status")
    components.table(state["status"], "No job has run yet — start the runner with `python -m jobs up`, "
                     "or queue one with a 'Run now' button.", {
                         "last_duration_s": st.column_config.NumberColumn("Duration (s)", format="%.1f"),
                         "last_error": st.column_config.TextColumn("Last error or problems", width="large",
                                                                   help="Why the last run failed or was partial"),
                     })
    if not state["pending"].is_empty():
        st.info(f"{state['pending'].height} run request(s) waiting for the runner.")
    st.caption(f"Refreshes every 10 s · {data.utcnow():%H:%M:%S} UTC")


live_status()
state = data.jobs()
for stale in data.alerts()["stale_jobs"].iter_rows(named=True):
    components.stale_job_warning(stale)

st.subheader("Durations (last 7 days)")
if state["durations"].is_empty():
    components.empty_state("No finished runs in the last 7 days.")
else:
    st.plotly_chart(charts.durations(state["durations"]), width="stretch")

run_waterfall.render()  # spans of a picked run or Discord batch

st.subheader("Errors grouped by fingerprint (last 7 days)")
components.table(state["errors"], "No failures in the last 7 days.", {
    "example": st.column_config.TextColumn("Example", width="large"),
    "last_seen": st.column_config.DatetimeColumn("Last seen", format="YYYY-MM-DD HH:mm"),
}, all_clear=True)

st.subheader("Paused sources")
components.table(state["paused"], "No source is paused.", {
    "last_error": st.column_config.TextColumn("Why", width="large"),
    "paused_until": st.column_config.DatetimeColumn("Paused until (UTC)", format="YYYY-MM-DD HH:mm"),
}, all_clear=True)

providers.usage_panel()  # issue #16: vendor calls against limits
providers.alerts_table()
