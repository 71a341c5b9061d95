import { DomainError, jsonProblem } from '@anom/domain';

/** A list page as every list route answers it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Opaque cursor: base64url of a JSON value. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; a tampered one is a 400 naming `cursor`. */
export function decodeCursor<T>(cursor: string, check: (v: unknown) => v is T): T {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    // A forged cursor may carry what SQL cannot take (a NUL, a lone surrogate): refused like any bad value.
    if (jsonProblem(v) === null && check(v)) return v;
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'cursor is not one this api returned', [
    { pointer: '/cursor', detail: 'is not a valid cursor' },
  ]);
}

/** Pages `rows` fetched with limit + 1: the extra row only says there is a next page. */
export function toPage<T>(rows: T[], limit: number, cursorOf: (last: T) => unknown): Page<T> {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(cursorOf(items[items.length - 1])) : null };
}

/** A keyset cursor of (timestamp, uuid): the position after which the next page starts. */
export interface TimeIdCursor {
  t: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Years 0000–9999: what a cursor made from stored rows holds, and inside Postgres' timestamptz range. */
const EARLIEST_CURSOR_MS = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST_CURSOR_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Type guard for TimeIdCursor, for decodeCursor: a date-time in years 0000–9999 and a UUID. */
export function isTimeIdCursor(v: unknown): v is TimeIdCursor {
  const c = v as { t?: unknown; id?: unknown };
  if (!c || typeof c.t !== 'string' || typeof c.id !== 'string' || !UUID.test(c.id)) return false;
  const ms = Date.parse(c.t);
  return ms >= EARLIEST_CURSOR_MS && ms <= LATEST_CURSOR_MS;
}
