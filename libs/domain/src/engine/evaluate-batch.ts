import { createHash } from 'node:crypto';
import type { Severity } from '@anom/contracts';
import { parseDuration } from '../duration';
import { alertFingerprint } from '../alerts/fingerprint';
import { severityRank } from '../alerts/severity';
import type { CompiledRule } from '../rules/compile-rule';
import { evaluateImmediate, type EvaluationEvent, type EvaluationFailure, type RuleMatch } from '../rules/evaluate-immediate';
import { stepSequence, type SequenceConfig, type SequenceState } from '../rules/sequence';
import { stepAggregate, type AggregateConfig, type AggregateState } from '../rules/aggregate';
import { stepBaseline, type BaselineConfig, type BaselineScore, type BaselineState } from '../rules/baseline';
import { expectAbsenceGroups, observeAbsence, tickAbsence, type AbsenceGroupState } from '../rules/absence';
import { StoredJson, storedValue } from '../state/state-store';

/**
 * State as stored for exactly-once effect under at-least-once delivery: the
 * sequence number of the last batch that changed it, the state before the
 * evaluation that did (`prev`) and after it (`cur`). An evaluation covers the
 * pending batches `first..last` of a business in order. If the stored `seq`
 * is at or after `first`, an earlier attempt at these same pending batches
 * saved state but died before committing its alerts: the evaluation starts
 * again from `prev` (the state before `first`) and gives the same result.
 * Otherwise it starts from `cur`. Pending batches always start at the same
 * `first` after a crash, because batches are marked done in order.
 * A store may give `prev` and `cur` as StoredJson (text parsed on demand).
 */
export interface VersionedState {
  seq: number;
  prev: unknown;
  cur: unknown;
}

/** An absence rule's state: every group seen (or expected), by group id. */
export interface AbsenceRuleState {
  groups: Record<string, AbsenceGroupState & { key: Record<string, unknown> }>;
}

/** The end of an episode (a broken run, a cleared aggregate, a silent group reporting again). */
export interface RuleClear {
  ruleId: string;
  fingerprint: string;
  t: Date;
}

export interface BatchEvaluation {
  matches: RuleMatch[];
  clears: RuleClear[];
  /** Events too late to evaluate for a stateful rule (stored, not evaluated). */
  late: { ruleId: string; eventId: string }[];
  failures: EvaluationFailure[];
  /** State to save after the batch. */
  saves: Map<string, VersionedState>;
}

const STATEFUL = new Set(['sequence', 'aggregate', 'absence', 'baseline']);

/** Keys of the state a batch needs: one per (stateful rule, group), one per absence rule. */
export function batchStateKeys(rules: readonly CompiledRule[], events: readonly EvaluationEvent[]): string[] {
  const keys = new Set<string>();
  for (const rule of rules) {
    if (!rule.definition.enabled || !STATEFUL.has(rule.definition.kind)) continue;
    if (rule.definition.kind === 'absence') {
      keys.add(absenceKey(rule));
      continue;
    }
    for (const e of events) keys.add(rule.group(e.payload).stateKey);
  }
  return [...keys];
}

/**
 * Evaluates the events of one or more consecutive batches against every
 * enabled rule, in the order given (batch order, event-time order within a
 * batch). `loaded` holds the VersionedState of the keys from batchStateKeys;
 * `seq` is the batch sequence number, or `{ first, last }` for a run of
 * consecutive pending batches evaluated together. Pure and deterministic:
 * the same inputs give the same matches, clears and saves.
 */
export function evaluateBatch(rules: readonly CompiledRule[], events: readonly EvaluationEvent[], loaded: ReadonlyMap<string, unknown>, seq: number | { first: number; last: number }): BatchEvaluation {
  const first = typeof seq === 'number' ? seq : seq.first;
  const last = typeof seq === 'number' ? seq : seq.last;
  const immediate = evaluateImmediate(rules, events);
  const out: BatchEvaluation = { matches: immediate.matches, clears: [], late: [], failures: immediate.failures, saves: new Map() };
  const current = new Map<string, unknown>();
  const skipped = new Set<string>();
  // The working state of a key is a copy of the stored one (aggregate steps update it in
  // place); the stored state stays as `prev` for a re-run of the same batches.
  const base = (key: string): unknown => {
    if (current.has(key)) return current.get(key);
    const stored = loaded.get(key) as VersionedState | undefined;
    let state: unknown = undefined;
    if (stored) {
      if (stored.seq > last) skipped.add(key);
      state = stored.seq >= first ? stored.prev : stored.cur;
    }
    out.saves.set(key, { seq: last, prev: state ?? null, cur: null });
    // Stored text parses to a fresh object (and is saved back as prev unparsed); an object is copied.
    const working = state === null || state === undefined ? undefined : state instanceof StoredJson ? state.parse() : structuredClone(state);
    current.set(key, working);
    return working;
  };
  const set = (key: string, state: unknown) => current.set(key, state);

  for (const rule of rules) {
    const d = rule.definition;
    if (!d.enabled || !STATEFUL.has(d.kind)) continue;
    const lateness = parseDuration(d.allowedLateness) ?? 60_000;
    const ruleKey = d.kind === 'absence' ? absenceKey(rule) : null;
    const sequenceConfig: SequenceConfig | null = d.kind === 'sequence' ? { minCount: d.minCount!, withinMs: d.within ? parseDuration(d.within) : null, allowedLatenessMs: lateness } : null;
    const aggregateConfig: AggregateConfig | null =
      d.kind === 'aggregate' ? { fn: d.aggregate!.fn, windowMs: d.window ? parseDuration(d.window) : null, period: d.period ?? null, timezone: rule.timezone, op: d.op!, threshold: d.threshold!, allowedLatenessMs: lateness, maxPoints: 100_000 } : null;
    const baselineConfig: BaselineConfig | null =
      d.kind === 'baseline'
        ? { sensitivity: d.sensitivity!, direction: d.direction ?? 'both', seasonality: d.seasonality ?? 'none', timezone: rule.timezone, historySize: d.historySize!, minHistory: d.minHistory!, newExtremesOnly: d.newExtremesOnly ?? false, meanWindow: d.meanWindow ?? null, volatilityWindow: d.volatilityWindow ?? null, allowedLatenessMs: lateness }
        : null;
    for (const e of events) {
      const g = rule.group(e.payload);
      const { groupKey, fingerprint } = g;
      const key = ruleKey ?? g.stateKey;
      const state = base(key);
      if (skipped.has(key)) continue;
      const cond = rule.condition ? rule.condition.run(e.payload) : ({ ok: true, value: true } as const);
      if (!cond.ok) out.failures.push({ ruleId: rule.ruleId, eventId: e.id, error: cond.error });
      const holds = cond.ok && cond.value;
      const t = e.eventTime.getTime();

      if (sequenceConfig) {
        const severity = holds ? severityOf(rule, e.payload) : undefined;
        const r = stepSequence(sequenceConfig, state as SequenceState | undefined, { id: e.id, t, values: rule.values(e.payload), matches: holds, severity });
        set(key, r.state);
        for (const s of r.signals) {
          if (s.type === 'late') out.late.push({ ruleId: rule.ruleId, eventId: s.id });
          else if (s.type === 'episode-end') out.clears.push({ ruleId: rule.ruleId, fingerprint, t: new Date(s.t) });
          else for (const sample of s.samples) out.matches.push({ ruleId: rule.ruleId, ruleVersion: rule.version, fingerprint, groupKey, eventId: sample.id, eventTime: new Date(sample.t), severity: (sample.severity as Severity) ?? d.severity, values: { ...sample.values, run: s.runLength } });
        }
      } else if (aggregateConfig) {
        const field = d.aggregate!.field;
        const raw = field ? e.payload[field] : null;
        const value = typeof raw === 'number' || typeof raw === 'string' ? raw : null;
        const r = stepAggregate(aggregateConfig, state as AggregateState | undefined, { id: e.id, t, included: holds && (field === undefined || value !== null), value });
        set(key, r.state);
        for (const s of r.signals) {
          if (s.type === 'late') out.late.push({ ruleId: rule.ruleId, eventId: s.id });
          else if (s.type === 'clear') out.clears.push({ ruleId: rule.ruleId, fingerprint, t: e.eventTime });
          else out.matches.push({ ruleId: rule.ruleId, ruleVersion: rule.version, fingerprint, groupKey, eventId: e.id, eventTime: e.eventTime, severity: severityOf(rule, e.payload), values: { [aggregateLabel(rule)]: round(s.value), events: s.points } });
        }
      } else if (baselineConfig) {
        if (!holds) continue; // the optional condition selects the events that are judged
        const raw = e.payload[d.field!];
        const r = stepBaseline(baselineConfig, state as BaselineState | undefined, { id: e.id, t, value: typeof raw === 'number' ? raw : null });
        set(key, r.state);
        for (const s of r.signals) {
          if (s.type === 'late') out.late.push({ ruleId: rule.ruleId, eventId: s.id });
          else if (s.type === 'clear') out.clears.push({ ruleId: rule.ruleId, fingerprint, t: e.eventTime });
          else out.matches.push({ ruleId: rule.ruleId, ruleVersion: rule.version, fingerprint, groupKey, eventId: e.id, eventTime: e.eventTime, severity: severityOf(rule, e.payload), values: baselineEvidence(d, raw, s) });
        }
      } else if (holds) {
        const st = ((state as AbsenceRuleState | undefined) ?? { groups: {} }) as AbsenceRuleState;
        const id = groupId(rule, groupKey);
        const r = observeAbsence(id, st.groups[id], t);
        set(key, { groups: { ...st.groups, [id]: { ...r.state, key: groupKey } } });
        for (const s of r.signals) if (s.type === 'clear') out.clears.push({ ruleId: rule.ruleId, fingerprint, t: e.eventTime });
      }
    }
  }
  for (const [key, saved] of out.saves) {
    if (skipped.has(key)) out.saves.delete(key);
    else saved.cur = current.get(key) ?? null;
  }
  return out;
}

/**
 * Absence ticks: every silent group of every enabled absence rule fires once.
 * Expected groups are tracked from the first tick that sees the rule. Matches
 * carry a synthetic event id derived from (rule, group, last seen), so a tick
 * applied twice counts once. `loaded` holds the rules' absenceStateKey states.
 * `countFrom` (epoch ms; when ingest last resumed, judgeAbsenceAsOf) is the
 * earliest a silence may start: a group silent since before it fires only a
 * window after it, and its match says when ingest resumed.
 */
export function tickAbsenceRules(rules: readonly CompiledRule[], loaded: ReadonlyMap<string, unknown>, now: Date, countFrom = -Infinity): { matches: RuleMatch[]; saves: Map<string, VersionedState> } {
  const matches: RuleMatch[] = [];
  const saves = new Map<string, VersionedState>();
  for (const rule of rules) {
    const d = rule.definition;
    if (!d.enabled || d.kind !== 'absence') continue;
    const key = absenceKey(rule);
    const stored = (loaded.get(key) as VersionedState | undefined) ?? { seq: 0, prev: null, cur: null };
    const cur = ((storedValue(stored.cur) as AbsenceRuleState | null) ?? { groups: {} }) as AbsenceRuleState;
    const groups = new Map(Object.entries(cur.groups));
    const expected = expectAbsenceGroups(d.expectedGroups ?? [], now.getTime(), groups);
    for (const [id, s] of expected) groups.set(id, { ...s, key: { [d.groupBy[0]]: id } });
    const r = tickAbsence({ windowMs: parseDuration(d.window!)! }, groups, now.getTime(), countFrom);
    if (r.signals.length === 0 && expected.size === 0) continue;
    const apply = (st: AbsenceRuleState | null): AbsenceRuleState => {
      const next: AbsenceRuleState = { groups: { ...(st?.groups ?? {}) } };
      for (const [id, s] of expected) next.groups[id] ??= { ...s, key: { [d.groupBy[0]]: id } };
      for (const id of r.changed.keys()) if (next.groups[id]) next.groups[id] = { ...next.groups[id], alerted: true };
      return next;
    };
    const prev = storedValue(stored.prev) as AbsenceRuleState | null;
    saves.set(key, { seq: stored.seq, prev: prev === null ? null : apply(prev), cur: apply(cur) });
    for (const s of r.signals) {
      if (s.type !== 'match') continue;
      const groupKey = groups.get(s.group)!.key;
      matches.push({
        ruleId: rule.ruleId,
        ruleVersion: rule.version,
        fingerprint: alertFingerprint(rule.ruleId, groupKey),
        groupKey,
        eventId: syntheticId(rule.ruleId, s.group, s.last),
        // The silence is detected at the tick: that is when the alert's episode starts.
        eventTime: now,
        severity: d.severity,
        values: { silent_for: formatMs(s.silentMs), last_seen: new Date(s.last).toISOString(), ...(countFrom > s.last ? { ingest_resumed: new Date(countFrom).toISOString() } : {}) },
      });
    }
  }
  return { matches, saves };
}

/** State key of an absence rule (one per rule version: all its groups). */
export function absenceKey(rule: Pick<CompiledRule, 'ruleId' | 'version'>): string {
  return `rule:${rule.ruleId}@${rule.version}:absence`;
}

function groupId(rule: CompiledRule, groupKey: Record<string, unknown>): string {
  const values = rule.definition.groupBy.map((g) => groupKey[g]);
  return values.length === 1 ? String(values[0]) : JSON.stringify(values);
}

function severityOf(rule: CompiledRule, payload: Record<string, unknown>): Severity {
  let severity = rule.definition.severity;
  for (const esc of rule.escalations) {
    const r = esc.condition.run(payload);
    if (r.ok && r.value && severityRank(esc.severity) > severityRank(severity)) severity = esc.severity;
  }
  return severity;
}

/**
 * Evidence of a baseline match: the event's value, what was judged (the
 * value, or the window's mean or volatility), the band's centre and edges and
 * the robust z, and with newExtremesOnly the high or low it broke. Judged
 * against the daily profile (seasonality auto), the value's band is brought
 * back to value units (profile + unit × band), and the profile is also shown;
 * a window's statistic stays in residual units (the slot's usual spread) and
 * says so.
 */
function baselineEvidence(d: CompiledRule['definition'], raw: unknown, s: BaselineScore): Record<string, unknown> {
  const [shift, unit] = s.seasonal && s.of === 'value' ? [s.seasonal.expected, s.seasonal.unit] : [0, 1];
  const suffix = s.seasonal ? ' off the daily profile, in usual deviations' : '';
  const judged = s.of === 'mean' ? { [`mean of last ${d.meanWindow}${suffix}`]: round(s.value) } : s.of === 'volatility' ? { [`mean change over last ${d.volatilityWindow}${suffix}`]: round(s.value) } : {};
  return {
    [d.field!]: raw,
    ...judged,
    ...(s.seasonal ? { profile: round(s.seasonal.expected) } : {}),
    expected: round(shift + unit * s.median),
    low: round(shift + unit * s.low),
    high: round(shift + unit * s.high),
    z: round(s.z),
    // newExtremesOnly: the record it broke, in the same units.
    ...(d.newExtremesOnly ? (s.z > 0 ? { 'previous high': round(shift + unit * s.historyMax) } : { 'previous low': round(shift + unit * s.historyMin) }) : {}),
  };
}

/** `count`, `avg(cpu_percent)`: how an aggregate value is labelled in evidence. */
export function aggregateLabel(rule: Pick<CompiledRule, 'definition'>): string {
  const a = rule.definition.aggregate!;
  return a.field ? `${a.fn}(${a.field})` : a.fn;
}

function syntheticId(ruleId: string, group: string, last: number): string {
  const h = createHash('sha256').update(`${ruleId}\u0000${group}\u0000${last}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function formatMs(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m >= 120 ? `${Math.round(m / 60)}h` : `${m}m`;
}
