-- Where each symbol's learn inputs changed (issue #18): the learn job recomputes a changed symbol
-- from a warm-up margin before its earliest change instead of over its whole history
-- (core/signals/incremental.py). Set by the writers in their transaction to the earliest bar /
-- news day they changed since the learn job last consumed the mark; cleared by the learn job
-- (core/store/signal_record.py write) for the symbols it computed, where the input still equals
-- what it computed from.
--   NULL: nothing changed since the learn job consumed it (a moved revision / fingerprint with
--         NULL is read as "position unknown": full recompute).
--   first_ts (bars) / 0001-01-01 (news): changed from the beginning (a history swap, a rebuild):
--         full recompute; least() with later writes keeps it so.
-- Filled right after this file (core/store/migrate.py): rows whose input moved since the learn job
-- last computed get "from the beginning", so no change made before this migration is lost.
ALTER TABLE price_bar_summary ADD COLUMN changed_from TIMESTAMP;
ALTER TABLE news_ticker_totals ADD COLUMN changed_from DATE;
