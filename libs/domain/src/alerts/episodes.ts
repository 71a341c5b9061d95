import type { RuleClear } from '../engine/evaluate-batch';
import type { RuleMatch } from '../rules/evaluate-immediate';
import { lifecycleOptions, type LifecycleRule } from './lifecycle';

/** Most phases one evaluation is applied in (see episodePhases). */
export const MAX_EPISODE_PHASES = 20;

/** One step of applying an evaluation: the ends of episodes first, then the matches of the next ones. */
export interface EpisodePhase {
  /** Clears that end an episode (of an alert stored before, or of the phase before), event time `t`. */
  clears: RuleClear[];
  matches: RuleMatch[];
}

/**
 * Splits one evaluation's matches and clears into the episodes they belong to by event time, so that a
 * batch of history holding several episodes of a group gives several alerts, as live traffic would
 * have. Per fingerprint, in event-time order: a clear followed by a match at least the rule's
 * resolveAfter later (lifecycleOptions of its rule in `rules`; none: only people resolve, no split) ends
 * an episode, and the
 * match starts the next; a clear followed by an earlier match is moot (the condition came back before
 * the alert could resolve); for an immediate rule (momentary), whose matches end at once, a gap of
 * resolveAfter between two matches does the same. Phase `i` holds the `i`-th episode of every
 * fingerprint with the clear that ended the one before it (for the first episode, the clear ending the
 * alert stored before the batch);
 * `trailing` holds the clear after a fingerprint's last match, or its first clear when it has no
 * match. Applying the phases in order, then `trailing`, with the store resolving an alert whose
 * episode is over by event time (episodeOver), yields the episodes. Each phase costs the store a few
 * statements, so an evaluation has at most `maxPhases` (MAX_EPISODE_PHASES): a group's episodes beyond
 * count into its last one (history crafted with one episode per event cannot multiply the statements
 * of a batch). Pure; O(n log n).
 */
export function episodePhases(
  matches: readonly RuleMatch[],
  clears: readonly RuleClear[],
  rules: readonly LifecycleRule[],
  maxPhases = MAX_EPISODE_PHASES,
): { phases: EpisodePhase[]; trailing: RuleClear[] } {
  const byId = new Map(rules.map((r) => [r.ruleId, r.definition]));
  const byFingerprint = new Map<string, { matches: RuleMatch[]; clears: RuleClear[] }>();
  const of = (f: string) => {
    let x = byFingerprint.get(f);
    if (!x) byFingerprint.set(f, (x = { matches: [], clears: [] }));
    return x;
  };
  for (const m of matches) of(m.fingerprint).matches.push(m);
  for (const c of clears) of(c.fingerprint).clears.push(c);
  const phases: EpisodePhase[] = [];
  const phase = (i: number) => (phases[i] ??= { clears: [], matches: [] });
  const trailing: RuleClear[] = [];
  for (const { matches: ms, clears: cs } of byFingerprint.values()) {
    ms.sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
    cs.sort((a, b) => a.t.getTime() - b.t.getTime());
    if (ms.length === 0) {
      trailing.push(cs[0]);
      continue;
    }
    // An immediate rule's match is over at once: a gap of resolveAfter between two matches ends an episode.
    const { resolveAfterMs: after, momentary: instant } = lifecycleOptions(byId.get(ms[0].ruleId));
    let episode = 0;
    let next = 0;
    // The previous match's event time (-Infinity before the first).
    let previous = -Infinity;
    for (const m of ms) {
      const t = m.eventTime.getTime();
      const started = previous > -Infinity;
      // The first clear since the previous match (the moment that episode ended), if any.
      let ended: RuleClear | null = null;
      while (next < cs.length && cs[next].t.getTime() < t) {
        if (cs[next].t.getTime() >= previous && !ended) ended = cs[next];
        next++;
      }
      const room = !(started && episode + 1 >= maxPhases);
      if (ended && after !== null && t - ended.t.getTime() >= after && room) {
        if (started) episode++;
        phase(episode).clears.push(ended);
      } else if (instant && started && after !== null && t - previous >= after && room) episode++;
      phase(episode).matches.push(m);
      previous = t;
    }
    const last = cs.find((c) => c.t.getTime() >= previous);
    if (last) trailing.push(last);
  }
  return { phases, trailing };
}
