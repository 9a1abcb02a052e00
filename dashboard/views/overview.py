"""Overview: today's numbers with sparklines, what needs attention, news volume per day."""
import streamlit as st

from dashboard import attention, charts, components, data, recent

st.title("Overview")
kpi = data.overview()
series = kpi["series"]

with st.container(horizontal=True, border=True):
    st.metric("News today", kpi["news_today"], delta=kpi["news_today"] - kpi["news_yesterday"],
              chart_data=series["news"].to_list(), chart_type="bar", help="Stories published since 00:00 UTC")
    st.metric("Sentiment today", components.fmt_num(kpi["sentiment_today"]),
              chart_data=series["sentiment"].fill_null(0).to_list(), chart_type="line",
              help="Average compound sentiment of today's stories (-1 … +1)")
    st.metric("New leads today", kpi["leads_today"], delta=kpi["leads_today"] - kpi["leads_yesterday"],
              chart_data=series["leads"].to_list(), chart_type="bar",
              help=f"{kpi['inbox']} leads wait in the inbox")
    st.metric("30-day conversion", components.fmt_pct(kpi["conversion_30d"]),
              chart_data=series["won"].to_list(), chart_type="area",
              help=f"{kpi['won_30d']} won of {kpi['leads_30d']} leads fetched in the last 30 days")
    sig = kpi["strongest_signal"]
    st.metric("Strongest signal", sig["symbol"] if sig else "–",
              delta=components.fmt_num(sig["composite"]) if sig else None,
              help=f"Composite score on {sig['day']}" if sig else "No signals computed yet")
    jobs = kpi["jobs"]
    failing = kpi["jobs_failing"]
    st.metric("Job health", f"{jobs.height - failing}/{jobs.height} ok" if jobs.height else "–",
              delta=f"-{failing} failing" if failing else None, delta_color="normal",
              help="Jobs whose last run did not fail")

st.subheader("Needs attention")
alerts = data.alerts()
attention.render(alerts)

st.subheader("News volume and sentiment")
quiet = recent.news_window(30) if kpi["news_today"] == 0 and series["news"].sum() == 0 else None
if quiet is not None and quiet.anchored:  # older news only: chart the 30 days up to the newest story
    components.anchored_note("news", 30, quiet)
    st.plotly_chart(charts.news_volume(recent.news_daily(quiet)), width="stretch")
elif quiet is not None:
    components.empty_state("No news yet — the news job runs every 10 minutes; start it with "
                           "`python -m jobs up` or run it now from the Jobs page.")
else:
    st.plotly_chart(charts.news_volume(series), width="stretch")
