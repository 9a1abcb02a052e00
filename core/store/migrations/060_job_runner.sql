-- Job runner: which process owns a running row (so a restarted runner can tell a dead
-- runner's rows from a live `jobs once`), and how many attempts a run took.
ALTER TABLE job_runs ADD COLUMN pid INTEGER;
ALTER TABLE job_runs ADD COLUMN attempts INTEGER;
