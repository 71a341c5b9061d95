-- Up Migration

-- Batches of a business are evaluated in this order (stateful rules depend on it).
ALTER TABLE ingest_batch ADD COLUMN seq bigserial;
CREATE INDEX ingest_batch_business_pending_seq_idx ON ingest_batch (business_id, seq) WHERE status = 'pending';
-- Events of the batch that came too late for a stateful rule: stored, not evaluated by it.
ALTER TABLE ingest_batch ADD COLUMN late_events integer NOT NULL DEFAULT 0;

-- Auto-resolve: when the rule's condition was last seen cleared, and how long after that to resolve.
ALTER TABLE alert ADD COLUMN cleared_at timestamptz(3);
ALTER TABLE alert ADD COLUMN resolve_after_ms bigint;
CREATE INDEX alert_auto_resolve_idx ON alert (cleared_at) WHERE status <> 'resolved' AND resolve_after_ms IS NOT NULL;

-- Down Migration

DROP INDEX IF EXISTS alert_auto_resolve_idx;
ALTER TABLE alert DROP COLUMN IF EXISTS resolve_after_ms;
ALTER TABLE alert DROP COLUMN IF EXISTS cleared_at;
DROP INDEX IF EXISTS ingest_batch_business_pending_seq_idx;
ALTER TABLE ingest_batch DROP COLUMN IF EXISTS late_events;
ALTER TABLE ingest_batch DROP COLUMN IF EXISTS seq;
