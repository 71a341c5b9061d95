import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client, type QueryResult, type QueryResultRow } from 'pg';

/** Folder of the SQL migrations (node-pg-migrate format). */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../../../prisma/migrations');

/**
 * Creates the database named in `databaseUrl` if it does not exist, then
 * applies every pending migration with node-pg-migrate (history in
 * `pgmigrations`). Idempotent. Throws with node-pg-migrate's output when a
 * migration fails. Optionally creates it from a template database instead.
 */
export async function ensureDatabase(databaseUrl: string, template?: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name '${name}' must be letters, digits and _`);
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client
        .query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`)
        .catch((err: { code?: string }) => {
          if (err.code !== '42P04') throw err; // created meanwhile by another process
        });
    }
  } finally {
    await client.end();
  }
}

/** Applies pending migrations to `databaseUrl` (creating the database first). */
export async function migrate(databaseUrl: string): Promise<void> {
  await ensureDatabase(databaseUrl);
  runMigrations(databaseUrl, ['up']);
}

/**
 * Reverts, newest first, every applied migration from `name` (a file name
 * without `.sql`, e.g. `1764700000000_source-keys`) on: upgrade tests start
 * from the schema before it. Throws when `name` was not applied.
 */
export async function migrateDownTo(databaseUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let count: number;
  try {
    const r = await client.query<{ n: number; found: boolean }>(
      'SELECT count(*)::int AS n, bool_or(name = $1) AS found FROM pgmigrations WHERE name >= $1',
      [name],
    );
    if (!r.rows[0].found) throw new Error(`migration ${name} is not applied`);
    count = r.rows[0].n;
  } finally {
    await client.end();
  }
  runMigrations(databaseUrl, ['down', String(count)]);
}

/**
 * The URL node-pg-migrate connects with: `ANOM_TIMESCALE=off` sets the session
 * setting `anom.timescale` the migrations read, so the event table stays a
 * plain table even where TimescaleDB is preloaded.
 */
function migrationUrl(databaseUrl: string): string {
  if ((process.env.ANOM_TIMESCALE ?? '').toLowerCase() !== 'off') return databaseUrl;
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `${url.searchParams.get('options') ?? ''} -c anom.timescale=off`.trim());
  return url.toString();
}

/** What holds the events: a TimescaleDB hypertable, or a plain table and why. */
export interface EventStoreInfo {
  kind: 'hypertable' | 'table';
  /** TimescaleDB's version where the extension is created, else null. */
  timescale: string | null;
  /** One line for the logs: what the store is, and for a plain table what would make it a hypertable. */
  summary: string;
}

/**
 * Reads which event store a migrated database has (see EventStoreInfo). The
 * migrations make `event` a hypertable only where TimescaleDB is installed,
 * preloaded (`shared_preload_libraries`) and not turned off; this names the
 * missing condition.
 */
export async function describeEventStore(query: Queryable): Promise<EventStoreInfo> {
  const r = await query.query<{ available: boolean; preloaded: boolean; version: string | null }>(
    `SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available,
            coalesce(current_setting('shared_preload_libraries', true), '')
              ~ '(^|[ ,])timescaledb([ ,]|$)' AS preloaded,
            (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb') AS version`,
  );
  const { available, preloaded, version } = r.rows[0];
  // The catalog exists only once the extension is created (a statement naming it would not parse before).
  const hyper =
    version !== null &&
    ((
      await query.query(
        "SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'event' AND hypertable_schema " +
          '= current_schema()',
      )
    ).rowCount ?? 0) > 0;
  if (hyper)
    return { kind: 'hypertable', timescale: version, summary: `event store: TimescaleDB ${version} hypertable` };
  const why = !available
    ? 'TimescaleDB is not installed'
    : !preloaded
      ? "TimescaleDB is installed but not preloaded: add shared_preload_libraries = 'timescaledb' and restart Postgres"
      : 'TimescaleDB is turned off (ANOM_TIMESCALE=off)';
  return { kind: 'table', timescale: version, summary: `event store: plain table (${why})` };
}

/** Anything with pg's `query` (a Pool, a Client). */
export interface Queryable {
  query<R extends QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

function runMigrations(databaseUrl: string, args: string[]): void {
  const bin = path.join(path.dirname(require.resolve('node-pg-migrate/package.json')), 'bin/node-pg-migrate.js');
  const r = spawnSync(
    process.execPath,
    [bin, ...args, '-m', MIGRATIONS_DIR, '--no-check-order', '--migrations-table', 'pgmigrations'],
    {
      env: { ...process.env, DATABASE_URL: migrationUrl(databaseUrl) },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`migration failed:\n${r.stdout}\n${r.stderr}`);
}
