import { DomainError } from '@anom/domain';

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
    if (check(v)) return v;
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION_FAILED', 'cursor is not one this api returned', [{ pointer: '/cursor', detail: 'is not a valid cursor' }]);
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

/** Type guard for TimeIdCursor, for decodeCursor. */
export function isTimeIdCursor(v: unknown): v is TimeIdCursor {
  const c = v as { t?: unknown; id?: unknown };
  return !!c && typeof c.t === 'string' && !Number.isNaN(Date.parse(c.t)) && typeof c.id === 'string' && /^[0-9a-f-]{36}$/.test(c.id);
}
