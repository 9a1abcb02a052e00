"""Signal components per symbol and day, each a number in [-1, 1] (+1 = expect a rise).

Four independent opinions, kept separate so their track records can be measured one by one
(``performance``) and weighted by what they earned (``composite``):

* trend: MACD histogram in units of ATR, ``clip(macd_hist / (TREND_SCALE * atr_14))``; a
  histogram of half a day's true range is a full-strength trend.
* reversion: minus the distance of the close from the Bollinger middle in half band widths,
  ``clip(-(close - bb_mid) / ((bb_upper - bb_lower) / 2))``: at the upper band -1, lower band +1.
* sentiment: the level and change of the news mood about the symbol,
  ``clip(level_3d + 0.5 * (today - mean of the previous 5 days))`` where days without news count
  as 0 (no information). News on a day without a bar (weekend) joins the next bar's day.
* volume: an unusual volume confirms the day's move, ``clip(volume_z_20 / VOLUME_Z_FULL *
  sign(day's return))``.

Only data up to and including day t enters the value for day t (no look-ahead).
"""
from __future__ import annotations

import polars as pl

COMPONENTS = ["trend", "reversion", "sentiment", "volume"]
TREND_SCALE = 0.5
VOLUME_Z_FULL = 3.0
SENTIMENT_SCHEMA = {"symbol": pl.String, "day": pl.Date, "sentiment": pl.Float64}


def _clip(expr: pl.Expr) -> pl.Expr:
    return expr.clip(-1.0, 1.0)


def explode_news_sentiment(news: pl.DataFrame) -> pl.DataFrame:
    """News rows (``tickers`` list, ``sentiment``, ``published_at``) -> (symbol, day, sentiment)."""
    if news.is_empty():
        return pl.DataFrame(schema=SENTIMENT_SCHEMA)
    return (
        news.filter(pl.col("sentiment").is_not_null())
        .select(
            pl.col("tickers").alias("symbol"),
            pl.col("published_at").dt.date().alias("day"),
            pl.col("sentiment").cast(pl.Float64),
        )
        .explode("symbol")
        .filter(pl.col("symbol").is_not_null() & pl.col("day").is_not_null())
        .with_columns(pl.col("symbol").str.to_uppercase())
    )


def daily_sentiment_on_bars(days: pl.DataFrame, sentiment: pl.DataFrame | None) -> pl.DataFrame:
    """Mean sentiment per (symbol, bar day), news between two bars going to the later bar."""
    if sentiment is None or sentiment.is_empty():
        return days.with_columns(pl.lit(None, pl.Float64).alias("__sent"))
    news = (
        sentiment.select(pl.col("symbol"), pl.col("day").cast(pl.Date).alias("news_day"),
                         pl.col("sentiment").cast(pl.Float64))
        .sort("news_day")
    )
    bar_days = days.select("symbol", pl.col("day").alias("bar_day")).unique().sort("bar_day")
    assigned = news.join_asof(bar_days, left_on="news_day", right_on="bar_day", by="symbol",
                              strategy="forward", check_sortedness=False)
    per_day = (
        assigned.filter(pl.col("bar_day").is_not_null())
        .group_by("symbol", "bar_day")
        .agg(pl.col("sentiment").mean().alias("__sent"))
    )
    return days.join(per_day, left_on=["symbol", "day"], right_on=["symbol", "bar_day"], how="left")


def components(ind: pl.DataFrame, sentiment: pl.DataFrame | None = None) -> pl.DataFrame:
    """(symbol, day, close, trend, reversion, sentiment, volume) from ``indicators()`` output.

    ``sentiment`` is a (symbol, day, sentiment) frame, one row per news item or per day.
    Components are null where their inputs are still warming up (sentiment is 0 without news).
    """
    df = ind.sort("symbol", "ts").with_columns(pl.col("ts").dt.date().alias("day"))
    df = daily_sentiment_on_bars(df, sentiment).sort("symbol", "day")
    by = "symbol"
    sent = pl.col("__sent").fill_null(0.0)
    level = sent.rolling_mean(3, min_samples=1).over(by)
    prev5 = sent.shift(1).rolling_mean(5, min_samples=1).over(by).fill_null(0.0)
    day_return = pl.col("close").pct_change().over(by)
    band_half = (pl.col("bb_upper") - pl.col("bb_lower")) / 2.0
    return df.select(
        "symbol", "day", "close",
        _clip(pl.col("macd_hist") / (TREND_SCALE * pl.col("atr_14"))).fill_nan(0.0).alias("trend"),
        _clip(pl.when(band_half > 0).then(-(pl.col("close") - pl.col("bb_mid")) / band_half)
              .otherwise(pl.when(band_half.is_not_null()).then(0.0))).alias("reversion"),
        _clip(level + 0.5 * (sent - prev5)).alias("sentiment"),
        _clip(pl.col("volume_z_20") / VOLUME_Z_FULL * day_return.sign()).alias("volume"),
    )
