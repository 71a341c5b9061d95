import type { FieldInfo } from './api-client';

/**
 * Turns a CSV row (all strings) into an event of the business's schema:
 * numbers and booleans parsed, empty cells dropped, timestamps normalised to
 * RFC 3339. A timestamp without a zone (`2014-04-10 00:04:00`, as NAB and
 * many exports write it) is read as UTC. Values that cannot be converted are
 * passed through unchanged so the api names the field and the reason.
 */
export function coerceRow(row: Record<string, string>, fields: readonly FieldInfo[]): Record<string, unknown> {
  const types = new Map(fields.map((f) => [f.name, f.type]));
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(row)) {
    if (raw === undefined || raw === '') continue;
    out[key] = coerceValue(raw, types.get(key));
  }
  return out;
}

export function coerceValue(raw: string, type: string | undefined): unknown {
  switch (type) {
    case 'number':
    case 'integer': {
      const n = Number(raw);
      return raw.trim() !== '' && Number.isFinite(n) ? n : raw;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'timestamp':
      return normaliseTimestamp(raw);
    case 'object':
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw;
      }
    default:
      return raw;
  }
}

const NAIVE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;

export function normaliseTimestamp(raw: string): unknown {
  const s = raw.trim();
  if (/^\d{10,13}$/.test(s)) return Number(s.length === 10 ? Number(s) * 1000 : s);
  const naive = NAIVE.exec(s);
  if (naive) return `${naive[1]}T${naive[2].length === 5 ? `${naive[2]}:00` : naive[2]}Z`;
  return s;
}

/** Applies `--map col:field` renames and `--set field=value` constants to a raw row. */
export function mapRow(
  row: Record<string, string>,
  map: Record<string, string>,
  set: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) out[map[k] ?? k] = v;
  return { ...out, ...set };
}
