import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, types, type PoolClient } from 'pg';
import { PrismaClient } from './generated/prisma/client';

// bigint columns (counts, bigserial ids) come back as JS numbers: they stay far below 2^53 here.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));

export type { PoolClient };

/**
 * One connection pool shared by Prisma (definitions, alerts) and raw SQL
 * (the event table, batches, the alert write path).
 */
export class Database {
  readonly pool: Pool;
  readonly prisma: PrismaClient;

  constructor(databaseUrl: string, poolMax = 10) {
    // JIT off: Postgres compiles a query whose estimated cost passes
    // jit_above_cost, which costs 10-150 ms on a short query whose estimate
    // is off (a fresh table without statistics); Anom's queries are short.
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: poolMax,
      application_name: 'anom',
      options: '-c jit=off',
    });
    // An idle client's error (server restart) must not crash the process.
    this.pool.on('error', () => undefined);
    this.prisma = new PrismaClient({ adapter: new PrismaPg(this.pool) });
  }

  /**
   * Runs `fn` in one transaction on a dedicated client; commits when it
   * resolves, rolls back and rethrows when it throws.
   */
  async transaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** True when Postgres answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.prisma.$disconnect().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
