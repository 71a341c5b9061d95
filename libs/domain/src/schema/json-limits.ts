import type { InputErrorDetail } from '@anom/contracts';

/** Bounds on a JSON value a client sends. */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /** Most keys in one object. */
  maxKeys: number;
}

/**
 * 64 levels and 2,000 keys per object: far beyond any event or definition
 * (a business has at most 500 fields), far below what makes a recursive
 * walk overflow the stack or a validator spend seconds (10,000 levels
 * answered 500, 50,000 keys took 2–4 s to reject).
 */
export const DEFAULT_JSON_LIMITS: JsonLimits = { maxDepth: 64, maxKeys: 2_000 };

// V8 has String.prototype.isWellFormed (ES2024) since Node 20; TypeScript's ES2022 lib does not declare it.
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * The first problem of a parsed JSON value, as `{ pointer, detail }` under
 * `base` (an RFC 6901 pointer), or null when it is within `limits` and holds
 * nothing Postgres or the engine cannot take: no string or key with U+0000
 * (Postgres text and jsonb refuse it) or a lone UTF-16 surrogate (not
 * Unicode; jsonb refuses the escape), no number JSON.parse made infinite
 * (1e400), no `__proto__` key. Walks with an explicit stack, so any depth is
 * safe to inspect; stops at the first problem. Never throws.
 */
export function jsonProblem(
  value: unknown,
  limits: JsonLimits = DEFAULT_JSON_LIMITS,
  base = '',
): InputErrorDetail | null {
  const stack: [unknown, string, number][] = [[value, base, 0]];
  while (stack.length > 0) {
    const [v, pointer, depth] = stack.pop()!;
    if (typeof v === 'string') {
      const p = stringProblem(v);
      if (p) return { pointer, detail: p };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v))
        return { pointer, detail: 'is a number out of range (a double holds up to about 1.8e308)' };
    } else if (v !== null && typeof v === 'object') {
      if (depth >= limits.maxDepth) return { pointer, detail: `nests deeper than ${limits.maxDepth} levels` };
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${pointer}/${i}`, depth + 1]);
      } else {
        const keys = Object.keys(v);
        if (keys.length > limits.maxKeys)
          return { pointer, detail: `has ${keys.length} keys; at most ${limits.maxKeys} are accepted` };
        for (let i = keys.length - 1; i >= 0; i--) {
          const k = keys[i];
          const at = `${pointer}/${pointerSegment(k)}`;
          if (k === '__proto__') return { pointer: at, detail: 'is a reserved name' };
          const p = stringProblem(k);
          if (p) return { pointer: at, detail: `key ${p}` };
          stack.push([(v as Record<string, unknown>)[k], at, depth + 1]);
        }
      }
    }
  }
  return null;
}

function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains U+0000 (NUL), which cannot be stored';
  if (!wellFormed(s)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

/**
 * One JSON pointer segment for a client-chosen name (RFC 6901: `~` as `~0`,
 * `/` as `~1`), cut to 200 characters so a 100,000-character key is not
 * echoed back whole.
 */
export function pointerSegment(k: string): string {
  const cut = k.length > 200 ? `${k.slice(0, 200)}…` : k;
  return cut.replace(/~/g, '~0').replace(/\//g, '~1');
}
