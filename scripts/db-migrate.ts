// `npm run db:migrate`: creates the database if missing and applies pending SQL migrations.
import { Pool } from 'pg';
import { describeEventStore, migrate } from '@anom/db';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/anom';
async function main(): Promise<void> {
  await migrate(url);
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const store = await describeEventStore(pool);
    process.stdout.write(`migrated ${url.replace(/\/\/[^@]*@/, '//')}; ${store.summary}\n`);
  } finally {
    await pool.end();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
