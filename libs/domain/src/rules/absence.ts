/**
 * `absence` rules (the "window rule"): no event — or no event matching the
 * condition — for a group during `window` ("no file for SFTP-BANK-A in 20 min").
 *
 * Semantics, per group:
 * - `observe` records a (matching) event: the group's last-seen time becomes
 *   the newest event time seen; if the group was alerted, it reported again
 *   and a `clear` signal ends the episode (auto-resolve);
 * - `tick(now)` fires once per silence: a group whose last-seen time is
 *   `window` or more before `now` and not yet alerted gives a `match` signal.
 *   The worker ticks on the wall clock (a BullMQ job scheduler), so the rule
 *   fires on time when nothing arrives; a backtest ticks on event time;
 * - groups are discovered from data; `expectedGroups` (given in the rule) are
 *   tracked from the moment the rule starts, so a group that never reports
 *   at all is noticed too;
 * - silence counts only while the platform accepted events: a tick while no
 *   api instance is up judges as of the last moment one was, and after such
 *   a downtime a group's silence is counted from when ingest resumed (its
 *   sources may have been sending all along; see judgeAbsenceAsOf).
 */

export interface AbsenceConfig {
  windowMs: number;
}

export interface AbsenceGroupState {
  /** Newest event time seen for the group (epoch ms), or the rule's start for expected groups. */
  last: number;
  alerted: boolean;
}

export type AbsenceSignal =
  { type: 'match'; group: string; last: number; silentMs: number } | { type: 'clear'; group: string; t: number };

/** Records a (matching) event of `group` at event time `t`. Pure. */
export function observeAbsence(
  group: string,
  state: AbsenceGroupState | undefined,
  t: number,
): { state: AbsenceGroupState; signals: AbsenceSignal[] } {
  const last = Math.max(state?.last ?? t, t);
  const signals: AbsenceSignal[] = state?.alerted ? [{ type: 'clear', group, t }] : [];
  return { state: { last, alerted: false }, signals };
}

/**
 * Fires for every group not yet alerted that has been silent for the window
 * as of `now` (epoch ms), silence counted from its last event or from
 * `countFrom` (epoch ms; when ingest last resumed), whichever is later. A
 * match's `silentMs` is the whole time since the last event. Returns the
 * groups whose state changed. Pure.
 */
export function tickAbsence(
  config: AbsenceConfig,
  groups: ReadonlyMap<string, AbsenceGroupState>,
  now: number,
  countFrom = -Infinity,
): { changed: Map<string, AbsenceGroupState>; signals: AbsenceSignal[] } {
  const changed = new Map<string, AbsenceGroupState>();
  const signals: AbsenceSignal[] = [];
  for (const [group, s] of groups) {
    const silentMs = now - s.last;
    if (!s.alerted && now - Math.max(s.last, countFrom) >= config.windowMs) {
      changed.set(group, { last: s.last, alerted: true });
      signals.push({ type: 'match', group, last: s.last, silentMs });
    }
  }
  return { changed, signals };
}

/** Initial states of the expected groups, silent since `since` (the rule's start). */
export function expectAbsenceGroups(
  groups: readonly string[],
  since: number,
  existing: ReadonlyMap<string, AbsenceGroupState>,
): Map<string, AbsenceGroupState> {
  const out = new Map<string, AbsenceGroupState>();
  for (const g of groups) if (!existing.has(g)) out.set(g, { last: since, alerted: false });
  return out;
}

/** When ingest was known to be up (epoch ms): what api instances record (IngestAvailability in @anom/queue). */
export interface IngestUptime {
  /** Newest beat of any api instance, or null when none was ever recorded. */
  lastBeat: number | null;
  /** When ingest last came back after being down (or first started), or null. */
  resumedAt: number | null;
  /** Beats further apart than this (ms) mean ingest was down in between. */
  downAfterMs: number;
}

/**
 * What an absence tick at wall-clock `at` may judge, given ingest's uptime:
 * `asOf`, the time silence is judged at — `at`, or the last beat when no api
 * instance has beaten for `downAfterMs` (ingest is down: nothing after its
 * last beat is known) — and `countFrom`, the time silence may start at the
 * earliest: when ingest last resumed. Without any record (an api older than
 * the beats), `at` and no floor. The false alarm this avoids is a known one
 * of peers: Prometheus's `absent()` fires after a restart when evaluated
 * before the first scrape, which Cloudflare's rule linter (pint,
 * `alerts/absent`) warns about and asks `for` of at least two scrape
 * intervals to hide. Pure.
 */
export function judgeAbsenceAsOf(at: number, uptime: IngestUptime): { asOf: number; countFrom: number } {
  const down = uptime.lastBeat !== null && at - uptime.lastBeat > uptime.downAfterMs;
  return { asOf: down ? uptime.lastBeat! : at, countFrom: uptime.resumedAt ?? -Infinity };
}
