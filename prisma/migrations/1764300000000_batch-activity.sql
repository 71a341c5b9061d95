-- Up Migration

-- The dashboard's event rate and sparkline sum the batches a business received
-- (one row per ingest request) instead of counting event rows: at thousands of
-- events/s the hour's batches are a short index range, its events are not.
CREATE INDEX ingest_batch_business_created_idx ON ingest_batch (business_id, created_at);

-- Down Migration

DROP INDEX IF EXISTS ingest_batch_business_created_idx;
