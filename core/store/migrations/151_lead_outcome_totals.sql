-- Lead counts over every stored lead (issue #18): the learn job's keyword posteriors need, for all
-- leads ever stored, the leads per status (the pooled prior) and per (keyword, status) (each
-- keyword's trials and conversions). Reading them from these few hundred rows instead of every
-- lead keeps the job's cost flat as leads grow. Kept by deltas of the daily rows in the writers'
-- transaction (core/store/lead_totals.py, called by core/store/lead_funnel.py); filled from the
-- stored leads right after this file (core/store/migrate.py).

-- Per day, keyword and status, the leads that list the keyword counted once each (the learner
-- de-duplicates a lead's keywords); ``leads`` keeps counting every listing, as the Conversions
-- page does.
ALTER TABLE lead_keyword_daily ADD COLUMN distinct_leads BIGINT NOT NULL DEFAULT 0;

-- Leads per current status.
CREATE TABLE lead_status_totals (
    status VARCHAR PRIMARY KEY,
    leads  BIGINT  NOT NULL
);

-- Leads per matched keyword (each lead once) and current status.
CREATE TABLE lead_keyword_totals (
    keyword VARCHAR NOT NULL,
    status  VARCHAR NOT NULL,
    leads   BIGINT  NOT NULL,
    PRIMARY KEY (keyword, status)
);
