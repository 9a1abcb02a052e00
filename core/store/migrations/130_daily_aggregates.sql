-- Pre-aggregates the pages read instead of the raw tables (issue #18). Each is maintained by
-- the code that writes its source rows, in the same transaction, by recomputing whole days
-- (core/store/ticker_sentiment.py, core/store/lead_funnel.py); migration 130 fills them from
-- the rows already stored (core/store/migrate.py runs the backfill after this file).

-- News sentiment per ticker and UTC day of publication; a story counts for every ticker it lists.
CREATE TABLE news_ticker_daily (
    ticker        VARCHAR NOT NULL,
    day           DATE    NOT NULL,
    stories       BIGINT  NOT NULL,
    scored        BIGINT  NOT NULL,   -- stories with a sentiment score
    sentiment_sum DOUBLE  NOT NULL,   -- sum of those scores (mean = sentiment_sum / scored)
    PRIMARY KEY (ticker, day)
);

-- Leads per day posted (else fetched), platform, current status and furthest funnel stage.
CREATE TABLE lead_funnel_daily (
    day      DATE    NOT NULL,
    platform VARCHAR NOT NULL,
    status   VARCHAR NOT NULL,
    reached  INTEGER NOT NULL,        -- rank of the furthest progress stage (core.funnel.RANK)
    leads    BIGINT  NOT NULL,
    PRIMARY KEY (day, platform, status, reached)
);

-- Leads per day posted (else fetched), matched keyword and current status.
CREATE TABLE lead_keyword_daily (
    day     DATE    NOT NULL,
    keyword VARCHAR NOT NULL,
    status  VARCHAR NOT NULL,
    leads   BIGINT  NOT NULL,
    PRIMARY KEY (day, keyword, status)
);

-- Time to convert per won lead, by the day it was posted (else fetched): the Conversions page's
-- histogram reads the window's days here instead of joining every lead to the event log.
-- Kept with lead_funnel_daily (core/store/lead_funnel.py).
CREATE TABLE lead_conversions (
    day      DATE      NOT NULL,
    lead_id  VARCHAR   PRIMARY KEY,
    first_at TIMESTAMP NOT NULL,      -- the lead's first status event
    won_at   TIMESTAMP NOT NULL       -- its first 'won' event
);

-- The latest signal row of every symbol (replace_signals keeps it), so the ranking does not
-- window over the whole signal history.
CREATE TABLE signals_latest AS SELECT * FROM signals WITH NO DATA;
ALTER TABLE signals_latest ADD PRIMARY KEY (symbol);

-- What the learn job last computed from, so a run with nothing new recomputes nothing.
CREATE TABLE learn_state (
    part        VARCHAR PRIMARY KEY,  -- 'keywords' or 'signals'
    fingerprint VARCHAR NOT NULL,
    computed_at TIMESTAMP NOT NULL
);
INSERT INTO signals_latest
SELECT * EXCLUDE (rn) FROM (SELECT *, row_number() OVER (PARTITION BY symbol ORDER BY day DESC) AS rn
                            FROM signals) WHERE rn = 1;
