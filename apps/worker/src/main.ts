import { existsSync } from 'node:fs';
import { exitWithin, shutdownTimeoutMs } from '@anom/queue';
import { loadWorkerConfig } from './config/worker.config';
import { createWorkerApp } from './worker.factory';

async function main(): Promise<void> {
  // A .env in the working directory fills variables not already set (Node's own loader).
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  let timeoutMs;
  try {
    config = loadWorkerConfig();
    timeoutMs = shutdownTimeoutMs();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  exitWithin(timeoutMs, 'anom worker');
  await createWorkerApp(config);
  process.stdout.write(`anom worker running (${config.evaluatePartitions} evaluate partitions)\n`);
}

void main();
