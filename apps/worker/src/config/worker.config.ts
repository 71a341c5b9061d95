import { DEV_SECRET_KEY } from '@anom/db';
import { bool, cleanEnv, makeValidator, num, str, url } from 'envalid';
import { ARCHIVE_ENV, archiveConfig, type ArchiveConfig } from '@anom/db';
import {
  AUTO_RESOLVE_EVERY_MS,
  NOISE_BUDGET_PER_DAY,
  PROFILE_DAYS,
  PROFILE_EVERY_MS,
  PROFILE_MAX_EVENTS,
  NOTIFY_ATTEMPTS,
  NOTIFY_BACKOFF_MS,
  NOTIFY_SWEEP_MIN_AGE_MS,
  NOTIFY_TIMEOUT_MS,
  RETENTION_EVERY_MS,
  SWEEP_EVERY_MS,
  SWEEP_MIN_AGE_MS,
  TICK_EVERY_MS,
} from '@anom/contracts';

/** Validated configuration of the worker process. */
export interface WorkerConfig {
  databaseUrl: string;
  redisUrl: string;
  logLevel: string;
  prettyLogs: boolean;
  evaluatePartitions: number;
  queuePrefix: string;
  /** How often the sweeper looks for pending batches (ms). */
  sweepEveryMs: number;
  /** A pending batch younger than this (ms) is assumed in flight and left alone. */
  sweepMinAgeMs: number;
  /** How often absence rules are checked (ms). */
  tickEveryMs: number;
  /** How often alerts are checked for auto-resolve (ms). */
  autoResolveEveryMs: number;
  /** How often expired events are deleted (each business's retentionDays after receipt; ms). */
  retentionEveryMs: number;
  /** How often (ms) a worker checks that the job schedulers exist in Redis and re-establishes missing ones. */
  schedulerCheckMs: number;
  /** BullMQ job lock (ms): how soon a dead worker's job is taken over. */
  lockDurationMs: number;
  /** SMTP server of email channels (`smtp://user:pass@host:587`); email channels fail their attempts without it. */
  smtpUrl: string | null;
  /** Sender address of notification emails. */
  smtpFrom: string;
  /** Delivery attempts per notification, first retry delay (ms, doubled each time), time limit per attempt (ms). */
  notifyAttempts: number;
  notifyBackoffMs: number;
  notifyTimeoutMs: number;
  /** A pending notification older than this (ms) is re-enqueued by the sweeper. */
  notifySweepMinAgeMs: number;
  /** Base URL of the admin app, for links in notifications (`<url>/alerts/<id>`). */
  publicUrl: string | null;
  /** Days of history a profiling run reads, and at most how many events. */
  profileDays: number;
  profileMaxEvents: number;
  /** How often every live business is profiled (ms); 0 turns scheduled profiling off (runs only on demand). */
  profileEveryMs: number;
  /** Suggestions whose backtest fires more than this per day are not proposed. */
  noiseBudgetPerDay: number;
  /** Key that opens channel credentials at rest (base64, 32 bytes), and earlier keys (rotation); as the api's. */
  secretKey: string;
  previousSecretKeys: string[];
  /** Hosts, IPs or CIDR ranges channels may reach although private or loopback; as the api's. */
  outboundAllow: string[];
  /** Where events are archived before retention deletes them (businesses with `archive` on); null: not configured. */
  archive: ArchiveConfig | null;
  /** Port of the worker's own HTTP server: /metrics, /health/live, /health/ready (0: none). */
  httpPort: number;
  /** Interface it listens on (127.0.0.1 in development, 0.0.0.0 in production). */
  httpHost: string;
  /** Bearer token /metrics requires when set (Prometheus's `authorization` setting); empty: none. */
  metricsToken: string;
}

/** Empty (unset), or an SMTP URL as nodemailer takes it. */
const smtpUrl = makeValidator<string>((v) => {
  if (v === '' || /^smtps?:\/\/[^/\s]+/.test(v)) return v;
  throw new Error('must be smtp://[user:pass@]host[:port] or smtps://…');
});

/** Reads and validates the environment once; throws one Error listing every bad key. */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  // envalid applies devDefault only when NODE_ENV is set and not production.
  const e = cleanEnv(
    { ...env, NODE_ENV: env.NODE_ENV || 'development' },
    {
      NODE_ENV: str({ choices: ['development', 'production', 'test'], default: 'development' }),
      DATABASE_URL: url({ devDefault: 'postgres://postgres@127.0.0.1:5432/anom' }),
      REDIS_URL: url({ devDefault: 'redis://127.0.0.1:6379' }),
      LOG_LEVEL: str({ choices: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], default: 'info' }),
      LOG_PRETTY: bool({ devDefault: true, default: false }),
      EVALUATE_PARTITIONS: num({ default: 4 }),
      QUEUE_PREFIX: str({ default: 'anom' }),
      SWEEP_EVERY_MS: num({ default: SWEEP_EVERY_MS }),
      SWEEP_MIN_AGE_MS: num({ default: SWEEP_MIN_AGE_MS }),
      TICK_EVERY_MS: num({ default: TICK_EVERY_MS }),
      AUTO_RESOLVE_EVERY_MS: num({ default: AUTO_RESOLVE_EVERY_MS }),
      RETENTION_EVERY_MS: num({ default: RETENTION_EVERY_MS }),
      JOB_LOCK_MS: num({ default: 10_000 }),
      SCHEDULER_CHECK_MS: num({ default: 5_000 }),
      SMTP_URL: smtpUrl({ default: '' }),
      SMTP_FROM: str({ default: 'Anom <anom@localhost>' }),
      NOTIFY_ATTEMPTS: num({ default: NOTIFY_ATTEMPTS }),
      NOTIFY_BACKOFF_MS: num({ default: NOTIFY_BACKOFF_MS }),
      NOTIFY_TIMEOUT_MS: num({ default: NOTIFY_TIMEOUT_MS }),
      NOTIFY_SWEEP_MIN_AGE_MS: num({ default: NOTIFY_SWEEP_MIN_AGE_MS }),
      PUBLIC_URL: str({ default: '' }),
      PROFILE_DAYS: num({ default: PROFILE_DAYS }),
      PROFILE_MAX_EVENTS: num({ default: PROFILE_MAX_EVENTS }),
      PROFILE_EVERY_MS: num({ default: PROFILE_EVERY_MS }),
      NOISE_BUDGET_PER_DAY: num({ default: NOISE_BUDGET_PER_DAY }),
      ANOM_SECRET_KEY: str({ devDefault: DEV_SECRET_KEY }),
      ANOM_SECRET_KEYS_PREVIOUS: str({ default: '' }),
      ANOM_OUTBOUND_ALLOW: str({ default: '' }),
      ...ARCHIVE_ENV,
      WORKER_HTTP_PORT: num({ default: 9464 }),
      WORKER_HTTP_HOST: str({ default: '0.0.0.0', devDefault: '127.0.0.1' }),
      WORKER_METRICS_TOKEN: str({ default: '' }),
    },
    {
      reporter: ({ errors }) => {
        const keys = Object.entries(errors);
        if (keys.length > 0)
          throw new Error(
            `invalid environment:\n${keys.map(([k, err]) => `  ${k}: ${err?.message || 'missing'}`).join('\n')}`,
          );
      },
    },
  );
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    prettyLogs: e.LOG_PRETTY,
    evaluatePartitions: e.EVALUATE_PARTITIONS,
    queuePrefix: e.QUEUE_PREFIX,
    sweepEveryMs: e.SWEEP_EVERY_MS,
    sweepMinAgeMs: e.SWEEP_MIN_AGE_MS,
    tickEveryMs: e.TICK_EVERY_MS,
    autoResolveEveryMs: e.AUTO_RESOLVE_EVERY_MS,
    retentionEveryMs: e.RETENTION_EVERY_MS,
    lockDurationMs: e.JOB_LOCK_MS,
    schedulerCheckMs: e.SCHEDULER_CHECK_MS,
    smtpUrl: e.SMTP_URL || null,
    smtpFrom: e.SMTP_FROM,
    notifyAttempts: e.NOTIFY_ATTEMPTS,
    notifyBackoffMs: e.NOTIFY_BACKOFF_MS,
    notifyTimeoutMs: e.NOTIFY_TIMEOUT_MS,
    notifySweepMinAgeMs: e.NOTIFY_SWEEP_MIN_AGE_MS,
    publicUrl: e.PUBLIC_URL ? e.PUBLIC_URL.replace(/\/$/, '') : null,
    profileDays: e.PROFILE_DAYS,
    profileMaxEvents: e.PROFILE_MAX_EVENTS,
    profileEveryMs: e.PROFILE_EVERY_MS,
    noiseBudgetPerDay: e.NOISE_BUDGET_PER_DAY,
    secretKey: e.ANOM_SECRET_KEY,
    previousSecretKeys: splitList(e.ANOM_SECRET_KEYS_PREVIOUS),
    outboundAllow: splitList(e.ANOM_OUTBOUND_ALLOW),
    archive: archiveConfig(e),
    httpPort: e.WORKER_HTTP_PORT,
    httpHost: e.WORKER_HTTP_HOST,
    metricsToken: e.WORKER_METRICS_TOKEN,
  };
}

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}
