import type { InputErrorDetail } from '@anom/contracts';
import { parseDuration } from '../../duration';

/** `value` as a duration string, or null when absent; a malformed one is reported at `pointer`. */
export function optionalDuration(value: unknown, pointer: string, errors: InputErrorDetail[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || parseDuration(value) === null) {
    errors.push({ pointer, detail: 'must be a duration such as 30s, 5m, 2h or 1d' });
    return null;
  }
  return value;
}

/** A duration string's milliseconds, or null when absent. */
export function spanMs(v: string | null | undefined): number | null {
  return v ? parseDuration(v) : null;
}

/** Three decimals: how evidence shows computed numbers. */
export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
