-- Up Migration

CREATE TABLE business (
  id                text PRIMARY KEY,
  name              text NOT NULL,
  description       text NOT NULL DEFAULT '',
  timezone          text NOT NULL DEFAULT 'UTC',
  timestamp_field   text,
  entity_key_fields text[] NOT NULL DEFAULT '{}',
  retention_days    integer NOT NULL DEFAULT 30,
  schema_version    integer NOT NULL DEFAULT 1,
  archived_at       timestamptz(3),
  created_at        timestamptz(3) NOT NULL DEFAULT now(),
  updated_at        timestamptz(3) NOT NULL DEFAULT now()
);

CREATE TABLE field (
  business_id text NOT NULL REFERENCES business(id) ON DELETE CASCADE,
  name        text NOT NULL,
  type        text NOT NULL,
  required    boolean NOT NULL DEFAULT false,
  unit        text,
  enum_values text[] NOT NULL DEFAULT '{}',
  min         double precision,
  max         double precision,
  description text,
  position    integer NOT NULL DEFAULT 0,
  PRIMARY KEY (business_id, name)
);

CREATE TABLE source (
  id           uuid PRIMARY KEY,
  business_id  text NOT NULL REFERENCES business(id) ON DELETE CASCADE,
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  token_prefix text NOT NULL,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  last_seen_at timestamptz(3),
  revoked_at   timestamptz(3)
);
CREATE INDEX source_business_id_idx ON source (business_id);

CREATE TABLE rule (
  id          uuid PRIMARY KEY,
  business_id text NOT NULL REFERENCES business(id) ON DELETE CASCADE,
  name        text NOT NULL,
  kind        text NOT NULL,
  severity    text NOT NULL,
  enabled     boolean NOT NULL DEFAULT true,
  version     integer NOT NULL DEFAULT 1,
  origin      text NOT NULL DEFAULT 'user',
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  updated_at  timestamptz(3) NOT NULL DEFAULT now(),
  deleted_at  timestamptz(3)
);
CREATE INDEX rule_business_id_idx ON rule (business_id);
-- A live rule name is unique within its business (seeds upsert by name).
CREATE UNIQUE INDEX rule_business_name_live_key ON rule (business_id, name) WHERE deleted_at IS NULL;

-- A published rule version is immutable: alerts point at (rule_id, version).
CREATE TABLE rule_version (
  rule_id    uuid NOT NULL REFERENCES rule(id) ON DELETE CASCADE,
  version    integer NOT NULL,
  definition jsonb NOT NULL,
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  PRIMARY KEY (rule_id, version)
);

CREATE TABLE alert (
  id              uuid PRIMARY KEY,
  business_id     text NOT NULL REFERENCES business(id) ON DELETE CASCADE,
  rule_id         uuid NOT NULL REFERENCES rule(id) ON DELETE CASCADE,
  rule_version    integer NOT NULL,
  fingerprint     text NOT NULL,
  group_key       jsonb NOT NULL,
  status          text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  severity        text NOT NULL,
  count           integer NOT NULL,
  start_time      timestamptz(3) NOT NULL,
  end_time        timestamptz(3) NOT NULL,
  first_seen_at   timestamptz(3) NOT NULL,
  last_seen_at    timestamptz(3) NOT NULL,
  summary         text NOT NULL,
  evidence        jsonb NOT NULL,
  acknowledged_at timestamptz(3),
  acknowledged_by text,
  note            text,
  resolved_at     timestamptz(3),
  resolved_by     text,
  resolve_note    text
);
CREATE INDEX alert_business_id_first_seen_at_idx ON alert (business_id, first_seen_at DESC);
CREATE INDEX alert_first_seen_at_id_idx ON alert (first_seen_at DESC, id DESC);
-- At most one active (open or acknowledged) alert per fingerprint: the database
-- itself refuses a doubled alert even if two evaluations race.
CREATE UNIQUE INDEX alert_active_fingerprint_key ON alert (fingerprint) WHERE status <> 'resolved';

CREATE TABLE alert_transition (
  id          bigserial PRIMARY KEY,
  alert_id    uuid NOT NULL REFERENCES alert(id) ON DELETE CASCADE,
  at          timestamptz(3) NOT NULL DEFAULT now(),
  from_status text,
  to_status   text NOT NULL,
  severity    text,
  actor       text NOT NULL,
  note        text
);
CREATE INDEX alert_transition_alert_id_idx ON alert_transition (alert_id);

-- Which events a rule has already counted: makes re-evaluating a batch a no-op
-- for alert counts (at-least-once delivery, exactly-once effect).
CREATE TABLE rule_match (
  rule_id  uuid NOT NULL,
  event_id uuid NOT NULL,
  alert_id uuid NOT NULL,
  PRIMARY KEY (rule_id, event_id)
);
CREATE INDEX rule_match_alert_id_idx ON rule_match (alert_id);

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz(3) NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL,
  entity_type text NOT NULL,
  entity_id   text NOT NULL,
  before      jsonb,
  after       jsonb
);
CREATE INDEX audit_log_entity_type_entity_id_idx ON audit_log (entity_type, entity_id);

-- Events. Same columns and indexes with or without TimescaleDB; with it, the
-- table becomes a hypertable partitioned on event_time (1-day chunks).
CREATE TABLE event (
  id              uuid NOT NULL,
  business_id     text NOT NULL,
  event_time      timestamptz(3) NOT NULL,
  received_at     timestamptz(3) NOT NULL,
  entity_key      text,
  payload         jsonb NOT NULL,
  client_event_id text,
  batch_id        uuid NOT NULL,
  schema_version  integer NOT NULL
);
CREATE INDEX event_business_time_idx ON event (business_id, event_time DESC);
CREATE INDEX event_business_entity_time_idx ON event (business_id, entity_key, event_time DESC);
CREATE INDEX event_batch_idx ON event (batch_id);

-- Client event ids (`_id`) seen per business: a resend returns the stored ids.
CREATE TABLE event_idempotency (
  business_id     text NOT NULL,
  client_event_id text NOT NULL,
  event_id        uuid NOT NULL,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  PRIMARY KEY (business_id, client_event_id)
);

-- The transactional outbox of evaluation: written with its events in one
-- transaction; the sweeper re-enqueues batches still pending.
CREATE TABLE ingest_batch (
  id          uuid PRIMARY KEY,
  business_id text NOT NULL,
  event_count integer NOT NULL,
  min_time    timestamptz(3) NOT NULL,
  max_time    timestamptz(3) NOT NULL,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
  attempts    integer NOT NULL DEFAULT 0,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  done_at     timestamptz(3),
  request_id  text
);
CREATE INDEX ingest_batch_pending_idx ON ingest_batch (created_at) WHERE status = 'pending';

DO $$
BEGIN
  -- Only where the extension can load: installed, preloaded (CREATE EXTENSION
  -- fails otherwise) and not turned off with ANOM_TIMESCALE=off (see migrate.ts).
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
     AND current_setting('shared_preload_libraries', true) ~ '(^|[ ,])timescaledb([ ,]|$)'
     AND coalesce(current_setting('anom.timescale', true), '') <> 'off' THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    PERFORM create_hypertable('event', 'event_time', chunk_time_interval => interval '1 day', migrate_data => true);
  END IF;
END
$$;

-- Down Migration

DROP TABLE IF EXISTS ingest_batch;
DROP TABLE IF EXISTS event_idempotency;
DROP TABLE IF EXISTS event;
DROP TABLE IF EXISTS audit_log;
DROP TABLE IF EXISTS rule_match;
DROP TABLE IF EXISTS alert_transition;
DROP TABLE IF EXISTS alert;
DROP TABLE IF EXISTS rule_version;
DROP TABLE IF EXISTS rule;
DROP TABLE IF EXISTS source;
DROP TABLE IF EXISTS field;
DROP TABLE IF EXISTS business;
