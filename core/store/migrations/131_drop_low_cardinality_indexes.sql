-- ART indexes on columns with a handful of values (status, platform) serve no point lookup:
-- filters on them scan the column (the inbox reads its top rows by rowid, core/store/top_rows.py),
-- and every insert and status change paid to keep them.
DROP INDEX IF EXISTS leads_status_idx;
DROP INDEX IF EXISTS leads_platform_idx;
DROP INDEX IF EXISTS posts_status_idx;
