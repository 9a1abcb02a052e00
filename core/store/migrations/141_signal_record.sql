-- What the learn job needs to recompute the signals of only the symbols whose bars or news
-- changed (issue #18; core/signals/incremental.py, core/store/signal_record.py). The weights of a
-- day come from every symbol's bets settled in the window before it, so the job keeps their sums
-- per settlement day and subtracts a changed symbol's old bets before adding its new ones.

-- Each settled bet of a symbol: the day it was made, the day it settled, its forward return
-- (the component values are the signals row of (symbol, day)).
CREATE TABLE signal_bets (
    symbol     VARCHAR NOT NULL,
    day        DATE    NOT NULL,
    settled_on DATE    NOT NULL,
    fwd        DOUBLE  NOT NULL
);

-- Per settlement day and component: bets, hits, sum and sum of squares of the signed returns.
CREATE TABLE signal_settled (
    settled_on DATE    NOT NULL,
    component  VARCHAR NOT NULL,
    n          DOUBLE  NOT NULL,
    hits       DOUBLE  NOT NULL,
    s1         DOUBLE  NOT NULL,
    s2         DOUBLE  NOT NULL,
    PRIMARY KEY (settled_on, component)
);

-- The calendar of the record: how many symbols have a signal row on each day.
CREATE TABLE signal_calendar (
    day     DATE   PRIMARY KEY,
    symbols BIGINT NOT NULL
);

-- Per symbol, what its signals were computed from: the bar revision (price_bar_summary), a
-- fingerprint of its daily news sentiment (news_ticker_daily) and the model settings.
CREATE TABLE signal_symbol_state (
    symbol    VARCHAR PRIMARY KEY,
    bars_rev  BIGINT  NOT NULL,
    sentiment VARCHAR NOT NULL,
    params    VARCHAR NOT NULL
);
