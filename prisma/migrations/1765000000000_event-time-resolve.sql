-- Up Migration

-- When an alert's episode ended by the events' own clock (the event time of the clear, or of an immediate rule's
-- last match). A later match at least the rule's resolveAfter past it, by event time, starts a new episode: the
-- old alert resolves and a new one opens, so replayed history gets the episodes live traffic would have had.
ALTER TABLE alert ADD COLUMN cleared_event_time timestamptz(3);

-- Down Migration

ALTER TABLE alert DROP COLUMN IF EXISTS cleared_event_time;
