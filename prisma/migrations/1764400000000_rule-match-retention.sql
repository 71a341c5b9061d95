-- Up Migration

-- Retention deletes an expired event's rule_match rows with it (the batch was
-- evaluated, so no re-evaluation needs them to count once): found by event id.
CREATE INDEX rule_match_event_id_idx ON rule_match (event_id);

-- Down Migration

DROP INDEX IF EXISTS rule_match_event_id_idx;
