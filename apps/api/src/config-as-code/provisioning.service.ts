import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { parse } from 'yaml';
import { Database } from '@anom/db';
import { fillEnvReferences } from '@anom/contracts';
import type { ApiConfig } from '../config/api.config';
import { API_CONFIG } from '../infra/tokens';
import { ConfigService, type ApplyResult } from './config.service';

/** Advisory-lock key serialising provisioning across api replicas starting together. */
const LOCK_KEY = 0x616e6f6d; // 'anom'

/**
 * A provisioning folder (PROVISIONING_DIR): at start-up the api applies every
 * `*.yaml`, `*.yml` and `*.json` document in it, in name order, with `${ENV}`
 * references filled from the api's own environment, and marks what they
 * define as provisioned (the app shows it). Replicas take a Postgres advisory
 * lock so one applies at a time. A file that fails is logged as an error and
 * the api starts anyway (ingest and alerting must not wait on a typo); the
 * files before it stay applied. Prune: PROVISIONING_PRUNE.
 */
@Injectable()
export class ProvisioningService implements OnApplicationBootstrap {
  constructor(
    private readonly configs: ConfigService,
    private readonly db: Database,
    private readonly logger: PinoLogger,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    logger.setContext('ProvisioningService');
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.provisioningDir) return;
    // Logged, never fatal: ingest and alerting must start whatever the folder holds.
    await this.provision(this.config.provisioningDir).catch((err: Error) =>
      this.logger.error({ err, dir: this.config.provisioningDir }, 'provisioning folder not read'),
    );
  }

  /** Applies the folder's documents (see the class); returns each file's result or error. */
  async provision(dir: string): Promise<{ file: string; result?: ApplyResult; error?: string }[]> {
    const files = (await readdir(dir)).filter((f) => /\.(ya?ml|json)$/i.test(f)).sort();
    const out: { file: string; result?: ApplyResult; error?: string }[] = [];
    const client = await this.db.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
      for (const file of files) {
        try {
          const { text, missing } = fillEnvReferences(await readFile(join(dir, file), 'utf8'), process.env);
          if (missing.length) throw new Error(`environment variables not set: ${missing.join(', ')}`);
          const result = await this.configs.apply(parse(text), {
            dryRun: false,
            prune: this.config.provisioningPrune,
            actor: `provisioning:${file}`,
            provisioned: true,
          });
          this.logger.info({ file, ...result.summary }, 'provisioning applied');
          out.push({ file, result });
        } catch (err) {
          this.logger.error({ err, file }, 'provisioning file not applied');
          out.push({ file, error: (err as Error).message });
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
      client.release();
    }
    return out;
  }
}
