-- Up Migration

-- Views: named dashboards of a business, each a list of chart panels (data, not code).
CREATE TABLE "view" (
  id          uuid PRIMARY KEY,
  business_id text NOT NULL REFERENCES business(id) ON DELETE CASCADE,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  -- [{ title, field, agg, groupBy, bucket, chart }], checked by @anom/domain parseViewPanels
  panels      jsonb NOT NULL,
  position    integer NOT NULL DEFAULT 0,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  updated_at  timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (business_id, name)
);

-- The live alert stream: every committed statement that writes alert transitions
-- notifies 'anom_alert' once with the alert ids it touched. NOTIFY is
-- transactional, so listeners (the api's SSE endpoint) only hear committed
-- changes. Payloads stay far below NOTIFY's 8000-byte limit: past 100 ids the
-- listener is told to reload instead.
CREATE FUNCTION anom_notify_alert_transitions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
BEGIN
  SELECT array_agg(DISTINCT alert_id::text) INTO ids FROM new_rows;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
  IF array_length(ids, 1) > 100 THEN
    PERFORM pg_notify('anom_alert', json_build_object('more', true)::text);
  ELSE
    PERFORM pg_notify('anom_alert', json_build_object('ids', ids)::text);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER alert_transition_notify
  AFTER INSERT ON alert_transition
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION anom_notify_alert_transitions();

CREATE INDEX alert_business_start_time_idx ON alert (business_id, start_time);

-- Down Migration

DROP INDEX IF EXISTS alert_business_start_time_idx;
DROP TRIGGER IF EXISTS alert_transition_notify ON alert_transition;
DROP FUNCTION IF EXISTS anom_notify_alert_transitions();
DROP TABLE IF EXISTS "view";
