import type { Severity } from '@anom/contracts';
import { parseDuration } from '../duration';
import { maxSeverity } from '../alerts/severity';
import type { CompiledRule } from '../rules/compile-rule';
import type { EvaluationEvent, RuleMatch } from '../rules/evaluate-immediate';
import { MemoryState } from '../state/state-store';
import {
  absenceTickPlan,
  batchStateKeys,
  evaluateBatch,
  groupIndexes,
  tickAbsenceRules,
  type RuleClear,
} from './evaluate-batch';

/** One alert a backtested rule would have raised (event time throughout). */
export interface BacktestAlert {
  fingerprint: string;
  groupKey: Record<string, unknown>;
  severity: Severity;
  count: number;
  startTime: Date;
  endTime: Date;
  /** When it would have auto-resolved (rule's resolveAfter after its episode ended), or null. */
  resolvedAt: Date | null;
}

export interface BacktestResult {
  events: number;
  matches: number;
  alerts: BacktestAlert[];
  /** Alerts opened per UTC day, `YYYY-MM-DD`, in order. */
  perDay: { day: string; alerts: number }[];
  resolved: number;
  open: number;
}

/** Events per simulated batch, and the event-time step of absence ticks (ms). */
const CHUNK = 1_000;
const TICK_MS = 60_000;

/**
 * Runs one rule over recorded events (event-time order) through the same
 * evaluator as the worker, with in-memory state, and replays the alert
 * lifecycle on event time: dedup by fingerprint while active, auto-resolve
 * `resolveAfter` after an episode ends (immediate rules: after the last
 * match), `cooldown` after a resolve. Absence rules tick every minute of
 * event time up to `until` (default: the last event). Pure and deterministic.
 */
export function backtest(rule: CompiledRule, events: readonly EvaluationEvent[], until?: Date): BacktestResult {
  const store = new MemoryState();
  const matches: RuleMatch[] = [];
  const clears: RuleClear[] = [];
  let seq = 0;
  const absence = rule.definition.kind === 'absence';
  let nextTick = events.length ? Math.ceil((events[0].eventTime.getTime() + 1) / TICK_MS) * TICK_MS : Infinity;
  const tick = () => {
    const plan = absenceTickPlan([rule], nextTick);
    const keys = [...plan.keys, ...plan.due.flatMap((d) => store.range(d.index, d.maxScore, Infinity))];
    const t = tickAbsenceRules([rule], store.load(keys), new Date(nextTick));
    matches.push(...t.matches);
    store.save(t.saves, t.index);
    nextTick += TICK_MS;
  };
  let i = 0;
  while (i < events.length) {
    // Absence: a chunk never spans a tick, so silence is judged at each minute.
    if (absence && events[i].eventTime.getTime() >= nextTick) {
      tick();
      continue;
    }
    let end = i;
    while (end < events.length && end - i < CHUNK && (!absence || events[end].eventTime.getTime() < nextTick)) end++;
    const chunk = events.slice(i, end);
    const r = evaluateBatch([rule], chunk, store.load(batchStateKeys([rule], chunk)), ++seq, {
      groupCounts: store.counts(groupIndexes([rule])),
    });
    store.save(r.saves, r.index);
    matches.push(...r.matches);
    clears.push(...r.clears);
    i = end;
  }
  const horizon = until ?? (events.length ? events[events.length - 1].eventTime : new Date(0));
  while (absence && nextTick <= horizon.getTime()) tick();
  const alerts = lifecycle(rule, matches, clears, horizon);
  const perDay = new Map<string, number>();
  for (const a of alerts) {
    const day = a.startTime.toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const resolved = alerts.filter((a) => a.resolvedAt !== null).length;
  return {
    events: events.length,
    matches: new Set(matches.map((m) => m.eventId)).size,
    alerts,
    perDay: [...perDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, n]) => ({ day, alerts: n })),
    resolved,
    open: alerts.length - resolved,
  };
}

function lifecycle(rule: CompiledRule, matches: RuleMatch[], clears: RuleClear[], horizon: Date): BacktestAlert[] {
  const resolveAfter = rule.definition.resolveAfter ? parseDuration(rule.definition.resolveAfter) : null;
  const cooldown = (rule.definition.cooldown ? parseDuration(rule.definition.cooldown) : 0) ?? 0;
  const momentary = rule.definition.kind === 'immediate';
  type Episode = BacktestAlert & { clearedAt: number | null; seen: Set<string> };
  const active = new Map<string, Episode>();
  const lastResolved = new Map<string, number>();
  const all: Episode[] = [];
  const steps = [
    ...matches.map((m) => ({ t: m.eventTime.getTime(), m })),
    ...clears.map((c) => ({ t: c.t.getTime(), c })),
  ].sort((a, b) => a.t - b.t);
  const resolveDue = (t: number) => {
    if (resolveAfter === null) return;
    for (const [fp, e] of active) {
      if (e.clearedAt !== null && e.clearedAt + resolveAfter <= t) {
        e.resolvedAt = new Date(e.clearedAt + resolveAfter);
        lastResolved.set(fp, e.resolvedAt.getTime());
        active.delete(fp);
      }
    }
  };
  for (const step of steps) {
    resolveDue(step.t);
    if ('c' in step && step.c) {
      const e = active.get(step.c.fingerprint);
      if (e && e.clearedAt === null) e.clearedAt = step.t;
      continue;
    }
    const m = (step as { m: RuleMatch }).m;
    let e = active.get(m.fingerprint);
    if (!e) {
      if ((lastResolved.get(m.fingerprint) ?? -Infinity) + cooldown > step.t) continue;
      e = {
        fingerprint: m.fingerprint,
        groupKey: m.groupKey,
        severity: m.severity,
        count: 0,
        startTime: m.eventTime,
        endTime: m.eventTime,
        resolvedAt: null,
        clearedAt: null,
        seen: new Set(),
      };
      active.set(m.fingerprint, e);
      all.push(e);
    }
    if (e.seen.has(m.eventId)) continue;
    e.seen.add(m.eventId);
    e.count++;
    e.severity = maxSeverity(e.severity, m.severity);
    if (m.eventTime < e.startTime) e.startTime = m.eventTime;
    if (m.eventTime > e.endTime) e.endTime = m.eventTime;
    e.clearedAt = momentary ? step.t : null;
  }
  resolveDue(horizon.getTime());
  return all.map(({ clearedAt: _c, seen: _s, ...a }) => a);
}
