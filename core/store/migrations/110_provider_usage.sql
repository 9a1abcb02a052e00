-- Issue #16: vendor quotas are state. Calls counted per provider per UTC day and per minute,
-- and a limit the vendor reported (429, Alpha Vantage's "Note") remembered until it resets,
-- so a restart does not spend a used-up quota again. Also which provider last served a
-- symbol's bars (for the cross-provider close check on failover).
CREATE TABLE IF NOT EXISTS provider_usage (
    provider VARCHAR PRIMARY KEY,
    day DATE NOT NULL,
    calls_day INTEGER NOT NULL DEFAULT 0,
    minute_start TIMESTAMP,
    calls_minute INTEGER NOT NULL DEFAULT 0,
    exhausted_until TIMESTAMP,
    exhausted_reason VARCHAR,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS price_provider (
    symbol VARCHAR NOT NULL,
    interval VARCHAR NOT NULL,
    provider VARCHAR NOT NULL,
    served_at TIMESTAMP NOT NULL,
    PRIMARY KEY (symbol, interval)
);
