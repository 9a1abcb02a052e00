"""Plotly figures for the pages: presentation only, inputs are frames already shaped by core."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

LAYOUT = dict(margin=dict(l=10, r=10, t=30, b=10), legend=dict(orientation="h", y=1.08))


def news_volume(series: pl.DataFrame) -> go.Figure:
    """Daily story count (bars) with average sentiment (line, right axis)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=series["day"].to_list(), y=series["news"].to_list(), name="stories")
    fig.add_scatter(x=series["day"].to_list(), y=series["sentiment"].to_list(), name="avg sentiment",
                    mode="lines+markers", secondary_y=True)
    fig.update_yaxes(title_text="stories", secondary_y=False)
    fig.update_yaxes(title_text="sentiment", range=[-1, 1], secondary_y=True)
    fig.update_layout(height=320, **LAYOUT)
    return fig


def sentiment_lines(frame: pl.DataFrame) -> go.Figure:
    """Daily average sentiment per ticker (long frame: day, ticker, sentiment)."""
    fig = go.Figure()
    for ticker in frame["ticker"].unique(maintain_order=True).to_list():
        part = frame.filter(pl.col("ticker") == ticker)
        fig.add_scatter(x=part["day"].to_list(), y=part["sentiment"].to_list(), name=ticker, mode="lines")
    fig.update_yaxes(range=[-1, 1], title_text="avg sentiment")
    fig.update_layout(height=320, **LAYOUT)
    return fig


def candles(bars: pl.DataFrame, indicators: pl.DataFrame | None, sentiment: pl.DataFrame | None,
            markers: pl.DataFrame | None) -> go.Figure:
    """Candlesticks + indicator lines, volume, daily news sentiment bars and signal markers."""
    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, row_heights=[0.6, 0.2, 0.2],
                        vertical_spacing=0.03)
    fig.add_candlestick(x=bars["ts"].to_list(), open=bars["open"].to_list(), high=bars["high"].to_list(),
                        low=bars["low"].to_list(), close=bars["close"].to_list(), name="price", row=1, col=1)
    if indicators is not None and not indicators.is_empty():
        x_col = "ts" if "ts" in indicators.columns else indicators.columns[0]
        for col in indicators.columns:
            if col == x_col or indicators[col].dtype not in (pl.Float64, pl.Float32):
                continue
            if col.lower().startswith(("sma", "ema", "bb_upper", "bb_lower", "vwap")):
                fig.add_scatter(x=indicators[x_col].to_list(), y=indicators[col].to_list(), name=col,
                                mode="lines", line=dict(width=1), row=1, col=1)
    if markers is not None and not markers.is_empty():
        fig.add_scatter(x=markers["day"].to_list(), y=markers["price"].to_list(), mode="markers",
                        marker=dict(symbol=markers["symbol_shape"].to_list(), size=10,
                                    color=markers["color"].to_list()),
                        name="signal", text=markers["label"].to_list(), row=1, col=1)
    fig.add_bar(x=bars["ts"].to_list(), y=bars["volume"].to_list(), name="volume", row=2, col=1)
    if sentiment is not None and not sentiment.is_empty():
        fig.add_bar(x=sentiment["day"].to_list(), y=sentiment["sentiment"].to_list(),
                    name="news sentiment", row=3, col=1)
    fig.update_layout(height=620, xaxis_rangeslider_visible=False, **LAYOUT)
    return fig


def equity(frame: pl.DataFrame) -> go.Figure:
    """Composite-signal equity curve beside buy-and-hold (columns: day + one per curve)."""
    fig = go.Figure()
    x_col = frame.columns[0]
    for col in frame.columns[1:]:
        fig.add_scatter(x=frame[x_col].to_list(), y=frame[col].to_list(), name=col, mode="lines")
    fig.update_layout(height=320, **LAYOUT)
    return fig


def bars(frame: pl.DataFrame, x: str, y: str, title: str = "", horizontal: bool = False) -> go.Figure:
    if horizontal:
        fig = go.Figure(go.Bar(y=frame[x].to_list(), x=frame[y].to_list(), orientation="h"))
    else:
        fig = go.Figure(go.Bar(x=frame[x].to_list(), y=frame[y].to_list()))
    fig.update_layout(height=300, title=title, **LAYOUT)
    return fig


def funnel(frame: pl.DataFrame) -> go.Figure:
    fig = go.Figure(go.Funnel(y=frame["stage"].to_list(), x=frame["leads"].to_list(),
                              textinfo="value+percent initial"))
    fig.update_layout(height=340, **LAYOUT)
    return fig


def histogram(values: list[float], title: str) -> go.Figure:
    fig = go.Figure(go.Histogram(x=values, nbinsx=30))
    fig.update_layout(height=300, title=title, **LAYOUT)
    return fig


def durations(frame: pl.DataFrame) -> go.Figure:
    fig = go.Figure()
    for job in frame["job"].unique(maintain_order=True).to_list():
        part = frame.filter(pl.col("job") == job)
        fig.add_scatter(x=part["started_at"].to_list(), y=part["duration_s"].to_list(), name=job,
                        mode="lines+markers")
    fig.update_yaxes(title_text="seconds")
    fig.update_layout(height=320, **LAYOUT)
    return fig
