import type { Redis } from 'ioredis';
import type { StateStore } from '@anom/domain';

/** Idle rule state expires after this long (ms): a group silent for 30 days starts afresh. */
export const STATE_TTL_MS = 30 * 86_400_000;

/**
 * StateStore on Redis: JSON values under `<prefix>:state:<key>`, loaded with
 * one MGET and saved with one pipeline per batch. Keys carry the rule version,
 * so a rule edit starts with fresh state and old versions simply expire.
 */
export class RedisStateStore implements StateStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async load(keys: readonly string[]): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    if (keys.length === 0) return out;
    const values = await this.redis.mget(keys.map((k) => this.key(k)));
    values.forEach((v, i) => {
      if (v !== null) out.set(keys[i], JSON.parse(v));
    });
    return out;
  }

  async save(changes: ReadonlyMap<string, unknown>): Promise<void> {
    if (changes.size === 0) return;
    const pipeline = this.redis.multi();
    for (const [k, v] of changes) {
      if (v === undefined) pipeline.del(this.key(k));
      else pipeline.set(this.key(k), JSON.stringify(v), 'PX', STATE_TTL_MS);
    }
    const results = await pipeline.exec();
    const failed = results?.find(([err]) => err);
    if (failed) throw failed[0];
  }

  private key(k: string): string {
    return `${this.prefix}:state:${k}`;
  }
}
