// `npm run db:seed`: creates the seeded businesses and their rules where missing (idempotent).
import { Database, seed } from '@anom/db';

async function main(): Promise<void> {
  const db = new Database(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/anom', 2);
  try {
    const r = await seed(db);
    process.stdout.write(
      `seeded: ${r.businessesCreated} business(es), ${r.rulesCreated} rule(s) and ${r.viewsCreated} view(s) created\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
