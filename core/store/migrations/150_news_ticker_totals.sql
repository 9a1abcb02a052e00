-- Per ticker, the totals of its scored days in news_ticker_daily (issue #18): the learn job's
-- per-ticker sentiment fingerprint (core/store/signal_record.py) reads one row per ticker here
-- instead of grouping every (ticker, day) row of the daily aggregate, which grows with the
-- history kept (2 M rows at 10 M news over three years). Kept by core/store/ticker_sentiment.py
-- in the transaction that rewrites days: the old days' totals are subtracted and the new ones
-- added (counts and DECIMAL sums are exact), so it always equals the group-by; filled right
-- after this file (core/store/migrate.py).
CREATE TABLE news_ticker_totals (
    ticker        VARCHAR        PRIMARY KEY,
    days          BIGINT         NOT NULL,  -- days with at least one scored story
    stories       BIGINT         NOT NULL,  -- stories on those days
    scored        BIGINT         NOT NULL,
    sentiment_sum DECIMAL(38, 6) NOT NULL   -- sum of the days' sums, each rounded to 6 decimals
);
