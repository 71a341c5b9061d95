-- Up Migration

-- The event store on TimescaleDB (see docs/operations.md):
-- * a database migrated while TimescaleDB was absent or not preloaded becomes
--   a hypertable once it is (same condition as the init migration);
-- * native compression, segmented by business (a business's queries read only
--   its own segments) and ordered by event time;
-- * per business: compress chunks older than compress_after_days (null: never)
--   and archive events before retention drops them.
ALTER TABLE business ADD COLUMN compress_after_days integer DEFAULT 7 CHECK (compress_after_days BETWEEN 1 AND 3650);
ALTER TABLE business ADD COLUMN archive boolean NOT NULL DEFAULT false;

-- Files written by archiving, before the events in them were deleted.
CREATE TABLE event_archive (
  id          uuid PRIMARY KEY,
  business_id text NOT NULL REFERENCES business(id) ON DELETE CASCADE,
  location    text NOT NULL,
  key         text NOT NULL,
  event_from  timestamptz(3) NOT NULL,
  event_to    timestamptz(3) NOT NULL,
  events      integer NOT NULL,
  bytes       bigint NOT NULL,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  UNIQUE (location, key)
);
CREATE INDEX event_archive_business_idx ON event_archive (business_id, event_from);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb')
     AND current_setting('shared_preload_libraries', true) ~ '(^|[ ,])timescaledb([ ,]|$)'
     AND coalesce(current_setting('anom.timescale', true), '') <> 'off' THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    PERFORM create_hypertable('event', 'event_time', chunk_time_interval => interval '1 day',
                              migrate_data => true, if_not_exists => true);
    ALTER TABLE event SET (timescaledb.compress, timescaledb.compress_segmentby = 'business_id',
                           timescaledb.compress_orderby = 'event_time DESC');
  END IF;
END
$$;

-- Down Migration

DROP TABLE IF EXISTS event_archive;
ALTER TABLE business DROP COLUMN IF EXISTS archive;
ALTER TABLE business DROP COLUMN IF EXISTS compress_after_days;
