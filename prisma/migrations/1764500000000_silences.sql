-- Up Migration

-- A silence mutes the notifications of the alerts it matches while it is in
-- force (Alertmanager's silences): the alerts are still raised, counted and
-- shown; their notifications are recorded as 'silenced', not delivered.
-- Matches an alert of its business, of one rule when rule_id is set, whose
-- group key contains group_key ({} matches every group).
CREATE TABLE silence (
  id          uuid PRIMARY KEY,
  business_id text NOT NULL REFERENCES business(id) ON DELETE CASCADE,
  rule_id     uuid REFERENCES rule(id) ON DELETE CASCADE,
  group_key   jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(group_key) = 'object'),
  starts_at   timestamptz(3) NOT NULL,
  ends_at     timestamptz(3) NOT NULL CHECK (ends_at > starts_at),
  comment     text NOT NULL,
  created_by  text NOT NULL,
  created_at  timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX silence_business_ends_idx ON silence (business_id, ends_at);

ALTER TABLE notification DROP CONSTRAINT notification_status_check;
ALTER TABLE notification ADD CONSTRAINT notification_status_check CHECK (status IN ('pending', 'delivered', 'failed', 'silenced'));
ALTER TABLE notification ADD COLUMN silence_id uuid REFERENCES silence(id) ON DELETE SET NULL;

-- Down Migration

ALTER TABLE notification DROP COLUMN IF EXISTS silence_id;
DELETE FROM notification WHERE status = 'silenced';
ALTER TABLE notification DROP CONSTRAINT notification_status_check;
ALTER TABLE notification ADD CONSTRAINT notification_status_check CHECK (status IN ('pending', 'delivered', 'failed'));
DROP TABLE IF EXISTS silence;
