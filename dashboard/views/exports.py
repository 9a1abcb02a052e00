"""Exports: dataset + filters -> row count, then a CSV/Parquet download or a file in the exports folder."""
import streamlit as st

from dashboard import actions, components, data, recent

MAX_DOWNLOAD_ROWS = 2_000_000

st.title("Exports")
datasets = data.export_datasets()
if not datasets:
    components.unavailable("Exports", "core.exports")
    st.stop()

today = data.utcnow().date()
with st.container(border=True):
    name = st.selectbox("Dataset", list(datasets), key="ex_dataset")
    # Default: the last 30 days, or the 30 days up to the dataset's newest row (one range per dataset).
    start, end, window = recent.export_range(name, 30)
    dates = st.date_input("Date range (UTC, inclusive)", value=(start, end), key=f"ex_dates_{name}",
                          max_value=today)
    components.anchored_note(f"{name} rows", 30, window)
    filters = {}
    if datasets[name]:
        with st.container(horizontal=True):
            for f in datasets[name]:
                value = st.text_input(f"Filter: {f}", key=f"ex_f_{name}_{f}", max_chars=200,
                                      help="Exact value; leave empty for all")
                if value.strip():
                    filters[f] = value.strip()
    fmt = st.radio("Format", ["csv", "parquet"], horizontal=True, key="ex_fmt",
                   format_func={"csv": "CSV", "parquet": "Parquet"}.get)

if not isinstance(dates, (tuple, list)) or len(dates) != 2:
    st.warning("Pick a start and an end date.")
    st.stop()
since, until = dates
try:
    rows = data.export_count(name, since, until, filters)
except ValueError as exc:  # an unknown filter, said in words
    st.error(str(exc))
    st.stop()
st.metric("Rows to export", f"{rows:,}")
if rows == 0:
    components.empty_state("No rows match — widen the date range or clear a filter.")
    st.stop()

label = "CSV" if fmt == "csv" else "Parquet"
with st.container(horizontal=True):
    if rows > MAX_DOWNLOAD_ROWS:
        st.warning(f"Over {MAX_DOWNLOAD_ROWS:,} rows: write to the exports folder instead of downloading.")
    elif st.button(f"Prepare {label} download", key="ex_prepare", icon=":material/build:"):
        with st.status(f"Building {label}…") as status:
            st.session_state["ex_blob"] = (name, fmt, data.export_bytes(name, fmt, since, until, filters))
            status.update(label=f"{label} ready", state="complete")
    if st.button("Write to exports folder", key="ex_write", icon=":material/folder:"):
        with st.status("Writing…") as status:
            try:
                result = actions.export_to_folder(name, fmt, since, until, filters)
            except Exception as exc:  # noqa: BLE001 - ExportError / OSError: the message says what to do
                status.update(label="Export failed", state="error")
                st.error(str(exc))
            else:
                status.update(label="Written", state="complete")
                st.success(f"Wrote {result.rows:,} rows to {result.path}")

blob = st.session_state.get("ex_blob")
if blob and blob[0] == name and blob[1] == fmt:
    st.download_button(f"Download {label}", blob[2], file_name=f"{name}.{fmt}", key="ex_download",
                       mime="text/csv" if fmt == "csv" else "application/octet-stream",
                       icon=":material/download:")
