import { alertSummary, foldMatches } from '../alerts/alert-candidate';
import { parseRuleDefinition } from '../rules/rule-definition';
import { compileRule, type CompiledRule } from '../rules/compile-rule';
import type { EvaluationEvent } from '../rules/evaluate-immediate';
import type { FieldDefinition } from '../schema/business-schema';
import { MemoryStateStore, StoredJson } from '../state/state-store';
import {
  absenceStateKey,
  batchStateKeys,
  dueIndex,
  evaluateBatch,
  formatMs,
  groupIndexes,
  groupsIndex,
  legacyAbsenceKey,
  loadAbsenceTick,
  splitLegacyAbsence,
  tickAbsenceRules,
  type BatchEvaluation,
} from './evaluate-batch';

const fields: FieldDefinition[] = [
  { name: 'user_id', type: 'string' },
  { name: 'service', type: 'string' },
  { name: 'heart_rate', type: 'number' },
  { name: 'activity_level', type: 'number' },
  { name: 'level', type: 'string' },
];
const MIN = 60_000;

function rule(body: Record<string, unknown>, id: string): CompiledRule {
  const r = parseRuleDefinition({ name: id, ...body }, fields);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return compileRule({ id, version: 1, definition: r.definition }, fields);
}

const tachycardia = rule(
  {
    kind: 'sequence',
    condition: 'heart_rate > 100 && activity_level < 10',
    minCount: 5,
    groupBy: ['user_id'],
    severity: 'high',
    escalations: [{ when: 'heart_rate > 130', severity: 'critical' }],
  },
  'tachy',
);
const errorBurst = rule(
  {
    kind: 'aggregate',
    condition: "level == 'ERROR'",
    aggregate: { fn: 'count' },
    window: '3m',
    op: '>=',
    threshold: 3,
    groupBy: ['service'],
    severity: 'high',
  },
  'burst',
);
const heartbeat = rule(
  { kind: 'absence', window: '5m', groupBy: ['service'], expectedGroups: ['billing'], severity: 'medium' },
  'heartbeat',
);

let n = 0;
const vitals = (minute: number, hr: number, user = 'ann'): EvaluationEvent => ({
  id: `v${n++}`,
  eventTime: new Date(minute * MIN),
  payload: { user_id: user, heart_rate: hr, activity_level: 2 },
});
const log = (minute: number, service: string, level = 'ERROR'): EvaluationEvent => ({
  id: `l${n++}`,
  eventTime: new Date(minute * MIN),
  payload: { service, level },
});

let seq = 0;
/** Runs batches in order through a store, as the worker does: each batch has a higher sequence number. */
async function runBatches(
  rules: CompiledRule[],
  batches: EvaluationEvent[][],
  store = new MemoryStateStore(),
): Promise<BatchEvaluation[]> {
  const results: BatchEvaluation[] = [];
  for (const events of batches) {
    const loaded = await store.load(batchStateKeys(rules, events));
    const r = evaluateBatch(rules, events, loaded, ++seq, { groupCounts: await store.counts(groupIndexes(rules)) });
    await store.save(r.saves, r.index);
    results.push(r);
  }
  return results;
}

/** A baseline rule's band alone: every statistic and the quiet period the defaults add, off. */
const BAND_ONLY = {
  seasonality: 'none',
  newExtremesOnly: false,
  meanWindow: null,
  volatilityWindow: null,
  contextWindow: null,
  quietPeriod: 0,
};

describe('evaluateBatch', () => {
  it('a baseline match on the mean of the last values carries the event value and the mean as evidence', async () => {
    const level = rule(
      {
        kind: 'baseline',
        field: 'heart_rate',
        groupBy: ['user_id'],
        ...BAND_ONLY,
        sensitivity: 3.5,
        minHistory: 10,
        historySize: 100,
        meanWindow: 4,
      },
      'level',
    );
    const history = Array.from({ length: 40 }, (_, i) => vitals(i, i % 2 === 0 ? 60 : 64, 'cy'));
    const shifted = Array.from({ length: 6 }, (_, i) => vitals(40 + i, i % 2 === 0 ? 63 : 64, 'cy'));
    const [, r] = await runBatches([level], [history, shifted]);
    expect(r.matches[0].values).toEqual({
      heart_rate: 63,
      'mean of last 4': 62.75,
      'anomaly score': expect.any(Number),
      expected: 62,
      low: 62,
      high: 62,
      z: expect.any(Number),
    });
  });

  it('a baseline match against the daily profile shows the profile and a band around it', async () => {
    const shape = rule(
      {
        kind: 'baseline',
        field: 'heart_rate',
        groupBy: ['user_id'],
        ...BAND_ONLY,
        sensitivity: 5,
        historySize: 1000,
        seasonality: 'auto',
      },
      'shape',
    );
    // Five-minute readings: 80 from 08:00 to 17:00, 60 otherwise; on day 4 the 12:00 reading is 60.
    const readings = Array.from({ length: 4 * 288 + 12 * 12 + 1 }, (_, i) => {
      const hour = Math.floor((i % 288) / 12);
      const hr = hour >= 8 && hour < 17 && i !== 4 * 288 + 12 * 12 ? 80 : 60;
      return {
        id: `s${i}`,
        eventTime: new Date(i * 5 * MIN),
        payload: { user_id: 'fay', heart_rate: hr + (((i * 7) % 5) - 2) * 0.25, activity_level: 1 },
      };
    });
    const [r] = await runBatches([shape], [readings]);
    // From day 3 on (two earlier days in the profile, a day of residuals), only the broken reading matches.
    const late = r.matches.filter((m) => Number(m.eventId.slice(1)) >= 3 * 288);
    expect(late.map((m) => m.eventId)).toEqual([`s${4 * 288 + 12 * 12}`]);
    expect(late[0].values).toMatchObject({ heart_rate: 60, profile: 80, expected: expect.closeTo(80, 0) });
    expect(late[0].values.low as number).toBeGreaterThan(70);
  });

  it('a baseline match on volatility names the mean change it judged', async () => {
    const jitter = rule(
      {
        kind: 'baseline',
        field: 'heart_rate',
        groupBy: ['user_id'],
        ...BAND_ONLY,
        sensitivity: 3.5,
        minHistory: 10,
        historySize: 100,
        volatilityWindow: 4,
      },
      'jitter',
    );
    const calm = Array.from({ length: 60 }, (_, i) => vitals(i, i % 4 < 2 ? 60 : 64, 'di'));
    const jittery = Array.from({ length: 4 }, (_, i) => vitals(60 + i, i % 2 === 0 ? 60 : 64, 'di'));
    const [, r] = await runBatches([jitter], [calm, jittery]);
    expect(r.matches[0].values).toMatchObject({ heart_rate: 64, 'mean change over last 4': 3, expected: 2 });
  });

  it('a baseline match with newExtremesOnly shows the high it broke', async () => {
    const record = rule(
      {
        kind: 'baseline',
        field: 'heart_rate',
        groupBy: ['user_id'],
        ...BAND_ONLY,
        sensitivity: 3.5,
        minHistory: 10,
        historySize: 100,
        newExtremesOnly: true,
      },
      'record',
    );
    const history = Array.from({ length: 40 }, (_, i) => vitals(i, [60, 61, 59][i % 3], 'eli'));
    const [, r] = await runBatches(
      [record],
      [[...history, vitals(40, 90, 'eli'), vitals(41, 60, 'eli')], [vitals(42, 120, 'eli')]],
    );
    expect(r.matches).toHaveLength(1);
    expect(r.matches[0].values).toMatchObject({ heart_rate: 120, expected: 60, 'previous high': 90 });
  });

  it('carries a sequence run across batches and fires on the 5th consecutive match with all five events', async () => {
    const [a, b] = await runBatches(
      [tachycardia],
      [
        [vitals(0, 110), vitals(1, 112), vitals(2, 115)],
        [vitals(3, 120), vitals(4, 135), vitals(5, 125)],
      ],
    );
    expect(a.matches).toEqual([]);
    expect(b.matches.map((m) => [m.values.heart_rate, m.severity])).toEqual([
      [110, 'high'],
      [112, 'high'],
      [115, 'high'],
      [120, 'high'],
      [135, 'critical'],
      [125, 'high'],
    ]);
  });

  it('says how long a group has been silent as a person reads it, and since when for long silences', () => {
    expect([25 * MIN, 7 * 60 * MIN, 12 * 1440 * MIN, 110_462 * 60 * MIN].map(formatMs)).toEqual([
      '25m',
      '7h',
      '12 days',
      '12.6 years',
    ]);
    const c = {
      groupKey: { service: 'ec2-825cc2' },
      samples: [
        {
          eventId: 'x',
          eventTime: '2026-11-29T00:00:00Z',
          values: { silent_for: '12.6 years', last_seen: '2014-04-24T10:00:00.000Z' },
        },
      ],
    };
    expect(alertSummary({ name: 'Heartbeat lost', kind: 'absence' }, c)).toBe(
      'Heartbeat lost: no event for 12.6 years (since 2014-04-24) (service=ec2-825cc2)',
    );
  });

  it("summarises a sequence alert over the whole run, not the last batch's events", async () => {
    // The report of issue 16: four POSTs of one event each; after the fourth the alert said "avg 20 min 20 max 20".
    const dry = rule(
      { kind: 'sequence', condition: 'heart_rate < 30', minCount: 3, groupBy: ['user_id'], severity: 'low' },
      'dry-air',
    );
    const results = await runBatches(
      [dry],
      [28, 25, 22, 20].map((v, i) => [vitals(i, v, 'bay-1')]),
    );
    const summary = (r: BatchEvaluation) =>
      foldMatches(r.matches).map((c) => alertSummary({ name: 'Dry air', kind: 'sequence' }, c))[0];
    expect(summary(results[2])).toBe('Dry air: 3 consecutive, heart_rate avg 25 min 22 max 28 (user_id=bay-1)');
    expect(summary(results[3])).toBe('Dry air: 4 consecutive, heart_rate avg 23.75 min 20 max 28 (user_id=bay-1)');
  });

  it('re-evaluating a batch from its saved state gives the same matches (exactly-once effect)', async () => {
    const store = new MemoryStateStore();
    const batch1 = [vitals(0, 110, 'bo'), vitals(1, 111, 'bo'), vitals(2, 112, 'bo')];
    const batch2 = [vitals(3, 113, 'bo'), vitals(4, 114, 'bo')];
    await runBatches([tachycardia], [batch1], store);
    // Batch 2 is evaluated and its state saved, but the process dies before the alerts commit…
    const s2 = ++seq;
    const first = evaluateBatch([tachycardia], batch2, await store.load(batchStateKeys([tachycardia], batch2)), s2);
    await store.save(first.saves);
    // …so batch 2 runs again: it starts from the state before batch 2, not after.
    const again = evaluateBatch([tachycardia], batch2, await store.load(batchStateKeys([tachycardia], batch2)), s2);
    expect(again.matches).toEqual(first.matches);
    expect(again.matches).toHaveLength(5);
  });

  it('re-runs a group of pending batches from the state before it, even when more batches joined it', async () => {
    const store = new MemoryStateStore();
    const b1 = [vitals(0, 110, 'di'), vitals(1, 111, 'di')];
    const b2 = [vitals(2, 112, 'di'), vitals(3, 113, 'di')];
    const b3 = [vitals(4, 114, 'di'), vitals(5, 115, 'di')];
    const s1 = ++seq;
    const s2 = ++seq;
    const s3 = ++seq;
    // Batches 1-2 evaluated together; state saved, then the process dies before the commit.
    const crashed = evaluateBatch([tachycardia], [...b1, ...b2], await store.load(batchStateKeys([tachycardia], b1)), {
      first: s1,
      last: s2,
    });
    await store.save(crashed.saves);
    // Batch 3 arrived meanwhile: the retry covers 1-3 and must start from before batch 1.
    const retry = evaluateBatch(
      [tachycardia],
      [...b1, ...b2, ...b3],
      await store.load(batchStateKeys([tachycardia], b1)),
      { first: s1, last: s3 },
    );
    expect(retry.matches.map((m) => m.values.heart_rate)).toEqual([110, 111, 112, 113, 114, 115]);
    expect([...retry.saves.values()][0]).toMatchObject({ seq: s3, cur: { runLength: 6 } });
  });

  it('starts from stored text as from the parsed state, and saves that text back as prev untouched', async () => {
    const store = new MemoryStateStore();
    await runBatches(
      [tachycardia, errorBurst],
      [[vitals(0, 110, 'gil'), vitals(1, 111, 'gil'), log(0, 'api'), log(1, 'api')]],
      store,
    );
    const next = [vitals(2, 112, 'gil'), vitals(3, 113, 'gil'), vitals(4, 114, 'gil'), log(2, 'api')];
    const loaded = await store.load(batchStateKeys([tachycardia, errorBurst], next));
    // As a text store hands them out: prev and cur as StoredJson.
    const asText = new Map(
      [...loaded].map(([k, v]) => {
        const { seq: at, prev, cur } = v as { seq: number; prev: unknown; cur: unknown };
        return [
          k,
          {
            seq: at,
            prev: prev === null ? null : new StoredJson(JSON.stringify(prev)),
            cur: new StoredJson(JSON.stringify(cur)),
          },
        ];
      }),
    );
    const s = ++seq;
    const fromObjects = evaluateBatch([tachycardia, errorBurst], next, loaded, s);
    const fromText = evaluateBatch([tachycardia, errorBurst], next, asText, s);
    expect(fromText.matches).toEqual(fromObjects.matches);
    expect(fromText.matches.length).toBeGreaterThan(0);
    for (const [k, saved] of fromText.saves) {
      const stored = asText.get(k)!;
      expect(saved.prev).toBe(stored.cur); // the very text it started from
      expect(saved.cur).toEqual(fromObjects.saves.get(k)!.cur);
      expect(JSON.parse(JSON.stringify(saved))).toEqual(JSON.parse(JSON.stringify(fromObjects.saves.get(k))));
    }
  });

  it('leaves state that a later batch already advanced alone', async () => {
    const store = new MemoryStateStore();
    await runBatches([tachycardia], [[vitals(0, 110, 'cy')], [vitals(1, 110, 'cy')]], store);
    const replay = evaluateBatch(
      [tachycardia],
      [vitals(0, 110, 'cy')],
      await store.load(batchStateKeys([tachycardia], [vitals(0, 110, 'cy')])),
      seq - 1,
    );
    expect(replay.saves.size).toBe(0);
    expect(replay.matches).toEqual([]);
  });

  it('counts an aggregate per group over a sliding window and clears when it drops', async () => {
    const [r] = await runBatches(
      [errorBurst],
      [
        [
          log(0, 'api'),
          log(0.5, 'billing'),
          log(1, 'api'),
          log(2, 'api'),
          log(2.5, 'api', 'INFO'),
          log(5, 'api', 'INFO'),
        ],
      ],
    );
    expect(r.matches.map((m) => [m.groupKey.service, m.values.count])).toEqual([['api', 3]]);
    expect(r.clears).toHaveLength(1);
  });

  it('notices a silent service on tick, also one expected but never seen, and clears when it reports', async () => {
    const store = new MemoryStateStore();
    await runBatches([heartbeat], [[log(0, 'api', 'INFO')]], store);
    const tick1 = tickAbsenceRules([heartbeat], await loadAbsenceTick(store, [heartbeat], 1 * MIN), new Date(1 * MIN));
    await store.save(tick1.saves, tick1.index);
    expect(tick1.matches).toEqual([]);
    const tick2 = tickAbsenceRules([heartbeat], await loadAbsenceTick(store, [heartbeat], 6 * MIN), new Date(6 * MIN));
    await store.save(tick2.saves, tick2.index);
    expect(tick2.matches.map((m) => [m.groupKey.service, m.values.silent_for]).sort()).toEqual([
      ['api', '6m'],
      ['billing', '5m'],
    ]);
    // Once per silence.
    expect(
      tickAbsenceRules([heartbeat], await loadAbsenceTick(store, [heartbeat], 9 * MIN), new Date(9 * MIN)).matches,
    ).toEqual([]);
    const [back] = await runBatches([heartbeat], [[log(10, 'api', 'INFO')]], store);
    expect(back.clears.map((c) => c.fingerprint)).toEqual([
      tick2.matches.find((m) => m.groupKey.service === 'api')!.fingerprint,
    ]);
  });

  it(
    'after ingest resumed, fires a group silent through the outage only a window later, and says when ingest ' +
      'resumed',
    async () => {
      const store = new MemoryStateStore();
      await runBatches([heartbeat], [[log(0, 'api', 'INFO')]], store);
      const resumed = 30 * MIN;
      const early = tickAbsenceRules(
        [heartbeat],
        await loadAbsenceTick(store, [heartbeat], 33 * MIN, resumed),
        new Date(33 * MIN),
        resumed,
      );
      await store.save(early.saves, early.index);
      expect(early.matches).toEqual([]);
      const r = tickAbsenceRules(
        [heartbeat],
        await loadAbsenceTick(store, [heartbeat], 35 * MIN, resumed),
        new Date(35 * MIN),
        resumed,
      );
      // billing, expected but never seen, is watched from the first tick (minute 33).
      expect(r.matches.map((m) => [m.groupKey.service, m.values])).toEqual([
        [
          'api',
          { silent_for: '35m', last_seen: new Date(0).toISOString(), ingest_resumed: new Date(resumed).toISOString() },
        ],
      ]);
    },
  );

  it(
    "keeps a group's watermark at the receipt of an event dated ahead, so the real events after it are not " + 'late',
    async () => {
      const at = (minute: number, hr: number, received: number) => ({
        ...vitals(minute, hr, 'eve'),
        receivedAt: received * MIN,
      });
      // One event dated 9 minutes ahead of its arrival, then a run of five dated (and received) now.
      const [ahead, run] = await runBatches(
        [tachycardia],
        [[at(10, 70, 1)], [1.1, 1.2, 1.3, 1.4, 1.5].map((m) => at(m, 120, m))],
      );
      expect(ahead.late).toEqual([]);
      expect(run.late).toEqual([]);
      expect(run.matches.map((m) => m.values.run)).toEqual([5, 5, 5, 5, 5]);
      // Without the receipt time (a backtest over history), event time alone moves the watermark.
      const [, blind] = await runBatches(
        [tachycardia],
        [[vitals(10, 70, 'fay')], [1.1, 1.2, 1.3, 1.4, 1.5].map((m) => vitals(m, 120, 'fay'))],
      );
      expect(blind.late).toHaveLength(5);
    },
  );

  describe('group state is bounded by the groups a batch touches', () => {
    it('an absence batch loads and saves only its own groups, and a tick loads only the groups due', async () => {
      const store = new MemoryStateStore();
      const flood = Array.from({ length: 5_000 }, (_, i) => log(0, `svc-${i}`, 'INFO'));
      await runBatches([heartbeat], [flood], store);
      expect(store.size).toBe(5_000);
      const one = [log(1, 'svc-7', 'INFO')];
      expect(batchStateKeys([heartbeat], one)).toEqual([absenceStateKey(heartbeat, 'svc-7')]);
      const [r] = await runBatches([heartbeat], [one], store);
      expect([...r.saves.keys()]).toEqual([absenceStateKey(heartbeat, 'svc-7')]);
      // Before any window has passed nothing is loaded (the expected group is not created yet); at minute 5.5 the 4,999
      // silent ones are due.
      expect([...(await loadAbsenceTick(store, [heartbeat], 4 * MIN)).keys()]).toEqual([]);
      const due = await loadAbsenceTick(store, [heartbeat], 5.5 * MIN, -Infinity, 10_000);
      expect(due.size).toBe(4_999);
      expect(due.has(absenceStateKey(heartbeat, 'svc-7'))).toBe(false);
      // A tick judges at most its limit; the rest stay due for the next one.
      expect((await loadAbsenceTick(store, [heartbeat], 5.5 * MIN, -Infinity, 100)).size).toBe(100);
      const tick = tickAbsenceRules([heartbeat], due, new Date(5.5 * MIN));
      expect(tick.matches).toHaveLength(4_999);
      await store.save(tick.saves, tick.index);
      // Next: the expected group (always loaded, bounded by the rule) and svc-7, due at minute 6.
      expect([...(await loadAbsenceTick(store, [heartbeat], 6.5 * MIN, -Infinity, 10_000)).keys()]).toEqual([
        absenceStateKey(heartbeat, 'billing'),
        absenceStateKey(heartbeat, 'svc-7'),
      ]);
    });

    it('an absence rule takes no group from events already older than its forgetAfter when received', async () => {
      const store = new MemoryStateStore();
      const received = 400 * 24 * 60 * MIN;
      // Replayed history: a year old on arrival (the default forgetAfter of a 5m window is a week).
      const replayed = { ...log(0, 'ec2-old', 'INFO'), receivedAt: received };
      const recent = { ...log(400 * 24 * 60 - 3 * 24 * 60, 'ec2-new', 'INFO'), receivedAt: received };
      const [r] = await runBatches([heartbeat], [[replayed, recent]], store);
      expect([...r.saves.keys()]).toEqual([absenceStateKey(heartbeat, 'ec2-new')]);
      const tick = tickAbsenceRules(
        [heartbeat],
        await loadAbsenceTick(store, [heartbeat], received),
        new Date(received),
      );
      // The expected group starts its watch at this first tick; ec2-new has been silent three days.
      expect(tick.matches.map((m) => m.groupKey)).toEqual([{ service: 'ec2-new' }]);
      expect(tick.matches[0].values.silent_for).toBe('3 days');
    });

    it(
      'tracks at most maxGroups groups per rule, turns new ones away and reports them, and admits the same ones ' +
        'on a re-run',
      async () => {
        const few = rule(
          {
            kind: 'aggregate',
            condition: "level == 'ERROR'",
            aggregate: { fn: 'count' },
            window: '3m',
            op: '>=',
            threshold: 2,
            groupBy: ['service'],
            maxGroups: 3,
          },
          'few',
        );
        const store = new MemoryStateStore();
        const batch = ['a', 'b', 'c', 'd', 'e', 'a', 'e'].map((svc) => log(0, svc));
        const counts = async () => store.counts(groupIndexes([few]));
        const s1 = ++seq;
        const first = evaluateBatch([few], batch, await store.load(batchStateKeys([few], batch)), s1, {
          groupCounts: await counts(),
        });
        expect(first.overflow).toEqual([{ ruleId: 'few', tracked: 3, maxGroups: 3, untracked: 2 }]);
        // 'a' reached the threshold; 'e' (its second event too) was never evaluated.
        expect(first.matches.map((m) => m.groupKey.service)).toEqual(['a']);
        await store.save(first.saves, first.index);
        expect((await counts()).get(groupsIndex(few))).toBe(3);
        // The same batch again (a crash before its alerts committed) gives the same result.
        const again = evaluateBatch([few], batch, await store.load(batchStateKeys([few], batch)), s1, {
          groupCounts: await counts(),
        });
        expect(again.matches.map((m) => m.groupKey.service)).toEqual(['a']);
        expect(again.overflow).toEqual(first.overflow);
        // Forgetting idle groups frees room.
        expect(await store.forget(groupsIndex(few), Infinity, 2, [])).toBe(2);
        const later = [log(1, 'd'), log(1, 'e')];
        const r = evaluateBatch([few], later, await store.load(batchStateKeys([few], later)), ++seq, {
          groupCounts: await counts(),
        });
        expect(r.overflow).toEqual([]);
      },
    );

    it('converts an absence state kept in one value into one key per group', () => {
      const legacy = {
        seq: 4,
        prev: { groups: { api: { last: 0, alerted: false, key: { service: 'api' } } } },
        cur: {
          groups: {
            api: { last: MIN, alerted: false, key: { service: 'api' } },
            auth: { last: 0, alerted: true, key: { service: 'auth' } },
          },
        },
      };
      const { saves, index } = splitLegacyAbsence(heartbeat, legacy, 99);
      expect(saves.get(legacyAbsenceKey(heartbeat))).toBeUndefined();
      expect(saves.has(legacyAbsenceKey(heartbeat))).toBe(true);
      expect(saves.get(absenceStateKey(heartbeat, 'api'))).toEqual({
        seq: 4,
        prev: legacy.prev.groups.api,
        cur: legacy.cur.groups.api,
      });
      expect(saves.get(absenceStateKey(heartbeat, 'auth'))).toEqual({
        seq: 4,
        prev: null,
        cur: legacy.cur.groups.auth,
      });
      expect(index.get(dueIndex(heartbeat))).toEqual(
        new Map([
          [absenceStateKey(heartbeat, 'api'), 6 * MIN],
          [absenceStateKey(heartbeat, 'auth'), null],
        ]),
      );
      expect(index.get(groupsIndex(heartbeat))?.size).toBe(2);
    });
  });
});
