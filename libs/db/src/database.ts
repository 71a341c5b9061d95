import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, types, type PoolClient } from 'pg';
import { PrismaClient, type Prisma } from './generated/prisma/client';

// bigint columns (counts, bigserial ids) come back as JS numbers: they stay far below 2^53 here.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));

export type { PoolClient };

/**
 * The handle of one transaction, which every repository method takes (as its
 * last, optional argument where it can also run on its own): `sql` is the
 * transaction's pg connection (the pipeline's tables: COPY and set-based
 * statements), `prisma` a Prisma client on that same connection (the
 * definitions' tables), made on first use only. A service opens one with
 * `Database.transaction` and passes it to each call, so a change, its audit
 * row and anything else it writes commit or roll back together.
 */
export interface Tx {
  readonly sql: PoolClient;
  readonly prisma: Prisma.TransactionClient;
}

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
   * Runs `fn` in one transaction on a dedicated connection (see `Tx`):
   * commits when it resolves, rolls back and rethrows when it throws. With
   * `join` (a caller's transaction) it runs `fn` in that one instead, so
   * services compose. The Prisma client of `tx.prisma` is made for the
   * transaction when first used (about 10 ms; the pipeline's transactions,
   * which use only `tx.sql`, never pay it) and dropped with it; what Prisma
   * runs as a transaction of its own (a nested create) becomes a savepoint.
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, join?: Tx): Promise<T> {
    if (join) return fn(join);
    const client = await this.pool.connect();
    let prisma: PrismaClient | null = null;
    const tx: Tx = {
      sql: client,
      get prisma() {
        return (prisma ??= new PrismaClient({ adapter: new PrismaPg(new BorrowedConnection(client)) }));
      },
    };
    try {
      await client.query('BEGIN');
      const result = await fn(tx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      await (prisma as PrismaClient | null)?.$disconnect().catch(() => undefined);
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

type QueryArgs = [config: string | { text: string }, ...rest: unknown[]];

/**
 * A pg Pool of one connection it does not own, for a transaction's Prisma
 * client: its queries run on the transaction's connection, and a transaction
 * Prisma opens of its own (interactive, or implicit for a nested write) runs
 * as a savepoint of the outer one — its BEGIN, COMMIT and ROLLBACK become
 * SAVEPOINT, RELEASE and ROLLBACK TO — so nothing Prisma does can commit or
 * end the caller's transaction.
 */
class BorrowedConnection extends Pool {
  private savepoints = 0;

  constructor(private readonly connection: PoolClient) {
    super({ max: 1 });
  }

  override query(...args: unknown[]): never {
    return (this.connection.query as (...a: unknown[]) => never)(...args);
  }

  override connect(): never {
    const name = `anom_prisma_${++this.savepoints}`;
    const rewrite = (sql: string): string =>
      sql === 'BEGIN'
        ? `SAVEPOINT ${name}`
        : sql === 'COMMIT'
          ? `RELEASE SAVEPOINT ${name}`
          : sql === 'ROLLBACK'
            ? `ROLLBACK TO SAVEPOINT ${name}`
            : sql;
    const connection = this.connection;
    const savepoint = {
      query: (...args: QueryArgs) => {
        const [config, ...rest] = args;
        const sql = typeof config === 'string' ? rewrite(config) : { ...config, text: rewrite(config.text) };
        return (connection.query as (...a: unknown[]) => unknown)(sql, ...rest);
      },
      release: () => undefined,
      on: () => savepoint,
      removeListener: () => savepoint,
    };
    return Promise.resolve(savepoint) as never;
  }
}
