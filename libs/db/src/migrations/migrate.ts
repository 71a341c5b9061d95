import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';

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

/** Reverts the newest `count` migrations of `databaseUrl` (their Down sections): upgrade tests start from there. */
export function migrateDown(databaseUrl: string, count: number): void {
  runMigrations(databaseUrl, ['down', String(count)]);
}

function runMigrations(databaseUrl: string, args: string[]): void {
  const bin = path.join(path.dirname(require.resolve('node-pg-migrate/package.json')), 'bin/node-pg-migrate.js');
  const r = spawnSync(
    process.execPath,
    [bin, ...args, '-m', MIGRATIONS_DIR, '--no-check-order', '--migrations-table', 'pgmigrations'],
    {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`migration failed:\n${r.stdout}\n${r.stderr}`);
}
