-- Lead intent (issue #14): request / offer / other, its confidence and a readable reason, and
-- the ranking explained. Rows stored before this migration keep NULL intent ("not scored");
-- the inbox shows them with requests so nothing the operator already had disappears.
ALTER TABLE leads ADD COLUMN intent VARCHAR;
ALTER TABLE leads ADD COLUMN intent_confidence DOUBLE;
ALTER TABLE leads ADD COLUMN intent_reason VARCHAR;
ALTER TABLE leads ADD COLUMN score_reason VARCHAR;
ALTER TABLE leads ADD COLUMN flair VARCHAR;
