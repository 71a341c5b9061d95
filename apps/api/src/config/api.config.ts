import { DEFAULT_MAX_FUTURE_SKEW_MS } from '@anom/domain';
import { ARCHIVE_ENV, DEV_SECRET_KEY, archiveConfig, type ArchiveConfig } from '@anom/db';
import { bool, cleanEnv, makeValidator, num, port, str, url } from 'envalid';
import { NOTIFY_ATTEMPTS, NOTIFY_BACKOFF_MS, ROLES, type Role } from '@anom/contracts';

const secret = makeValidator<string>((v) => {
  if (typeof v !== 'string' || v.length < 16) throw new Error('must be at least 16 characters');
  return v;
});

/** The development default of ANOM_ADMIN_TOKEN; production refuses it. */
export const DEV_ADMIN_TOKEN = 'change-me-dev-admin-token';
/** Shortest admin token production accepts (characters): 32 random characters carry ≥ 128 bits. */
export const PRODUCTION_TOKEN_MIN_LENGTH = 32;

const list = makeValidator<string[]>((v) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [],
);

/** OpenID Connect sign-in, when configured (OIDC_ISSUER set). */
export interface OidcConfig {
  /** Issuer URL; its `/.well-known/openid-configuration` is read at start-up. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The callback as the browser reaches it (`https://anom.example/api/auth/oidc/callback`). */
  redirectUrl: string;
  /** Label of the sign-in button. */
  name: string;
  /** Role of a person signing in for the first time; null: only people an admin created may sign in. */
  defaultRole: Role | null;
  /** ID-token claim naming the role (`viewer` … `admin`), when the provider manages roles. */
  roleClaim: string | null;
  /** Whether http:// issuers are allowed (development and tests only). */
  allowInsecure: boolean;
}

/** Validated configuration of the api process. */
export interface ApiConfig {
  databaseUrl: string;
  redisUrl: string;
  adminToken: string;
  port: number;
  host: string;
  logLevel: string;
  prettyLogs: boolean;
  evaluatePartitions: number;
  queuePrefix: string;
  ingestMaxBodyBytes: number;
  ingestMaxBatch: number;
  /** How far ahead of receipt an event time may be (ms); later ones are refused with 422. */
  ingestMaxFutureSkewMs: number;
  /** Most events one backtest may read. */
  backtestMaxEvents: number;
  /**
   * Delivery attempts and first retry delay (ms) of the notifications a person's acknowledge or resolve queues; as the
   * worker's.
   */
  notifyAttempts: number;
  notifyBackoffMs: number;
  /**
   * Record that ingest is up (IngestHeartbeat) for the worker's absence ticks; off only where time is simulated, as in
   * tests.
   */
  ingestHeartbeat: boolean;
  /** `production` turns on the checks for default secrets and secure cookies. */
  nodeEnv: 'development' | 'production' | 'test';
  /** Idle time-out of a browser session (ms): each request slides it. */
  sessionIdleMs: number;
  /** Whether the session cookie is marked Secure (HTTPS only); on in production and with TLS. */
  secureCookies: boolean;
  /** Failed sign-ins of one account before it is locked, the first lock (ms) and the longest (ms). */
  signInLockAfter: number;
  signInLockMs: number;
  signInMaxLockMs: number;
  /** Requests per minute per API key, session or (without either) client IP; 0: no limit. */
  rateLimitPerMinute: number;
  /** Ingest requests per minute per key (a load test lifts it); 0: no limit. */
  ingestRateLimitPerMinute: number;
  /** Failed token checks and sign-ins per minute per client IP before that IP gets 429. */
  authFailuresPerMinute: number;
  /** Origins allowed by CORS; empty: none (the app is same-origin through its proxy). */
  corsOrigins: string[];
  /** Trust X-Forwarded-For from a reverse proxy for the client IP. */
  trustProxy: boolean;
  /** Key of channel secrets at rest (base64, 32 bytes), and earlier keys still readable (rotation). */
  secretKey: string;
  previousSecretKeys: string[];
  /** Hosts, IPs or CIDR ranges channels may reach although private or loopback (see libs/notify outbound policy). */
  outboundAllow: string[];
  /** HTTPS: paths of the PEM certificate chain and key; null serves plain HTTP. */
  tls: { certPath: string; keyPath: string } | null;
  oidc: OidcConfig | null;
  /** The archive the worker writes before retention (listing and downloading archived files); null: none. */
  archive: ArchiveConfig | null;
  /** Folder of the built admin app (apps/web/dist) the api serves at `/` with the API under `/api`; null: none. */
  webDist: string | null;
  /** Folder of rules-as-code documents applied at start-up (see ProvisioningService); null: none. */
  provisioningDir: string | null;
  /** Whether provisioning deletes what the documents' businesses hold and they lack. */
  provisioningPrune: boolean;
}

/**
 * Reads and validates the environment once. Throws one Error listing every
 * missing or bad key, so the process refuses to start with a full report.
 * The admin token has a default only when NODE_ENV is not `production`.
 */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  // envalid applies devDefault only when NODE_ENV is set and not production.
  const e = cleanEnv(
    { ...env, NODE_ENV: env.NODE_ENV || 'development' },
    {
      NODE_ENV: str({ choices: ['development', 'production', 'test'], default: 'development' }),
      DATABASE_URL: url({ devDefault: 'postgres://postgres@127.0.0.1:5432/anom' }),
      REDIS_URL: url({ devDefault: 'redis://127.0.0.1:6379' }),
      ANOM_ADMIN_TOKEN: secret({ devDefault: DEV_ADMIN_TOKEN }),
      API_PORT: port({ default: 3000 }),
      // Development listens on loopback only: its token is public knowledge.
      API_HOST: str({ devDefault: '127.0.0.1', default: '0.0.0.0' }),
      LOG_LEVEL: str({ choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], default: 'info' }),
      LOG_PRETTY: bool({ devDefault: true, default: false }),
      EVALUATE_PARTITIONS: num({ default: 4 }),
      QUEUE_PREFIX: str({ default: 'anom' }),
      INGEST_MAX_BODY_BYTES: num({ default: 5 * 1024 * 1024 }),
      INGEST_MAX_BATCH: num({ default: 5000 }),
      INGEST_MAX_FUTURE_SKEW_MS: num({ default: DEFAULT_MAX_FUTURE_SKEW_MS }),
      BACKTEST_MAX_EVENTS: num({ default: 200_000 }),
      NOTIFY_ATTEMPTS: num({ default: NOTIFY_ATTEMPTS }),
      NOTIFY_BACKOFF_MS: num({ default: NOTIFY_BACKOFF_MS }),
      INGEST_HEARTBEAT: bool({ default: true }),
      SESSION_IDLE_MS: num({ default: 12 * 3_600_000 }),
      SECURE_COOKIES: bool({ devDefault: false, default: true }),
      SIGN_IN_LOCK_AFTER: num({ default: 5 }),
      SIGN_IN_LOCK_MS: num({ default: 60_000 }),
      SIGN_IN_MAX_LOCK_MS: num({ default: 15 * 60_000 }),
      RATE_LIMIT_PER_MINUTE: num({ default: 1200 }),
      INGEST_RATE_LIMIT_PER_MINUTE: num({ default: 6000 }),
      AUTH_FAILURES_PER_MINUTE: num({ default: 30 }),
      CORS_ORIGINS: list({ default: [] }),
      TRUST_PROXY: bool({ default: false }),
      ANOM_SECRET_KEY: str({ devDefault: DEV_SECRET_KEY }),
      ANOM_SECRET_KEYS_PREVIOUS: list({ default: [] }),
      ANOM_OUTBOUND_ALLOW: list({ default: [] }),
      TLS_CERT: str({ default: '' }),
      TLS_KEY: str({ default: '' }),
      OIDC_ISSUER: str({ default: '' }),
      ...ARCHIVE_ENV,
      WEB_DIST: str({ default: '' }),
      PROVISIONING_DIR: str({ default: '' }),
      PROVISIONING_PRUNE: bool({ default: false }),
      OIDC_CLIENT_ID: str({ default: '' }),
      OIDC_CLIENT_SECRET: str({ default: '' }),
      OIDC_REDIRECT_URL: str({ default: '' }),
      OIDC_NAME: str({ default: 'single sign-on' }),
      OIDC_DEFAULT_ROLE: str({ default: '' }),
      OIDC_ROLE_CLAIM: str({ default: '' }),
    },
    { reporter: throwAll },
  );
  const production = e.NODE_ENV === 'production';
  if (production && (e.ANOM_ADMIN_TOKEN === DEV_ADMIN_TOKEN || e.ANOM_ADMIN_TOKEN.length < PRODUCTION_TOKEN_MIN_LENGTH))
    throw new Error(
      `invalid environment:\n  ANOM_ADMIN_TOKEN: production needs a random token of ${PRODUCTION_TOKEN_MIN_LENGTH}+ ` +
        'characters, not the development default (openssl rand -base64 32)',
    );
  if (production && e.ANOM_SECRET_KEY === DEV_SECRET_KEY)
    throw new Error('invalid environment:\n  ANOM_SECRET_KEY: production needs its own key (openssl rand -base64 32)');
  checkSecretKey('ANOM_SECRET_KEY', e.ANOM_SECRET_KEY);
  e.ANOM_SECRET_KEYS_PREVIOUS.forEach((k, i) => checkSecretKey(`ANOM_SECRET_KEYS_PREVIOUS[${i}]`, k));
  if (!!e.TLS_CERT !== !!e.TLS_KEY) throw new Error('invalid environment:\n  TLS_CERT and TLS_KEY go together');
  if (e.OIDC_DEFAULT_ROLE && !(ROLES as readonly string[]).includes(e.OIDC_DEFAULT_ROLE))
    throw new Error(`invalid environment:\n  OIDC_DEFAULT_ROLE: must be one of ${ROLES.join(', ')}`);
  const oidc: OidcConfig | null = e.OIDC_ISSUER
    ? {
        issuer: e.OIDC_ISSUER,
        clientId: required('OIDC_CLIENT_ID', e.OIDC_CLIENT_ID),
        clientSecret: required('OIDC_CLIENT_SECRET', e.OIDC_CLIENT_SECRET),
        redirectUrl: required('OIDC_REDIRECT_URL', e.OIDC_REDIRECT_URL),
        name: e.OIDC_NAME,
        defaultRole: (e.OIDC_DEFAULT_ROLE || null) as Role | null,
        roleClaim: e.OIDC_ROLE_CLAIM || null,
        allowInsecure: !production,
      }
    : null;
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    adminToken: e.ANOM_ADMIN_TOKEN,
    port: e.API_PORT,
    host: e.API_HOST,
    logLevel: e.LOG_LEVEL,
    prettyLogs: e.LOG_PRETTY,
    evaluatePartitions: e.EVALUATE_PARTITIONS,
    queuePrefix: e.QUEUE_PREFIX,
    ingestMaxBodyBytes: e.INGEST_MAX_BODY_BYTES,
    ingestMaxBatch: e.INGEST_MAX_BATCH,
    ingestMaxFutureSkewMs: e.INGEST_MAX_FUTURE_SKEW_MS,
    backtestMaxEvents: e.BACKTEST_MAX_EVENTS,
    notifyAttempts: e.NOTIFY_ATTEMPTS,
    notifyBackoffMs: e.NOTIFY_BACKOFF_MS,
    ingestHeartbeat: e.INGEST_HEARTBEAT,
    nodeEnv: e.NODE_ENV as ApiConfig['nodeEnv'],
    sessionIdleMs: e.SESSION_IDLE_MS,
    secureCookies: e.SECURE_COOKIES || !!e.TLS_CERT,
    signInLockAfter: e.SIGN_IN_LOCK_AFTER,
    signInLockMs: e.SIGN_IN_LOCK_MS,
    signInMaxLockMs: e.SIGN_IN_MAX_LOCK_MS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    ingestRateLimitPerMinute: e.INGEST_RATE_LIMIT_PER_MINUTE,
    authFailuresPerMinute: e.AUTH_FAILURES_PER_MINUTE,
    corsOrigins: e.CORS_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    secretKey: e.ANOM_SECRET_KEY,
    previousSecretKeys: e.ANOM_SECRET_KEYS_PREVIOUS,
    outboundAllow: e.ANOM_OUTBOUND_ALLOW,
    tls: e.TLS_CERT ? { certPath: e.TLS_CERT, keyPath: e.TLS_KEY } : null,
    oidc,
    archive: archiveConfig(e),
    webDist: e.WEB_DIST || null,
    provisioningDir: e.PROVISIONING_DIR || null,
    provisioningPrune: e.PROVISIONING_PRUNE,
  };
}

function required(key: string, v: string): string {
  if (!v) throw new Error(`invalid environment:\n  ${key}: required when OIDC_ISSUER is set`);
  return v;
}

function checkSecretKey(key: string, v: string): void {
  if (Buffer.from(v, 'base64').length !== 32)
    throw new Error(`invalid environment:\n  ${key}: must be base64 of 32 bytes (openssl rand -base64 32)`);
}

function throwAll({ errors }: { errors: Partial<Record<string, Error>>; env: unknown }): void {
  const keys = Object.entries(errors);
  if (keys.length === 0) return;
  throw new Error(`invalid environment:\n${keys.map(([k, err]) => `  ${k}: ${err?.message || 'missing'}`).join('\n')}`);
}
