-- Up Migration

-- Profiling runs of a business: on demand (POST /businesses/:id/profile) or scheduled.
CREATE TABLE profile_run (
  id           uuid PRIMARY KEY,
  business_id  text NOT NULL REFERENCES business(id) ON DELETE CASCADE,
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  -- percent done
  progress     integer NOT NULL DEFAULT 0,
  events       integer,
  suggestions  integer,
  error        text,
  requested_by text NOT NULL,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  started_at   timestamptz(3),
  finished_at  timestamptz(3)
);
CREATE INDEX profile_run_business_created_idx ON profile_run (business_id, created_at DESC);

-- Rules the profiler proposes. The (business, key) pair is unique for good: a
-- suggestion accepted or rejected once is remembered and never proposed again.
CREATE TABLE suggestion (
  id          uuid PRIMARY KEY,
  business_id text NOT NULL REFERENCES business(id) ON DELETE CASCADE,
  key         text NOT NULL,
  kind        text NOT NULL,
  rule        jsonb NOT NULL,
  rationale   text NOT NULL,
  evidence    jsonb NOT NULL,
  backtest    jsonb NOT NULL,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
  run_id      uuid REFERENCES profile_run(id) ON DELETE SET NULL,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  decided_at  timestamptz(3),
  decided_by  text,
  reason      text,
  rule_id     uuid REFERENCES rule(id) ON DELETE SET NULL,
  UNIQUE (business_id, key)
);
CREATE INDEX suggestion_business_status_idx ON suggestion (business_id, status);

-- Down Migration

DROP TABLE IF EXISTS suggestion;
DROP TABLE IF EXISTS profile_run;
