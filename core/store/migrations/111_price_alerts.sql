-- Issue #16: two providers' closes of the same bar differing by more than the tolerance.
CREATE TABLE IF NOT EXISTS price_alerts (
    symbol VARCHAR NOT NULL,
    interval VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    provider_a VARCHAR NOT NULL,
    close_a DOUBLE NOT NULL,
    provider_b VARCHAR NOT NULL,
    close_b DOUBLE NOT NULL,
    diff_pct DOUBLE NOT NULL,
    detected_at TIMESTAMP NOT NULL,
    PRIMARY KEY (symbol, interval, ts, provider_a, provider_b)
);
