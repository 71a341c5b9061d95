import type { Severity } from '@anom/contracts';
import {
  alertIdsFor,
  isAutoResolveDue,
  lifecycleCandidates,
  planAlertChanges,
  routeNotifications,
  type ActiveAlert,
  type AnnouncedAlert,
  type LifecycleCandidate,
  type Routing,
} from './lifecycle';
import { EVIDENCE_SAMPLES } from './alert-candidate';

/**
 * The alert lifecycle, as a table: read each row as "given this stored state
 * and these matches, the alert does this". The store writes what the plan
 * says (alert.repository.ts); the worker's integration specs run it end to end.
 */
const NOW = new Date('2026-01-01T12:00:00Z');
const T = (m: number) => new Date(NOW.getTime() + m * 60_000);

function candidate(patch: Partial<LifecycleCandidate> = {}): LifecycleCandidate {
  const eventIds = patch.eventIds ?? ['e1', 'e2'];
  return {
    fingerprint: 'fp',
    ruleId: 'r1',
    ruleVersion: 1,
    groupKey: { host: 'a' },
    severity: 'medium',
    startTime: T(-2),
    endTime: T(-1),
    eventIds,
    samples: eventIds.map((id) => ({ eventId: id, eventTime: T(-1).toISOString(), values: { v: 1 } })),
    summary: 'CPU high (host=a)',
    resolveAfterMs: null,
    momentary: false,
    cooldownMs: null,
    ...patch,
  };
}

const active = (patch: Partial<ActiveAlert> = {}): ActiveAlert => ({
  id: 'a-old',
  fingerprint: 'fp',
  status: 'open',
  severity: 'medium',
  evidence: { samples: [] },
  ...patch,
});

const CHANNELS: Routing['channels'] = [
  { id: 'all', events: ['opened', 'escalated', 'acknowledged', 'resolved'], minSeverity: 'info' },
  { id: 'pager', events: ['opened', 'escalated'], minSeverity: 'critical' },
];

interface Row {
  name: string;
  candidate: Partial<LifecycleCandidate>;
  active?: Partial<ActiveAlert>;
  coolingDown?: boolean;
  /** Event ids counted before (a re-evaluated batch). */
  counted?: string[];
  expect: {
    opened?: number;
    updated?: number;
    escalated?: number;
    suppressed?: number;
    alreadyCounted?: number;
    /** Events of the transitions recorded. */
    transitions?: string[];
    /** `channel:status` of the notifications. */
    notifications?: string[];
    severity?: Severity;
    count?: number;
    /** Active alerts resolved because their episode is over by event time. */
    resolved?: string[];
  };
}

const ROWS: Row[] = [
  {
    name: 'no active alert: a new open alert, announced on the channels its severity reaches',
    candidate: {},
    expect: { opened: 1, transitions: ['opened'], notifications: ['all:pending'], count: 2, severity: 'medium' },
  },
  {
    name: 'a critical opening also pages',
    candidate: { severity: 'critical' },
    expect: { opened: 1, transitions: ['opened'], notifications: ['all:pending', 'pager:pending'] },
  },
  {
    name: 'an active alert: counted in, no transition, nobody told again',
    candidate: {},
    active: {},
    expect: { updated: 1, transitions: [], notifications: [], count: 2, severity: 'medium' },
  },
  {
    name: 'an acknowledged alert keeps counting (and stays acknowledged)',
    candidate: {},
    active: { status: 'acknowledged' },
    expect: { updated: 1, transitions: [], count: 2 },
  },
  {
    name: 'a higher severity escalates the active alert, announced as escalated',
    candidate: { severity: 'critical' },
    active: { severity: 'high' },
    expect: {
      updated: 1,
      escalated: 1,
      transitions: ['escalated'],
      notifications: ['all:pending', 'pager:pending'],
      severity: 'critical',
    },
  },
  {
    name: 'a lower severity never lowers the alert',
    candidate: { severity: 'low' },
    active: { severity: 'high' },
    expect: { updated: 1, escalated: 0, transitions: [], severity: 'high' },
  },
  {
    name: 'resolved less than the cooldown ago: the matches are suppressed, no alert opens',
    candidate: { cooldownMs: 3_600_000 },
    coolingDown: true,
    expect: { opened: 0, suppressed: 2, transitions: [], notifications: [] },
  },
  {
    name: 're-evaluated batch: matches counted before count nothing',
    candidate: {},
    active: {},
    counted: ['e1', 'e2'],
    expect: { updated: 0, alreadyCounted: 2, transitions: [] },
  },
  {
    name: 'its episode ended by event time resolveAfter or more before: it resolves, a new alert opens',
    candidate: { resolveAfterMs: 10 * 60_000, startTime: T(-2) },
    active: { clearedEventTime: T(-12) },
    expect: {
      opened: 1,
      updated: 0,
      resolved: ['a-old'],
      transitions: ['resolved', 'opened'],
      notifications: ['all:pending', 'all:pending'],
    },
  },
  {
    name: 'its episode ended by event time less than resolveAfter before: the same alert goes on',
    candidate: { resolveAfterMs: 10 * 60_000, startTime: T(-2) },
    active: { clearedEventTime: T(-11) },
    expect: { opened: 0, updated: 1, resolved: [], transitions: [] },
  },
  {
    name: 'a rule without resolveAfter: only people resolve, however long ago the episode ended',
    candidate: { resolveAfterMs: null },
    active: { clearedEventTime: T(-60 * 24 * 365) },
    expect: { opened: 0, updated: 1, resolved: [] },
  },
  {
    name: 'partly counted before: only the fresh matches count',
    candidate: {},
    active: {},
    counted: ['e1'],
    expect: { updated: 1, alreadyCounted: 1, count: 1 },
  },
];

describe('planAlertChanges: the lifecycle table', () => {
  it.each(ROWS)('$name', (row) => {
    const c = candidate(row.candidate);
    const activeMap = new Map(row.active ? [['fp', active(row.active)]] : []);
    const coolingDown = new Map(row.coolingDown ? [['fp', 'a-resolved']] : []);
    const ids = alertIdsFor([c], { active: activeMap, coolingDown }, () => 'a-new');
    const counted = new Set(row.counted ?? []);
    const fresh = new Set(c.eventIds.filter((e) => !counted.has(e)).map((e) => `${c.ruleId}/${e}`));
    const plan = planAlertChanges(
      [c],
      { active: activeMap, coolingDown, fresh, routing: { channels: CHANNELS, silences: [] } },
      ids,
      NOW,
    );
    const e = row.expect;
    if (e.opened !== undefined) expect(plan.opened).toHaveLength(e.opened);
    if (e.updated !== undefined) expect(plan.updated).toHaveLength(e.updated);
    if (e.escalated !== undefined) expect(plan.escalated).toHaveLength(e.escalated);
    if (e.suppressed !== undefined) expect(plan.suppressed).toBe(e.suppressed);
    if (e.alreadyCounted !== undefined) expect(plan.alreadyCounted).toBe(e.alreadyCounted);
    if (e.transitions) expect(plan.transitions.map((t) => t.event)).toEqual(e.transitions);
    if (e.notifications)
      expect(plan.notifications.map((n) => `${n.channelId}:${n.status}`).sort()).toEqual([...e.notifications].sort());
    const written = [...plan.inserts, ...plan.updates];
    if (e.severity) expect(written[0].severity).toBe(e.severity);
    if (e.count !== undefined) expect(written[0].count).toBe(e.count);
    if (e.resolved) expect(plan.resolves).toEqual(e.resolved);
    // A new episode's matches count into the new alert.
    if (e.resolved?.length) expect(ids).toEqual(['a-new']);
  });

  it('links the matches to the alert they count into: active, else the cooling one, else a new id', () => {
    const cs = [candidate({ fingerprint: 'x' }), candidate({ fingerprint: 'y' }), candidate({ fingerprint: 'z' })];
    const ids = alertIdsFor(
      cs,
      { active: new Map([['x', active({ id: 'a-x', fingerprint: 'x' })]]), coolingDown: new Map([['y', 'a-y']]) },
      () => 'a-new',
    );
    expect(ids).toEqual(['a-x', 'a-y', 'a-new']);
    expect(() => alertIdsFor([cs[0], cs[0]], { active: new Map(), coolingDown: new Map() }, () => 'n')).toThrow(
      /distinct fingerprints/,
    );
  });

  it('keeps the last EVIDENCE_SAMPLES samples as evidence, old ones first out', () => {
    const old = Array.from({ length: EVIDENCE_SAMPLES }, (_, i) => ({
      eventId: `old-${i}`,
      eventTime: T(-10).toISOString(),
      values: {},
    }));
    const c = candidate({ eventIds: ['n1', 'n2', 'n3'] });
    const fresh = new Set(c.eventIds.map((e) => `r1/${e}`));
    const activeMap = new Map([['fp', active({ evidence: { samples: old } })]]);
    const plan = planAlertChanges(
      [c],
      { active: activeMap, coolingDown: new Map(), fresh, routing: { channels: [], silences: [] } },
      ['a-old'],
      NOW,
    );
    const samples = plan.updates[0].evidence.samples.map((s) => s.eventId);
    expect(samples).toHaveLength(EVIDENCE_SAMPLES);
    expect(samples.slice(-3)).toEqual(['n1', 'n2', 'n3']);
    expect(samples[0]).toBe('old-3');
  });

  it('clears momentary (immediate) matches at once, so resolveAfter counts from the last match', () => {
    const plan = planAlertChanges(
      [candidate({ momentary: true, resolveAfterMs: 60_000 })],
      {
        active: new Map(),
        coolingDown: new Map(),
        fresh: new Set(['r1/e1', 'r1/e2']),
        routing: { channels: [], silences: [] },
      },
      ['a-new'],
      NOW,
    );
    expect(plan.inserts[0]).toMatchObject({ clearedAt: NOW, resolveAfterMs: 60_000 });
  });
});

describe('routeNotifications: who hears of a transition', () => {
  const alert = (patch: Partial<AnnouncedAlert> = {}): AnnouncedAlert => ({
    id: 'a1',
    ruleId: 'r1',
    groupKey: { host: 'a', region: 'eu' },
    severity: 'high',
    event: 'opened',
    ...patch,
  });
  const silence = (patch: Partial<Routing['silences'][number]> = {}) => ({
    id: 's1',
    ruleId: null,
    groupKey: {},
    endsAt: T(60),
    ...patch,
  });
  const route = (a: AnnouncedAlert, silences: Routing['silences'] = []) =>
    routeNotifications([a], { channels: CHANNELS, silences }).map(
      (n) => `${n.channelId}:${n.status}${n.silenceId ? `:${n.silenceId}` : ''}`,
    );

  it.each([
    ['a channel not subscribed to the event hears nothing', alert({ event: 'acknowledged' }), [], ['all:pending']],
    ['below a channel minimum severity: not sent there', alert({ severity: 'high' }), [], ['all:pending']],
    ['at the minimum severity: sent', alert({ severity: 'critical' }), [], ['all:pending', 'pager:pending']],
    ['a business-wide silence mutes every channel', alert(), [silence()], ['all:silenced:s1']],
    ['a silence of the same rule mutes', alert(), [silence({ ruleId: 'r1' })], ['all:silenced:s1']],
    ['a silence of another rule does not', alert(), [silence({ ruleId: 'r2' })], ['all:pending']],
    [
      'a silence whose group key the alert holds mutes',
      alert(),
      [silence({ groupKey: { host: 'a' } })],
      ['all:silenced:s1'],
    ],
    ['a silence with another value does not', alert(), [silence({ groupKey: { host: 'b' } })], ['all:pending']],
    ['a silence on a field the alert lacks does not', alert(), [silence({ groupKey: { zone: 'x' } })], ['all:pending']],
    [
      'a number does not match a string',
      alert({ groupKey: { n: 1 } }),
      [silence({ groupKey: { n: '1' } })],
      ['all:pending'],
    ],
    [
      'of two matching silences, the one ending last is recorded',
      alert(),
      [silence({ id: 'early', endsAt: T(10) }), silence({ id: 'late', endsAt: T(90) })],
      ['all:silenced:late'],
    ],
  ] as [string, AnnouncedAlert, Routing['silences'], string[]][])('%s', (_name, a, silences, expected) => {
    expect(route(a, silences).sort()).toEqual([...expected].sort());
  });
});

describe('isAutoResolveDue: an alert resolves itself once its condition has been clear for resolveAfter', () => {
  it.each([
    ['clear long enough', { clearedAt: T(-10), resolveAfterMs: 5 * 60_000 }, true],
    ['clear exactly that long', { clearedAt: T(-5), resolveAfterMs: 5 * 60_000 }, true],
    ['not clear long enough', { clearedAt: T(-1), resolveAfterMs: 5 * 60_000 }, false],
    ['still holding (never cleared)', { clearedAt: null, resolveAfterMs: 5 * 60_000 }, false],
    ['its rule has no resolveAfter: only people resolve', { clearedAt: T(-10), resolveAfterMs: null }, false],
    ['already resolved', { clearedAt: T(-10), resolveAfterMs: 60_000, status: 'resolved' as const }, false],
  ])('%s', (_name, patch, due) => {
    expect(isAutoResolveDue({ id: 'a', status: 'open', ...patch }, NOW)).toBe(due);
  });
});

describe('lifecycleCandidates', () => {
  it('folds matches per fingerprint and carries the rule lifecycle options in ms', () => {
    const m = (id: string, fingerprint: string) => ({
      ruleId: 'r1',
      ruleVersion: 2,
      fingerprint,
      groupKey: { host: fingerprint },
      severity: 'medium' as const,
      eventId: id,
      eventTime: T(0),
      values: { cpu: 97 },
    });
    const [a, b] = lifecycleCandidates(
      [m('e1', 'x'), m('e2', 'x'), m('e3', 'y')],
      [{ ruleId: 'r1', definition: { name: 'CPU', kind: 'immediate', resolveAfter: '5m', cooldown: '1h' } }],
    );
    expect(a).toMatchObject({
      fingerprint: 'x',
      eventIds: ['e1', 'e2'],
      resolveAfterMs: 300_000,
      cooldownMs: 3_600_000,
    });
    expect(a.momentary).toBe(true);
    expect(b.eventIds).toEqual(['e3']);
  });
});
