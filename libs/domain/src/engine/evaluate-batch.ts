import { createHash } from 'node:crypto';
import { parseDuration } from '../duration';
import { alertFingerprint } from '../alerts/fingerprint';
import { GROUP_LIMIT_KEY } from '../alerts/alert-candidate';
import type { CompiledRule } from '../rules/compile-rule';
import {
  evaluateImmediate,
  type EvaluationEvent,
  type EvaluationFailure,
  type RuleMatch,
} from '../rules/evaluate-immediate';
import { tickAbsence } from '../rules/absence';
import { aggregateLabel, kindModule, type AbsenceGroupRecord } from '../rules/kinds';
import { StoredJson, indexChange, storedValue, type IndexChanges, type StateStore } from '../state/state-store';
import { DEFAULT_MAX_GROUPS, defaultForgetAfterMs } from '../rules/rule-definition';

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

export type { AbsenceGroupRecord };

/** Events of new groups a rule did not evaluate because it tracks its maxGroups already. */
export interface GroupOverflow {
  ruleId: string;
  /** Groups tracked when the evaluation started, plus those it admitted. */
  tracked: number;
  maxGroups: number;
  /** Distinct new groups turned away by this evaluation. */
  untracked: number;
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
  /** Index changes to save with it: groups touched, absence deadlines (see IndexChanges). */
  index: IndexChanges;
  /** Rules that turned new groups away (maxGroups reached), one entry each. */
  overflow: GroupOverflow[];
  /**
   * Time spent per rule kind, in milliseconds (performance.now around the
   * immediate pass and around each stateful rule's pass over the events):
   * what the worker reports as anom_rule_evaluation_seconds{kind}.
   */
  kindMs: Map<string, number>;
}

/** Options of an evaluation. */
export interface EvaluateOptions {
  /**
   * Groups each rule tracks already, by groupsIndex(rule) (StateStore.counts):
   * what maxGroups is checked against. Missing: 0.
   */
  groupCounts?: ReadonlyMap<string, number>;
  /** When the groups are touched (epoch ms, wall clock in the worker); default the newest event time. */
  now?: number;
}

/** Whether a rule is enabled and keeps state per group (every kind but immediate). */
export function isStateful(rule: Pick<CompiledRule, 'definition'>): boolean {
  return rule.definition.enabled && kindModule(rule.definition.kind).stateful;
}

/**
 * Keys of the state a batch needs: one per (stateful rule, group). Absence
 * groups have keys of their own too (absenceStateKey), so the cost of a batch
 * grows with the groups it touches, never with all the groups a rule watches.
 */
export function batchStateKeys(rules: readonly CompiledRule[], events: readonly EvaluationEvent[]): string[] {
  const keys = new Set<string>();
  for (const rule of rules) {
    if (!isStateful(rule)) continue;
    const absence = rule.definition.kind === 'absence';
    for (const e of events) {
      const g = rule.group(e.payload);
      keys.add(absence ? absenceStateKey(rule, groupId(rule, g.groupKey)) : g.stateKey);
    }
  }
  return [...keys];
}

/** The index names of the stateful rules among `rules` (for StateStore.counts before evaluateBatch). */
export function groupIndexes(rules: readonly CompiledRule[]): string[] {
  return rules.filter(isStateful).map(groupsIndex);
}

/**
 * Evaluates the events of one or more consecutive batches against every
 * enabled rule, in the order given (batch order, event-time order within a
 * batch). `loaded` holds the VersionedState of the keys from batchStateKeys;
 * `seq` is the batch sequence number, or `{ first, last }` for a run of
 * consecutive pending batches evaluated together. Pure and deterministic:
 * the same inputs give the same matches, clears and saves.
 */
export function evaluateBatch(
  rules: readonly CompiledRule[],
  events: readonly EvaluationEvent[],
  loaded: ReadonlyMap<string, unknown>,
  seq: number | { first: number; last: number },
  options: EvaluateOptions = {},
): BatchEvaluation {
  const first = typeof seq === 'number' ? seq : seq.first;
  const last = typeof seq === 'number' ? seq : seq.last;
  const t0 = performance.now();
  const immediate = evaluateImmediate(rules, events);
  const kindMs = new Map<string, number>();
  if (rules.some((r) => r.definition.kind === 'immediate')) kindMs.set('immediate', performance.now() - t0);
  const out: BatchEvaluation = {
    matches: immediate.matches,
    clears: [],
    late: [],
    failures: immediate.failures,
    saves: new Map(),
    index: new Map(),
    overflow: [],
    kindMs,
  };
  let now = options.now ?? -Infinity;
  if (options.now === undefined) for (const e of events) now = Math.max(now, e.eventTime.getTime());
  // Which rule each touched key belongs to, for the index changes.
  const ruleOf = new Map<string, CompiledRule>();
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
    const working =
      state === null || state === undefined
        ? undefined
        : state instanceof StoredJson
          ? state.parse()
          : structuredClone(state);
    current.set(key, working);
    return working;
  };
  const set = (key: string, state: unknown) => current.set(key, state);
  // maxGroups: a key neither stored nor seen in this evaluation is a new group, admitted while
  // the rule tracks fewer than its limit. A re-run after a crash finds the groups it admitted
  // stored (saved before the crash, prev null), so it admits the same ones.
  const turnedAway = new Set<string>();
  const admit = (key: string, limit: { tracked: number; untracked: number; max: number }): boolean => {
    if (current.has(key) || loaded.has(key)) return true;
    if (turnedAway.has(key)) return false;
    if (limit.tracked < limit.max) {
      limit.tracked++;
      return true;
    }
    turnedAway.add(key);
    limit.untracked++;
    return false;
  };

  for (const rule of rules) {
    const d = rule.definition;
    if (!isStateful(rule)) continue;
    const lateness = parseDuration(d.allowedLateness) ?? 60_000;
    const absence = d.kind === 'absence';
    // An event already older than the rule's forgetAfter when it arrived (history replayed or backfilled) is no sign
    // of life the rule can act on: it neither starts nor refreshes a group, so a replay never leaves groups behind
    // that then look silent for years.
    const staleAfterMs = absence ? forgetAfterMs(rule) : Infinity;
    const limit = {
      tracked: options.groupCounts?.get(groupsIndex(rule)) ?? 0,
      untracked: 0,
      max: d.maxGroups ?? DEFAULT_MAX_GROUPS,
    };
    const step = kindModule(d.kind).step!(rule, lateness);
    const started = performance.now();
    for (const e of events) {
      const g = rule.group(e.payload);
      const { groupKey } = g;
      const cond = rule.condition ? rule.condition.run(e.payload) : ({ ok: true, value: true } as const);
      if (!cond.ok) out.failures.push({ ruleId: rule.ruleId, eventId: e.id, error: cond.error });
      const holds = cond.ok && cond.value;
      // An absence group's state changes only with a sign of life: other events do not touch it.
      if (absence && !holds) continue;
      if (absence && e.receivedAt !== undefined && e.receivedAt - e.eventTime.getTime() > staleAfterMs) continue;
      const key = absence ? absenceStateKey(rule, groupId(rule, groupKey)) : g.stateKey;
      if (!admit(key, limit)) continue;
      ruleOf.set(key, rule);
      const state = base(key);
      if (skipped.has(key)) continue;
      const t = e.eventTime.getTime();
      // The watermark never passes the event's receipt: one event dated ahead cannot make the group's next ones late.
      const wt = e.receivedAt === undefined ? t : Math.min(t, e.receivedAt);

      set(key, step(state, { e, key, group: g, holds, t, wt }, out));
    }
    kindMs.set(d.kind, (kindMs.get(d.kind) ?? 0) + performance.now() - started);
    if (limit.untracked > 0)
      out.overflow.push({
        ruleId: rule.ruleId,
        tracked: limit.tracked,
        maxGroups: limit.max,
        untracked: limit.untracked,
      });
  }
  for (const [key, saved] of out.saves) {
    if (skipped.has(key)) {
      out.saves.delete(key);
      continue;
    }
    saved.cur = current.get(key) ?? null;
    const rule = ruleOf.get(key);
    if (!rule || saved.cur === null) continue;
    indexChange(out.index, groupsIndex(rule), key, now);
    if (rule.definition.kind === 'absence') {
      const g = saved.cur as AbsenceGroupRecord;
      indexChange(out.index, dueIndex(rule), key, g.alerted ? null : g.last + parseDuration(rule.definition.window)!);
    }
  }
  return out;
}

/** Groups an absence tick judges per rule at most; the rest wait for the next tick. */
export const ABSENCE_TICK_LIMIT = 1_000;

/**
 * What an absence tick at `asOf` (epoch ms) must load: the state keys of the
 * rules' expected groups, and per rule the due index to read up to
 * `maxScore` (StateStore.range): the groups whose silence reached the window.
 * None are due while `countFrom` (when ingest resumed) is less than a window
 * ago. Pure.
 */
export function absenceTickPlan(
  rules: readonly CompiledRule[],
  asOf: number,
  countFrom = -Infinity,
): { keys: string[]; due: { index: string; maxScore: number }[] } {
  const keys: string[] = [];
  const due: { index: string; maxScore: number }[] = [];
  for (const rule of rules) {
    const d = rule.definition;
    if (!d.enabled || d.kind !== 'absence') continue;
    for (const id of d.expectedGroups ?? []) keys.push(absenceStateKey(rule, id));
    if (asOf - countFrom >= parseDuration(d.window!)!) due.push({ index: dueIndex(rule), maxScore: asOf });
  }
  return { keys, due };
}

/**
 * Loads from `store` what absenceTickPlan says a tick at `asOf` (epoch ms) must judge, at most `limit` due groups per
 * rule.
 */
export async function loadAbsenceTick(
  store: Pick<StateStore, 'load' | 'range'>,
  rules: readonly CompiledRule[],
  asOf: number,
  countFrom = -Infinity,
  limit = ABSENCE_TICK_LIMIT,
): Promise<Map<string, unknown>> {
  const plan = absenceTickPlan(rules, asOf, countFrom);
  const due = await Promise.all(plan.due.map((d) => store.range(d.index, d.maxScore, limit)));
  return store.load([...plan.keys, ...due.flat()]);
}

/**
 * Absence ticks: every silent group of every enabled absence rule among the
 * loaded states (absenceTickPlan says which to load) fires once. Expected
 * groups are tracked from the first tick that sees the rule. Matches carry a
 * synthetic event id derived from (rule, group, last seen), so a tick
 * applied twice counts once. `countFrom` (epoch ms; when ingest last
 * resumed, judgeAbsenceAsOf) is the earliest a silence may start: a group
 * silent since before it fires only a window after it, and its match says
 * when ingest resumed. Returns the matches, the states to save (alerted in
 * `prev` and `cur`, sequence number kept) and the due index changes.
 */
export function tickAbsenceRules(
  rules: readonly CompiledRule[],
  loaded: ReadonlyMap<string, unknown>,
  now: Date,
  countFrom = -Infinity,
): { matches: RuleMatch[]; saves: Map<string, VersionedState>; index: IndexChanges } {
  const matches: RuleMatch[] = [];
  const saves = new Map<string, VersionedState>();
  const index: IndexChanges = new Map();
  for (const rule of rules) {
    const d = rule.definition;
    if (!d.enabled || d.kind !== 'absence') continue;
    const windowMs = parseDuration(d.window!)!;
    const groups = new Map<string, AbsenceGroupRecord>();
    const stored = new Map<string, VersionedState>();
    const prefix = absencePrefix(rule);
    for (const [key, value] of loaded) {
      if (!key.startsWith(prefix)) continue;
      const v = value as VersionedState;
      const cur = storedValue(v.cur) as AbsenceGroupRecord | null;
      if (cur) {
        groups.set(key, cur);
        stored.set(key, v);
      }
    }
    const expected = new Map<string, AbsenceGroupRecord>();
    for (const id of d.expectedGroups ?? []) {
      const key = absenceStateKey(rule, id);
      if (!groups.has(key) && !expected.has(key))
        expected.set(key, { last: now.getTime(), alerted: false, key: { [d.groupBy[0]]: id } });
    }
    for (const [key, g] of expected) {
      groups.set(key, g);
      stored.set(key, { seq: 0, prev: null, cur: g });
    }
    const r = tickAbsence({ windowMs }, groups, now.getTime(), countFrom);
    for (const [key, g] of expected) {
      if (r.changed.has(key)) continue;
      saves.set(key, { seq: 0, prev: null, cur: g });
      indexChange(index, dueIndex(rule), key, g.last + windowMs);
    }
    for (const key of r.changed.keys()) {
      const v = stored.get(key)!;
      const alerted = (s: unknown): AbsenceGroupRecord | null => {
        const g = storedValue(s) as AbsenceGroupRecord | null;
        return g ? { ...g, alerted: true } : null;
      };
      saves.set(key, { seq: v.seq, prev: alerted(v.prev), cur: alerted(v.cur) });
      indexChange(index, dueIndex(rule), key, null);
    }
    for (const s of r.signals) {
      if (s.type !== 'match') continue;
      const groupKey = groups.get(s.group)!.key;
      matches.push({
        ruleId: rule.ruleId,
        ruleVersion: rule.version,
        fingerprint: alertFingerprint(rule.ruleId, groupKey),
        groupKey,
        eventId: syntheticId(rule.ruleId, s.group.slice(prefix.length), s.last),
        // The silence is detected at the tick: that is when the alert's episode starts.
        eventTime: now,
        severity: d.severity,
        values: {
          silent_for: formatMs(s.silentMs),
          last_seen: new Date(s.last).toISOString(),
          ...(countFrom > s.last ? { ingest_resumed: new Date(countFrom).toISOString() } : {}),
        },
      });
    }
  }
  return { matches, saves, index };
}

/**
 * The alert match of a rule that turned new groups away: one alert per rule
 * (fingerprint of the rule and `{ "group limit": maxGroups }`), counted once
 * per evaluation that overflowed (`seq`, the first batch's sequence number,
 * makes the synthetic event id), severity high: the rule is blind to those
 * groups until the limit is raised or idle groups are forgotten.
 */
export function groupLimitMatch(
  rule: Pick<CompiledRule, 'ruleId' | 'version'>,
  overflow: GroupOverflow,
  seq: number,
  at: Date,
): RuleMatch {
  const groupKey = { [GROUP_LIMIT_KEY]: overflow.maxGroups };
  return {
    ruleId: rule.ruleId,
    ruleVersion: rule.version,
    fingerprint: alertFingerprint(rule.ruleId, groupKey),
    groupKey,
    eventId: syntheticId(rule.ruleId, GROUP_LIMIT_KEY, seq),
    eventTime: at,
    severity: 'high',
    values: { max_groups: overflow.maxGroups, untracked_groups: overflow.untracked },
  };
}

/** State key of one absence group: `rule:<id>@<version>:absence:<group id>`. */
export function absenceStateKey(rule: Pick<CompiledRule, 'ruleId' | 'version'>, group: string): string {
  return `${absencePrefix(rule)}${group}`;
}

/** Where absence rules kept all their groups in one value before per-group keys (read once to convert it). */
export function legacyAbsenceKey(rule: Pick<CompiledRule, 'ruleId' | 'version'>): string {
  return `rule:${rule.ruleId}@${rule.version}:absence`;
}

/**
 * Converts a legacy absence state (`{seq, prev, cur}` whose prev and cur are
 * `{ groups: { [group id]: AbsenceGroupRecord } }`) into per-group states
 * with the same sequence number, their index entries (touched `now`, due
 * unless alerted), and the legacy key's deletion. Pure.
 */
export function splitLegacyAbsence(
  rule: CompiledRule,
  legacy: unknown,
  now: number,
): { saves: Map<string, VersionedState | undefined>; index: IndexChanges } {
  const saves = new Map<string, VersionedState | undefined>([[legacyAbsenceKey(rule), undefined]]);
  const index: IndexChanges = new Map();
  const v = legacy as VersionedState;
  type Legacy = { groups?: Record<string, AbsenceGroupRecord> } | null;
  const prev = (storedValue(v.prev) as Legacy)?.groups ?? {};
  const cur = (storedValue(v.cur) as Legacy)?.groups ?? {};
  const windowMs = rule.definition.kind === 'absence' ? parseDuration(rule.definition.window)! : 0;
  for (const [id, g] of Object.entries(cur)) {
    const key = absenceStateKey(rule, id);
    saves.set(key, { seq: v.seq, prev: prev[id] ?? null, cur: g });
    indexChange(index, groupsIndex(rule), key, now);
    indexChange(index, dueIndex(rule), key, g.alerted ? null : g.last + windowMs);
  }
  return { saves, index };
}

function absencePrefix(rule: Pick<CompiledRule, 'ruleId' | 'version'>): string {
  return `rule:${rule.ruleId}@${rule.version}:absence:`;
}

/** Sorted index of a rule version's tracked groups (state keys scored by last touch, ms). */
export function groupsIndex(rule: Pick<CompiledRule, 'ruleId' | 'version'>): string {
  return `rule:${rule.ruleId}@${rule.version}:groups`;
}

/** Sorted index of an absence rule version's unalerted groups (state keys scored by when they fall due, ms). */
export function dueIndex(rule: Pick<CompiledRule, 'ruleId' | 'version'>): string {
  return `rule:${rule.ruleId}@${rule.version}:due`;
}

/** How long (ms) a group of the rule may stay untouched before it is forgotten. */
export function forgetAfterMs(rule: Pick<CompiledRule, 'definition'>): number {
  return defaultForgetAfterMs(rule.definition);
}

function groupId(rule: CompiledRule, groupKey: Record<string, unknown>): string {
  const values = rule.definition.groupBy.map((g) => groupKey[g]);
  return values.length === 1 ? String(values[0]) : JSON.stringify(values);
}

export { aggregateLabel };

function syntheticId(ruleId: string, group: string, last: number): string {
  const h = createHash('sha256').update(`${ruleId}\u0000${group}\u0000${last}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A silence as a person reads it: minutes under two hours, hours under two
 * days, days under a year, then years to one decimal (`25m`, `7h`, `12 days`,
 * `4.6 years`), never `110462h`.
 */
export function formatMs(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 120) return `${m}m`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h}h`;
  const days = ms / 86_400_000;
  if (days < 365) return `${Math.round(days)} days`;
  return `${(days / 365.25).toFixed(1)} years`;
}
