import { Client } from 'pg';
import { migrate } from '../libs/db/src/migrations/migrate';
import { TEMPLATE_DB, adminUrl, databaseUrl } from './env';
import { dropDatabase, freezeTemplate } from './template-db';

/**
 * Migrates once into a template database; each integration suite then gets
 * its own copy (CREATE DATABASE … TEMPLATE), so suites are independent.
 */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    // Leftovers of interrupted runs.
    const stale = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'anom_t\\_%' OR datname = $1",
      [TEMPLATE_DB],
    );
    for (const { datname } of stale.rows) await dropDatabase(admin, datname);
    await migrate(databaseUrl(TEMPLATE_DB));
    await freezeTemplate(admin, TEMPLATE_DB);
  } finally {
    await admin.end();
  }
}
