import { Client } from 'pg';

/**
 * A migrated database that suites copy with `CREATE DATABASE … TEMPLATE`.
 *
 * Postgres refuses to copy a database another session is connected to
 * (SQLSTATE 55006, "source database is being accessed by other users"), and
 * with TimescaleDB preloaded its background-worker launcher starts a job
 * scheduler connected to every database that allows connections — the
 * template included. The template is therefore marked `IS_TEMPLATE true
 * ALLOW_CONNECTIONS false` (the launcher skips databases that do not allow
 * connections, as autovacuum does), and the scheduler already attached is
 * terminated. The copies allow connections, so TimescaleDB's workers run on
 * them exactly as in production.
 */
export async function freezeTemplate(admin: Client, name: string): Promise<void> {
  await admin.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
  await admin.query(
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [name],
  );
}

/** Drops a database even when it is a frozen template or has sessions attached. */
export async function dropDatabase(admin: Client, name: string): Promise<void> {
  const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!found.rowCount) return;
  await admin.query(`ALTER DATABASE "${name}" WITH IS_TEMPLATE false ALLOW_CONNECTIONS true`);
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/**
 * `CREATE DATABASE name TEMPLATE template`, retried for a few seconds while a
 * session that connected before the template was frozen is still leaving.
 * Throws the last error after `attempts` tries (100 ms apart).
 */
export async function copyTemplate(admin: Client, name: string, template: string, attempts = 50): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '55006' || i >= attempts) throw err;
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [template]);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
