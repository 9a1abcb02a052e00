-- Time filters are served by DuckDB's min-max indexes (zonemaps), created automatically for
-- every column; an ART index only serves point lookups and < 0.1 % selective filters, and on a
-- timestamp it made every news insert about 40 % slower (bench/store_insert.py). Keep the ART
-- indexes for equality filters (platform, status, cluster, lead id) and drop the time ones.
DROP INDEX IF EXISTS news_published_idx;
DROP INDEX IF EXISTS leads_posted_idx;
DROP INDEX IF EXISTS lead_events_at_idx;
