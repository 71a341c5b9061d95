-- Up Migration

-- Source tokens become API keys: an ingest key of one business (scope
-- ingest:<business>, business_id set) is what a source was. Existing tokens
-- keep working (the same SHA-256 moves over), and their last use and
-- revocation come along. The sources API is the business's view of them.
ALTER TABLE api_key ADD COLUMN business_id text REFERENCES business(id) ON DELETE CASCADE;
CREATE INDEX api_key_business_idx ON api_key (business_id) WHERE business_id IS NOT NULL;
INSERT INTO api_key (id, name, token_hash, token_prefix, scopes, last_used_at, revoked_at, created_by, created_at, business_id)
  SELECT id, name, token_hash, token_prefix, ARRAY['ingest:' || business_id], last_seen_at, revoked_at, 'migration',
         created_at, business_id
    FROM source;
DROP TABLE source;

-- Down Migration

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
INSERT INTO source (id, business_id, name, token_hash, token_prefix, created_at, last_seen_at, revoked_at)
  SELECT id, business_id, name, token_hash, token_prefix, created_at, last_used_at, revoked_at
    FROM api_key WHERE business_id IS NOT NULL;
DELETE FROM api_key WHERE business_id IS NOT NULL;
DROP INDEX IF EXISTS api_key_business_idx;
ALTER TABLE api_key DROP COLUMN business_id;
