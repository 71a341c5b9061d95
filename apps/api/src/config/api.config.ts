import { DEFAULT_MAX_FUTURE_SKEW_MS } from '@anom/domain';
import { bool, cleanEnv, makeValidator, num, port, str, url } from 'envalid';
import { NOTIFY_ATTEMPTS, NOTIFY_BACKOFF_MS } from '@anom/contracts';

const secret = makeValidator<string>((v) => {
  if (typeof v !== 'string' || v.length < 16) throw new Error('must be at least 16 characters');
  return v;
});

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
      ANOM_ADMIN_TOKEN: secret({ devDefault: 'change-me-dev-admin-token' }),
      API_PORT: port({ default: 3000 }),
      API_HOST: str({ default: '0.0.0.0' }),
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
    },
    { reporter: throwAll },
  );
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
  };
}

function throwAll({ errors }: { errors: Partial<Record<string, Error>>; env: unknown }): void {
  const keys = Object.entries(errors);
  if (keys.length === 0) return;
  throw new Error(`invalid environment:\n${keys.map(([k, err]) => `  ${k}: ${err?.message || 'missing'}`).join('\n')}`);
}
