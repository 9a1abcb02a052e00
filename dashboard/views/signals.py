"""Signals: the latest ranking, one symbol's chart with indicators, weights and the equity curve."""
import streamlit as st

from dashboard import charts, components, data, recent

st.title("Signals")
ranking = data.latest_signals(50)
if ranking.is_empty():
    bars = recent.daily_bars()
    if bars:
        components.empty_state(f"No signals yet, although the store holds {bars} daily bars — the learn "
                               "job computes them hourly; run 'learn' from the Jobs page.")
    else:
        components.empty_state("No signals yet — the learn job computes them hourly from daily bars; run "
                               "'prices_daily' and then 'learn' from the Jobs page.")
    st.stop()

with st.sidebar:
    st.subheader("Signal filters")
    symbol = st.selectbox("Symbol", ranking["symbol"].to_list(), key="sig_symbol")
    days = st.select_slider("Lookback (days)", options=[30, 90, 180, 365, 730], value=180, key="sig_days")

st.subheader("Latest signals, strongest first")
latest = recent.signals_window(7, data.newest_signal_day())
if latest.anchored:
    st.info(f"No signals in the last 7 days — showing the most recent ones "
            f"(newest: {latest.newest:%Y-%m-%d}). Signals follow the daily bars: run 'prices_daily' "
            "and then 'learn' from the Jobs page.",
            icon=":material/history:")
st.dataframe(
    ranking, hide_index=True,  # height "auto": as tall as its rows, up to ten
    column_order=["symbol", "day", "composite", "trend", "reversion", "sentiment", "volume"],
    column_config={"symbol": st.column_config.TextColumn("Symbol"),
                   "day": st.column_config.DateColumn("Day"),
                   **{c: st.column_config.ProgressColumn(c.capitalize(), min_value=-1.0, max_value=1.0,
                                                         format="%+.2f")
                      for c in ["composite", "trend", "reversion", "sentiment", "volume"]}},
)

view = data.symbol_view(symbol, days)  # the last `days`, or the `days` up to the newest bar
st.subheader(f"{symbol}: price, indicators, volume and news sentiment")
components.anchored_note(f"daily bars of {symbol}", days, view["window"])
n_bars = view["n_bars"]
if 0 < n_bars < recent.WARMUP_BARS:
    st.warning(f"Only {n_bars} daily bar{'s' if n_bars > 1 else ''} of {symbol}: the trend component "
               f"needs {recent.WARMUP_BARS} bars of indicator warm-up (MACD 12/26/9), so until then its "
               "signal rests on sentiment, volume and (from bar 20) reversion.", icon=":material/hourglass:")
if view["bars"].is_empty():
    components.empty_state(f"No daily bars for {symbol} yet — run the 'prices_daily' job.")
else:
    st.plotly_chart(charts.candles(view["bars"], view["bars"], view["sentiment"], view["markers"]),
                    width="stretch")

left, right = st.columns(2)
with left:
    st.subheader("Component weights")
    weights = data.signal_weights()
    components.table(weights, "No weights yet: they are learned with the signals.", {
        "weight": st.column_config.ProgressColumn("Weight", min_value=0.0, max_value=1.0, format="%.2f"),
        "hit_rate": st.column_config.NumberColumn("Hit rate", format="percent"),
        "mean_return": st.column_config.NumberColumn("Mean return", format="%.4f"),
        "reason": st.column_config.TextColumn("Why", width="large"),
    })
with right:
    st.subheader("Composite vs buy-and-hold")
    if view["equity"].is_empty():
        components.empty_state("Not enough signal history for an equity curve yet.")
    else:
        st.plotly_chart(charts.equity(view["equity"]), width="stretch")
        st.caption("Position = composite score held to the next close; 1.0 = start of the window.")
