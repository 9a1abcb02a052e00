"""News: a searchable table, sentiment over time per ticker, and story clusters with sources."""
import streamlit as st

from dashboard import charts, components, data, recent
from dashboard.sentiment_explain import explain_rows

st.title("News")

with st.sidebar:
    st.subheader("News filters")
    text = st.text_input("Search headlines", key="news_text", max_chars=200)
    ticker = st.text_input("Ticker", key="news_ticker", max_chars=12).strip().upper()
    days = st.select_slider("Window (days)", options=[1, 3, 7, 30, 90, 365], value=7, key="news_days")

window = recent.news_window(days)  # the last `days`, or the `days` up to the newest story
components.anchored_note("stories", days, window)
found = data.search_news(text, ticker, window.since)
st.subheader(f"Latest stories ({found.height} shown, newest first)")
if found.is_empty():
    if text or ticker:
        components.empty_state("No stories match — widen the window or clear the search.")
    else:
        components.empty_state("No news yet — the news job runs every 10 minutes; run it now from the "
                               "Jobs page.")
else:
    st.dataframe(
        found.drop("cluster_id", "summary"), hide_index=True, key="news_table",
        column_config={
            "published_at": st.column_config.DatetimeColumn("Published (UTC)", format="YYYY-MM-DD HH:mm"),
            "sentiment": st.column_config.ProgressColumn("Sentiment", min_value=-1.0, max_value=1.0,
                                                         format="%+.2f", color="auto"),
            "sentiment_label": st.column_config.TextColumn("Label"),
            "title": st.column_config.TextColumn("Headline", width="large"),
            "url": st.column_config.LinkColumn("Link", display_text="open"),
        },
    )
    explain_rows(found)

st.subheader("Sentiment over time per ticker")
chart_since = recent.at_least(window, days=7)  # a sentiment line needs a few days
tickers = data.news_tickers(chart_since)
chosen = st.multiselect("Tickers", tickers, default=([ticker] if ticker in tickers else tickers[:3]),
                        key="news_chart_tickers", max_selections=8)
series = data.sentiment_by_ticker(chosen, chart_since)
if series.is_empty():
    components.empty_state("Pick tickers mentioned in the news to chart their daily sentiment.")
else:
    st.plotly_chart(charts.sentiment_lines(series), width="stretch")

st.subheader("Story clusters")
clusters = data.news_clusters(window.since)
if clusters.is_empty():
    components.empty_state("No story was told by more than one source in this window.")
else:
    st.dataframe(clusters.drop("cluster_id"), hide_index=True, column_config={
        "first_title": st.column_config.TextColumn("Story", width="large"),
        "sentiment": st.column_config.NumberColumn("Sentiment", format="%+.2f"),
        "source_list": st.column_config.TextColumn("Sources"),
    })
    labels = dict(zip(clusters["cluster_id"].to_list(), clusters["first_title"].to_list()))
    cluster = st.selectbox("Show every source of", list(labels), format_func=lambda c: labels[c] or c,
                           key="news_cluster")
    st.dataframe(data.cluster_items(cluster), hide_index=True, column_config={
        "url": st.column_config.LinkColumn("Link", display_text="open"),
        "title": st.column_config.TextColumn("Headline", width="large"),
    })
