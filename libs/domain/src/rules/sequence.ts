/**
 * `sequence` rules: N or more consecutive events of a group satisfy the
 * condition, optionally with N of them inside a time span — SQL's
 * MATCH_RECOGNIZE `PATTERN (A{N,})` / Flink CEP
 * `timesOrMore(N).consecutive().within(span)`.
 *
 * Semantics, per group, in event-time arrival order:
 * - a matching event extends the current run; a non-matching event breaks it;
 * - the run fires when its last N matching events lie within `within`
 *   (when set): the alert then covers those N events;
 * - once fired, every further matching event of the same run joins the same
 *   episode (one signal each); the breaking event ends the episode;
 * - if a run is not fast enough, its oldest events slide out: the N most
 *   recent consecutive matches are what counts;
 * - an event more than `allowedLateness` older than the newest event seen for
 *   the group is too late: reported, not evaluated (its run may already be
 *   decided). A late event inside the allowance is taken in arrival order.
 */

/** A sample of a run: event id, event time (epoch ms) and the values shown as evidence. */
export interface RunSample {
  id: string;
  t: number;
  values: Record<string, unknown>;
  /** The severity this event earned (rule severity raised by escalations), when known. */
  severity?: string;
}

export interface SequenceConfig {
  minCount: number;
  /** Span in ms the N most recent matches must fit in; null = no limit. */
  withinMs: number | null;
  allowedLatenessMs: number;
}

/** Count, sum, minimum and maximum of one numeric field over the events of a run. */
export interface RunStat {
  n: number;
  sum: number;
  min: number;
  max: number;
}

export interface SequenceState {
  /** Most recent matching events of the current run (at most minCount). */
  recent: RunSample[];
  /**
   * Statistics of each numeric evidence value over every event of the current
   * run (not only `recent`), so a run's alert reports the whole run however
   * many batches and restarts it spans. Bounded: four numbers per field.
   * Absent in states saved before it existed: rebuilt from `recent`.
   */
  stats?: Record<string, RunStat>;
  /** Length of the current run, all events. */
  runLength: number;
  /** Newest event time seen for the group (epoch ms). */
  watermark: number;
  fired: boolean;
}

export type SequenceSignal =
  | { type: 'match'; samples: RunSample[]; runLength: number; stats: Record<string, RunStat> }
  | { type: 'episode-end'; t: number }
  | { type: 'late'; id: string };

/** The input of one step: an event of the group and whether the condition held for it. */
export interface SequenceInput extends RunSample {
  matches: boolean;
  /** The time the watermark may advance to (epoch ms): `t`, or less when the event is dated ahead of its receipt. */
  wt?: number;
}

/** Advances one group's run by one event. Pure: returns the next state (undefined = no run) and signals. */
export function stepSequence(
  config: SequenceConfig,
  state: SequenceState | undefined,
  e: SequenceInput,
): { state: SequenceState | undefined; signals: SequenceSignal[] } {
  if (state && e.t < state.watermark - config.allowedLatenessMs)
    return { state, signals: [{ type: 'late', id: e.id }] };
  const wt = e.wt ?? e.t;
  const watermark = Math.max(state?.watermark ?? wt, wt);
  if (!e.matches) {
    const signals: SequenceSignal[] = state?.fired ? [{ type: 'episode-end', t: e.t }] : [];
    // Keep the watermark so lateness is judged after a break too.
    return { state: { recent: [], runLength: 0, watermark, fired: false }, signals };
  }
  const sample: RunSample = { id: e.id, t: e.t, values: e.values, ...(e.severity ? { severity: e.severity } : {}) };
  const recent = [...(state?.recent ?? []), sample].slice(-config.minCount);
  const runLength = (state?.runLength ?? 0) + 1;
  const stats = addToStats(state ? (state.stats ?? statsOf(state.recent)) : {}, e.values);
  if (state?.fired) {
    return {
      state: { recent, stats, runLength, watermark, fired: true },
      signals: [{ type: 'match', samples: [sample], runLength, stats }],
    };
  }
  const fits =
    recent.length >= config.minCount &&
    (config.withinMs === null || recent[recent.length - 1].t - recent[0].t <= config.withinMs);
  if (!fits) return { state: { recent, stats, runLength, watermark, fired: false }, signals: [] };
  return {
    state: { recent, stats, runLength, watermark, fired: true },
    signals: [{ type: 'match', samples: recent, runLength, stats }],
  };
}

/** `stats` with one more event's numeric values (a new object; finite numbers only). */
function addToStats(stats: Record<string, RunStat>, values: Record<string, unknown>): Record<string, RunStat> {
  const out: Record<string, RunStat> = { ...stats };
  for (const [k, v] of Object.entries(values)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const s = out[k];
    out[k] = s
      ? { n: s.n + 1, sum: s.sum + v, min: Math.min(s.min, v), max: Math.max(s.max, v) }
      : { n: 1, sum: v, min: v, max: v };
  }
  return out;
}

/** Statistics of the samples kept (for a state saved before runs kept their own). */
function statsOf(samples: readonly RunSample[]): Record<string, RunStat> {
  return samples.reduce((acc, s) => addToStats(acc, s.values), {} as Record<string, RunStat>);
}
