// `npm run db:migrate`: creates the database if missing and applies pending SQL migrations.
import { migrate } from '@anom/db';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/anom';
migrate(url)
  .then(() => process.stdout.write(`migrated ${url.replace(/\/\/[^@]*@/, '//')}\n`))
  .catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
