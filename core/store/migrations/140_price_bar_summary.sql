-- First, newest and count of stored bars per symbol and interval (issue #18): the Signals page's
-- "newest bar" and "how many bars" read one row here instead of scanning a symbol's bars, which
-- only skipped row groups while bars happened to be stored by symbol. Kept by the price writers
-- in their transaction (core/store/bar_summary.py); filled from the stored bars right after this
-- file (core/store/migrate.py).
CREATE TABLE price_bar_summary (
    symbol   VARCHAR   NOT NULL,
    interval VARCHAR   NOT NULL,
    first_ts TIMESTAMP NOT NULL,
    last_ts  TIMESTAMP NOT NULL,
    bars     BIGINT    NOT NULL,
    revision BIGINT    NOT NULL,  -- from price_revision_seq at the symbol's last write: the learn
                                  -- job recomputes a symbol's signals when it moved
    PRIMARY KEY (symbol, interval)
);
CREATE SEQUENCE price_revision_seq;
