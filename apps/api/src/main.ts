import { existsSync } from 'node:fs';
import { createApiApp } from './app.factory';
import { loadApiConfig } from './config/api.config';

async function main(): Promise<void> {
  // A .env in the working directory fills variables not already set (Node's own loader).
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadApiConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  process.stdout.write(`anom api listening on http://localhost:${config.port} (docs at /docs)\n`);
}

void main();
