import { existsSync } from 'node:fs';
import { exitWithin, shutdownTimeoutMs } from '@anom/queue';
import { createApiApp } from './app.factory';
import { loadApiConfig } from './config/api.config';

async function main(): Promise<void> {
  // A .env in the working directory fills variables not already set (Node's own loader).
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  let timeoutMs;
  try {
    config = loadApiConfig();
    timeoutMs = shutdownTimeoutMs();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  exitWithin(timeoutMs, 'anom api');
  const app = await createApiApp(config);
  await app.listen(config.port, config.host);
  process.stdout.write(`anom api listening on http://localhost:${config.port} (docs at /docs)\n`);
}

void main();
