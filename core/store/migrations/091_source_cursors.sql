-- Where paged API sources got to (issue #14): Reddit's newest post seen per subreddit, so the next
-- poll reads back exactly to it. Saved only after the posts it vouches for are stored.
CREATE TABLE source_cursors (
    source     VARCHAR PRIMARY KEY,
    position   DOUBLE,
    marker     VARCHAR,
    updated_at TIMESTAMP NOT NULL
);
