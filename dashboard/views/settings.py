"""Settings: the configuration report (secrets masked), the watchlist, feeds and subreddits."""
import polars as pl
import streamlit as st

from core.config import masked_report
from core.redact import mask_url
from core.settings_checks import check_settings
from dashboard import actions, components, data, forms, providers

st.title("Settings")
components.show_flash()  # the confirmation the last action left before its st.rerun()
settings = data.current_settings()

st.subheader("Configuration check")
problems = check_settings(settings)
if problems:
    for problem in problems:
        st.error(problem)
else:
    st.success("The configuration is valid.", icon=":material/check_circle:")
with st.expander("All settings (secrets masked)"):
    st.dataframe(pl.DataFrame(masked_report(settings), schema=["setting", "value"], orient="row"),
                 hide_index=True)
    st.caption("Set them as SIGNALDESK_* environment variables or in .env, then restart.")

providers.settings_table()  # issue #16: which vendors are configured (keys masked)

inputs = data.inputs()

st.subheader("Watchlist")
watch = st.data_editor(inputs["watchlist"].select("symbol", "name"), key="wl_editor", num_rows="dynamic",
                       hide_index=True, column_config={
                           "symbol": st.column_config.TextColumn("Symbol", required=True, max_chars=12),
                           "name": st.column_config.TextColumn("Company name (for news matching)"),
                       })
watch = watch if isinstance(watch, pl.DataFrame) else pl.from_pandas(watch)
symbols = [str(s or "").strip().upper() for s in watch["symbol"].to_list()]
wl_problems = forms.ticker_problems(symbols)
if len(set(symbols)) != len(symbols):
    wl_problems.append("Each symbol may appear once.")
for problem in wl_problems:
    st.error(problem)
if st.button("Save watchlist", disabled=bool(wl_problems), icon=":material/save:"):
    actions.set_watchlist(dict(zip(symbols, [n or None for n in watch["name"].to_list()])))
    st.session_state.pop("wl_editor", None)
    components.flash(f"Saved {len(symbols)} symbols")
    st.rerun()

st.subheader("Feeds and subreddits")
feeds = inputs["feeds"]
if feeds.is_empty():
    components.empty_state("No feeds yet — add news feeds (RSS) and lead sources (e.g. "
                           "https://www.reddit.com/r/forhire/new/.rss) below.")
else:
    # URLs are shown masked (keys in query strings, user info): the page never carries a secret
    st.dataframe(inputs["feeds_shown"], hide_index=True)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        url = st.selectbox("Feed", feeds["url"].to_list(), key="feed_pick", format_func=mask_url)
        enabled = feeds.filter(pl.col("url") == url)["enabled"][0]
        if st.button("Disable" if enabled else "Enable", key="feed_toggle"):
            actions.set_feed_enabled(url, not enabled)
            components.flash(f"Feed {'disabled' if enabled else 'enabled'}: {mask_url(url)}")
            st.rerun()
        if st.button("Remove feed", key="feed_remove"):
            actions.remove_feed(url)
            components.flash(f"Feed removed: {mask_url(url)}")
            st.rerun()

with st.form("add_feed", clear_on_submit=True):
    st.write("Add a feed")
    url = st.text_input("Feed URL", max_chars=500, placeholder="https://www.reddit.com/r/forhire/new/.rss")
    name = st.text_input("Name", max_chars=100, placeholder="r/forhire")
    kind = st.radio("Kind", ["news", "leads"], horizontal=True)
    platform = st.selectbox("Platform", ["rss", "reddit", "hn"])
    if st.form_submit_button("Add feed"):
        feed_problems = forms.feed_problems(url, name)
        for problem in feed_problems:
            st.error(problem)
        if not feed_problems:
            added = actions.add_feed(url.strip(), kind, name.strip() or mask_url(url.strip()), platform)
            if added:
                components.flash("Feed added")
                st.rerun()
            st.warning("That URL is already a feed.")

st.subheader("Theme")
st.caption("The default theme (dark, blue accent) is set in .streamlit/config.toml under [theme]; each "
           "browser can switch light/dark in the app menu (⋮ → Settings).")
