import type { PoolClient, QueryResultRow } from 'pg';

/**
 * Reads the rows of `sql` in pages of `pageSize` through a server-side cursor
 * (`DECLARE … NO SCROLL CURSOR`, `FETCH n`), so a query over millions of
 * events never holds more than one page in memory. Must run inside a
 * transaction on `client` (the cursor lives until it commits); the cursor is
 * closed when the iteration ends or is abandoned.
 */
export async function* cursorPages<R extends QueryResultRow>(
  client: PoolClient,
  sql: string,
  params: unknown[],
  pageSize = 2_000,
): AsyncGenerator<R[]> {
  const name = `anom_cursor_${Math.random().toString(36).slice(2, 10)}`;
  await client.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, params);
  try {
    for (;;) {
      const page = await client.query<R>(`FETCH ${pageSize} FROM ${name}`);
      if (page.rows.length === 0) return;
      yield page.rows;
      if (page.rows.length < pageSize) return;
    }
  } finally {
    await client.query(`CLOSE ${name}`).catch(() => undefined);
  }
}

/**
 * The SQL expression of an event as the line a client would send to ingest
 * it again: its payload (with the business's timestamp field) and `_id`, the
 * client's event id or else the stored id, so replaying the same file twice
 * stores each event once.
 */
export const EVENT_AS_INGEST_JSON = "(payload || jsonb_build_object('_id', coalesce(client_event_id, id::text)))::text";
