import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, types, type PoolClient } from 'pg';
import { PrismaClient, type Prisma } from './generated/prisma/client';

// bigint columns (counts, bigserial ids) come back as JS numbers: they stay far below 2^53 here.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));

export type { PoolClient };

/**
 * The handle of a definitions transaction (Prisma's interactive transaction
 * client), which every definitions repository method takes as its last,
 * optional argument: a service opens one with `Database.transaction` and
 * passes it to each repository call, so a change and its audit row commit or
 * roll back together. Without it a method runs on its own.
 */
export type Tx = Prisma.TransactionClient;

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
   * Runs `fn` in one definitions transaction (see `Tx`): commits when it
   * resolves, rolls back and rethrows when it throws. With `join` (a caller's
   * transaction) it runs `fn` in that one instead, so services compose.
   * Prisma's interactive transaction, 10 s at most (then it rolls back).
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, join?: Tx): Promise<T> {
    if (join) return fn(join);
    return this.prisma.$transaction(fn, { timeout: 10_000, maxWait: 10_000 });
  }

  /**
   * Runs `fn` in one SQL transaction on a dedicated pg client: the pipeline's
   * write path (events by COPY, ingest batches, alerts and their outbox; see
   * libs/db/README.md). Commits when it resolves, rolls back and rethrows when
   * it throws. Only repositories of libs/db call it.
   */
  async sqlTransaction<T>(fn: (client: PoolClient) => Promise<T>): Promise<T> {
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

  /**
   * Runs `fn` holding the Postgres session advisory lock named `key` (hashed
   * with hashtext) on a dedicated connection: one holder across all processes
   * at a time, released when `fn` settles or the connection dies.
   */
  async withSessionLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
      }
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
