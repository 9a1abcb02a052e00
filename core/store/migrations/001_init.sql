-- signaldesk schema v1. Timestamps are naive UTC.

CREATE TABLE prices (
    symbol      VARCHAR   NOT NULL,
    interval    VARCHAR   NOT NULL,
    ts          TIMESTAMP NOT NULL,
    open        DOUBLE,
    high        DOUBLE,
    low         DOUBLE,
    close       DOUBLE,
    adj_close   DOUBLE,
    volume      BIGINT,
    PRIMARY KEY (symbol, interval, ts)
);

CREATE TABLE news (
    id              VARCHAR PRIMARY KEY,
    source          VARCHAR NOT NULL,
    url             VARCHAR,
    title           VARCHAR,
    summary         VARCHAR,
    published_at    TIMESTAMP,
    fetched_at      TIMESTAMP NOT NULL,
    tickers         VARCHAR[],
    sentiment       DOUBLE,
    sentiment_label VARCHAR,
    cluster_id      VARCHAR
);
CREATE INDEX news_published_idx ON news (published_at);
CREATE INDEX news_cluster_idx ON news (cluster_id);

CREATE TABLE leads (
    id               VARCHAR PRIMARY KEY,
    platform         VARCHAR NOT NULL,
    source           VARCHAR,
    url              VARCHAR,
    author           VARCHAR,
    title            VARCHAR,
    body             VARCHAR,
    posted_at        TIMESTAMP,
    fetched_at       TIMESTAMP NOT NULL,
    matched_keywords VARCHAR[],
    score            DOUBLE,
    sentiment        DOUBLE,
    sentiment_label  VARCHAR,
    cluster_id       VARCHAR,
    status           VARCHAR NOT NULL DEFAULT 'new',
    status_at        TIMESTAMP,
    note             VARCHAR
);
CREATE INDEX leads_posted_idx ON leads (posted_at);
CREATE INDEX leads_platform_idx ON leads (platform);
CREATE INDEX leads_status_idx ON leads (status);

CREATE TABLE keywords (
    term       VARCHAR PRIMARY KEY,
    weight     DOUBLE  NOT NULL DEFAULT 1.0,
    negative   BOOLEAN NOT NULL DEFAULT false,
    whole_word BOOLEAN NOT NULL DEFAULT false,
    enabled    BOOLEAN NOT NULL DEFAULT true,
    updated_at TIMESTAMP
);

-- Weights learned from lead outcomes (written by the hourly learn job).
CREATE TABLE learned_weights (
    term             VARCHAR PRIMARY KEY,
    trials           BIGINT NOT NULL,
    conversions      BIGINT NOT NULL,
    rate_mean        DOUBLE NOT NULL,
    rate_low         DOUBLE NOT NULL,
    rate_high        DOUBLE NOT NULL,
    suggested_weight DOUBLE NOT NULL,
    computed_at      TIMESTAMP NOT NULL
);

CREATE SEQUENCE lead_events_seq;
CREATE TABLE lead_events (
    id          BIGINT PRIMARY KEY DEFAULT nextval('lead_events_seq'),
    lead_id     VARCHAR NOT NULL,
    from_status VARCHAR,
    to_status   VARCHAR NOT NULL,
    changed_at  TIMESTAMP NOT NULL,
    note        VARCHAR
);
CREATE INDEX lead_events_lead_idx ON lead_events (lead_id);
CREATE INDEX lead_events_at_idx ON lead_events (changed_at);

-- Discord delivery ledger: one row per item/target pair (exactly-once).
CREATE TABLE posts (
    idempotency_key    VARCHAR PRIMARY KEY,
    target             VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,
    item_id            VARCHAR,
    payload            VARCHAR,
    status             VARCHAR NOT NULL,
    discord_message_id VARCHAR,
    error              VARCHAR,
    attempts           INTEGER NOT NULL DEFAULT 0,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX posts_status_idx ON posts (status);

CREATE TABLE job_runs (
    run_id            VARCHAR PRIMARY KEY,
    job               VARCHAR NOT NULL,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    status            VARCHAR NOT NULL,
    counts            JSON,
    error             VARCHAR,
    error_fingerprint VARCHAR,
    trigger           VARCHAR
);
CREATE INDEX job_runs_job_idx ON job_runs (job, started_at);

CREATE SEQUENCE job_requests_seq;
CREATE TABLE job_requests (
    id           BIGINT PRIMARY KEY DEFAULT nextval('job_requests_seq'),
    job          VARCHAR NOT NULL,
    requested_at TIMESTAMP NOT NULL,
    picked_at    TIMESTAMP,
    run_id       VARCHAR
);

-- Inputs the operator edits: feeds (news and lead sources) and the watchlist.
CREATE TABLE feeds (
    url      VARCHAR PRIMARY KEY,
    kind     VARCHAR NOT NULL,          -- 'news' or 'leads'
    name     VARCHAR NOT NULL,
    platform VARCHAR NOT NULL DEFAULT 'rss',
    enabled  BOOLEAN NOT NULL DEFAULT true,
    added_at TIMESTAMP NOT NULL
);

CREATE TABLE watchlist (
    symbol   VARCHAR PRIMARY KEY,
    name     VARCHAR,                   -- company name, for ticker extraction from news
    enabled  BOOLEAN NOT NULL DEFAULT true
);

-- Per-source health and HTTP cache state: conditional GET, circuit breaker, adaptive polling.
CREATE TABLE source_state (
    source               VARCHAR PRIMARY KEY,
    etag                 VARCHAR,
    last_modified        VARCHAR,
    last_fetch_at        TIMESTAMP,
    last_success_at      TIMESTAMP,
    last_new_at          TIMESTAMP,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    paused_until         TIMESTAMP,
    last_error           VARCHAR,
    poll_interval_s      DOUBLE,
    next_poll_at         TIMESTAMP
);

-- Daily trading signals per symbol (written by the hourly signals job).
CREATE TABLE signals (
    symbol     VARCHAR NOT NULL,
    day        DATE    NOT NULL,
    trend      DOUBLE,
    reversion  DOUBLE,
    sentiment  DOUBLE,
    volume     DOUBLE,
    composite  DOUBLE,
    computed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (symbol, day)
);
CREATE INDEX signals_day_idx ON signals (day);

CREATE TABLE signal_weights (
    component   VARCHAR PRIMARY KEY,
    weight      DOUBLE NOT NULL,
    hit_rate    DOUBLE,
    mean_return DOUBLE,
    sharpe      DOUBLE,
    evidence    BIGINT,
    reason      VARCHAR,
    computed_at TIMESTAMP NOT NULL
);
