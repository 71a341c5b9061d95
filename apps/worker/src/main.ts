import { existsSync } from 'node:fs';
import { loadWorkerConfig } from './config/worker.config';
import { createWorkerApp } from './worker.factory';

async function main(): Promise<void> {
  // A .env in the working directory fills variables not already set (Node's own loader).
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadWorkerConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  }
  await createWorkerApp(config);
  process.stdout.write(`anom worker running (${config.evaluatePartitions} evaluate partitions)\n`);
}

void main();
