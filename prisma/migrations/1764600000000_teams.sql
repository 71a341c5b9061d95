-- Up Migration

-- People. Emails are stored lower-cased (the service normalises them), so the
-- unique index is a plain one. A user signs in with a password (Argon2id
-- hash in password_hash), through OIDC (issuer + subject), or both.
CREATE TABLE app_user (
  id               uuid PRIMARY KEY,
  email            text NOT NULL UNIQUE,
  display_name     text NOT NULL,
  role             text NOT NULL CHECK (role IN ('viewer', 'responder', 'editor', 'admin')),
  password_hash    text,
  oidc_issuer      text,
  oidc_subject     text,
  failed_sign_ins  integer NOT NULL DEFAULT 0,
  locked_until     timestamptz(3),
  last_sign_in_at  timestamptz(3),
  disabled_at      timestamptz(3),
  created_at       timestamptz(3) NOT NULL DEFAULT now(),
  updated_at       timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX app_user_oidc_idx ON app_user (oidc_issuer, oidc_subject);

-- Browser sessions. The cookie carries a random id; only its SHA-256 is
-- stored. csrf_token is the synchronizer token the app sends back in
-- X-CSRF-Token on every request that changes something.
CREATE TABLE user_session (
  id_hash      text PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  last_seen_at timestamptz(3) NOT NULL DEFAULT now(),
  expires_at   timestamptz(3) NOT NULL
);
CREATE INDEX user_session_user_idx ON user_session (user_id);
CREATE INDEX user_session_expires_idx ON user_session (expires_at);

-- API keys for automation: scopes ('read', 'write', 'admin', 'ingest:<business>'),
-- an optional expiry, shown once (only the SHA-256 of the 256-bit token is kept).
CREATE TABLE api_key (
  id           uuid PRIMARY KEY,
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  token_prefix text NOT NULL,
  scopes       text[] NOT NULL CHECK (cardinality(scopes) > 0),
  expires_at   timestamptz(3),
  last_used_at timestamptz(3),
  revoked_at   timestamptz(3),
  created_by   text NOT NULL,
  created_at   timestamptz(3) NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);

-- Down Migration

DROP INDEX IF EXISTS audit_log_actor_idx;
DROP INDEX IF EXISTS audit_log_at_idx;
DROP TABLE IF EXISTS api_key;
DROP TABLE IF EXISTS user_session;
DROP TABLE IF EXISTS app_user;
