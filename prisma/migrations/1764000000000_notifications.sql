-- Up Migration

-- What a transition means to people: opened | acknowledged | escalated | resolved.
ALTER TABLE alert_transition ADD COLUMN event text;
UPDATE alert_transition SET event = CASE
  WHEN from_status IS NULL THEN 'opened'
  WHEN to_status = 'resolved' AND from_status <> 'resolved' THEN 'resolved'
  WHEN to_status = 'acknowledged' AND from_status = 'open' THEN 'acknowledged'
  ELSE 'escalated' END;
ALTER TABLE alert_transition ALTER COLUMN event SET NOT NULL;

-- Where a business's alerts are announced.
CREATE TABLE notification_channel (
  id           uuid PRIMARY KEY,
  business_id  text NOT NULL REFERENCES business(id) ON DELETE CASCADE,
  name         text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('webhook', 'slack', 'discord', 'email')),
  -- webhook: {url, secret}; slack, discord: {url}; email: {to: [...]}
  config       jsonb NOT NULL,
  events       text[] NOT NULL,
  min_severity text NOT NULL,
  enabled      boolean NOT NULL DEFAULT true,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  updated_at   timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (business_id, name)
);

-- One delivery of one transition to one channel: written in the transaction
-- that records the transition (an outbox), delivered by the notify queue.
CREATE TABLE notification (
  id            uuid PRIMARY KEY,
  alert_id      uuid NOT NULL REFERENCES alert(id) ON DELETE CASCADE,
  channel_id    uuid NOT NULL REFERENCES notification_channel(id) ON DELETE CASCADE,
  transition_id bigint NOT NULL REFERENCES alert_transition(id) ON DELETE CASCADE,
  event         text NOT NULL,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts      integer NOT NULL DEFAULT 0,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  delivered_at  timestamptz(3),
  last_error    text,
  UNIQUE (transition_id, channel_id)
);
CREATE INDEX notification_alert_id_idx ON notification (alert_id);
CREATE INDEX notification_pending_idx ON notification (created_at) WHERE status = 'pending';

-- Every delivery attempt, successful or not.
CREATE TABLE notification_attempt (
  id              bigserial PRIMARY KEY,
  notification_id uuid NOT NULL REFERENCES notification(id) ON DELETE CASCADE,
  at              timestamptz(3) NOT NULL,
  ok              boolean NOT NULL,
  status_code     integer,
  error           text,
  duration_ms     integer NOT NULL
);
CREATE INDEX notification_attempt_notification_id_idx ON notification_attempt (notification_id);

-- Down Migration

DROP TABLE IF EXISTS notification_attempt;
DROP TABLE IF EXISTS notification;
DROP TABLE IF EXISTS notification_channel;
ALTER TABLE alert_transition DROP COLUMN IF EXISTS event;
