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
 *   at all is noticed too.
 */

export interface AbsenceConfig {
  windowMs: number;
}

export interface AbsenceGroupState {
  /** Newest event time seen for the group (epoch ms), or the rule's start for expected groups. */
  last: number;
  alerted: boolean;
}

export type AbsenceSignal = { type: 'match'; group: string; last: number; silentMs: number } | { type: 'clear'; group: string; t: number };

/** Records a (matching) event of `group` at event time `t`. Pure. */
export function observeAbsence(group: string, state: AbsenceGroupState | undefined, t: number): { state: AbsenceGroupState; signals: AbsenceSignal[] } {
  const last = Math.max(state?.last ?? t, t);
  const signals: AbsenceSignal[] = state?.alerted ? [{ type: 'clear', group, t }] : [];
  return { state: { last, alerted: false }, signals };
}

/** Fires for every silent group not yet alerted. Returns the groups whose state changed. Pure. */
export function tickAbsence(config: AbsenceConfig, groups: ReadonlyMap<string, AbsenceGroupState>, now: number): { changed: Map<string, AbsenceGroupState>; signals: AbsenceSignal[] } {
  const changed = new Map<string, AbsenceGroupState>();
  const signals: AbsenceSignal[] = [];
  for (const [group, s] of groups) {
    const silentMs = now - s.last;
    if (!s.alerted && silentMs >= config.windowMs) {
      changed.set(group, { last: s.last, alerted: true });
      signals.push({ type: 'match', group, last: s.last, silentMs });
    }
  }
  return { changed, signals };
}

/** Initial states of the expected groups, silent since `since` (the rule's start). */
export function expectAbsenceGroups(groups: readonly string[], since: number, existing: ReadonlyMap<string, AbsenceGroupState>): Map<string, AbsenceGroupState> {
  const out = new Map<string, AbsenceGroupState>();
  for (const g of groups) if (!existing.has(g)) out.set(g, { last: since, alerted: false });
  return out;
}
