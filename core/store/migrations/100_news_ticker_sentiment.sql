-- Per-ticker sentiment of a news row (issue 15): "Walmart beats, Target misses" is good for WMT
-- and bad for TGT, while news.sentiment keeps the overall score. One row per (news id, ticker
-- in news.tickers), written at ingest and by `jobs rescore`. Daily per-ticker aggregates join
-- it to news on news_id for the day (coalesce(published_at, fetched_at)).
CREATE TABLE news_ticker_sentiment (
    news_id         VARCHAR NOT NULL,
    ticker          VARCHAR NOT NULL,
    sentiment       DOUBLE NOT NULL,
    sentiment_label VARCHAR NOT NULL,
    PRIMARY KEY (news_id, ticker)
);
-- rows stored before this migration start with their overall score; `jobs rescore` refines them
INSERT INTO news_ticker_sentiment
SELECT DISTINCT id, upper(t), sentiment, sentiment_label
FROM (SELECT id, unnest(tickers) AS t, sentiment, sentiment_label FROM news
      WHERE sentiment IS NOT NULL AND sentiment_label IS NOT NULL AND tickers IS NOT NULL)
WHERE t IS NOT NULL;
