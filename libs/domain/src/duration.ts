const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(\d+)(ms|s|m|h|d|w)$/;

/**
 * Parses a duration such as `30s`, `5m`, `2h`, `1d` (also `ms` and `w`) into
 * milliseconds. Returns `null` for anything else, including zero-padded or
 * compound forms (`1h30m`): rules keep one unit per duration.
 */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNIT_MS[m[2]];
}
