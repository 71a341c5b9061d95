/**
 * `npm run openapi`: writes the api's OpenAPI document to
 * apps/web/src/api/openapi.json and the web client's types from it
 * (openapi-typescript -> schema.d.ts). Run after changing a route or DTO;
 * `openapi.int-spec.ts` fails while the committed copy is stale.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApiApp, createOpenApiDocument } from '../apps/api/src/app.factory';
import { loadApiConfig } from '../apps/api/src/config/api.config';

export const OPENAPI_PATH = join(__dirname, '../apps/web/src/api/openapi.json');

async function main(): Promise<void> {
  const app = await createApiApp({ ...loadApiConfig({ ...process.env, NODE_ENV: 'development' }), logLevel: 'silent' });
  const doc = createOpenApiDocument(app);
  await app.close();
  writeFileSync(OPENAPI_PATH, `${JSON.stringify(doc, null, 2)}\n`);
  execFileSync(
    join(__dirname, '../node_modules/.bin/openapi-typescript'),
    [OPENAPI_PATH, '--default-non-nullable=false', '-o', join(__dirname, '../apps/web/src/api/schema.d.ts')],
    { stdio: 'inherit' },
  );
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  },
);
