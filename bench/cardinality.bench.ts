/**
 * What a flood of new groups costs the evaluator with its real Redis state
 * store: ten batches of 5,000 events, each event a new `service` (50,000
 * groups), under an absence, an aggregate and a sequence rule grouped by
 * service; then the cost of an ordinary 200-event batch over known groups,
 * and of an absence tick once every group is silent. Each batch is timed from
 * state load to state save (what the worker does around its transaction).
 * Needs Redis (REDIS_URL, default 127.0.0.1:6379); uses its own key prefix
 * and deletes it after.
 */
import IORedis from 'ioredis';
import * as domain from '@anom/domain';
import { RedisStateStore } from '@anom/queue';
import type { CompiledRule, EvaluationEvent, FieldDefinition } from '@anom/domain';

const FLOOD_BATCHES = 10;
const FLOOD_BATCH = 5_000;
const STEADY_BATCHES = 20;
const STEADY_BATCH = 200;
const MIN = 60_000;

const fields: FieldDefinition[] = [
  { name: 'service', type: 'string' },
  { name: 'cpu_percent', type: 'number' },
];

function rule(id: string, body: Record<string, unknown>): CompiledRule {
  const r = domain.parseRuleDefinition({ name: id, ...body }, fields);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return domain.compileRule(
    { id: `00000000-0000-4000-8000-${id.padStart(12, '0')}`, version: 1, definition: r.definition },
    fields,
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const redis = new IORedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const prefix = `anom-bench-cardinality-${process.pid}`;
  const store = new RedisStateStore(redis, prefix);
  const rules = [
    rule('1', { kind: 'absence', window: '10m', groupBy: ['service'], maxGroups: 100_000 }),
    rule('2', {
      kind: 'aggregate',
      aggregate: { fn: 'avg', field: 'cpu_percent' },
      window: '5m',
      op: '>',
      threshold: 95,
      groupBy: ['service'],
      maxGroups: 100_000,
    }),
    rule('3', {
      kind: 'sequence',
      condition: 'cpu_percent >= 80',
      minCount: 3,
      groupBy: ['service'],
      maxGroups: 100_000,
    }),
  ];
  let seq = 0;
  let n = 0;
  const t0 = Date.UTC(2026, 0, 1);
  // Against the engine's API of the day: group counts and index changes where it has them.
  const counts = async () => ('groupIndexes' in domain ? await store.counts(domain.groupIndexes(rules)) : undefined);
  const run = async (events: EvaluationEvent[]): Promise<number> => {
    const started = performance.now();
    const loaded = await store.load(domain.batchStateKeys(rules, events));
    const r = domain.evaluateBatch(rules, events, loaded, ++seq, { groupCounts: await counts(), now: Date.now() });
    await store.save(r.saves, (r as { index?: domain.IndexChanges }).index);
    return performance.now() - started;
  };

  const flood: number[] = [];
  for (let b = 0; b < FLOOD_BATCHES; b++) {
    const events = Array.from({ length: FLOOD_BATCH }, (_, i) => ({
      id: `f${n++}`,
      eventTime: new Date(t0 + b * 1_000 + i),
      payload: { service: `svc-${b}-${i}`, cpu_percent: 50 + (i % 50) },
    }));
    flood.push(await run(events));
    if (flood[flood.length - 1] > 120_000) break;
  }
  const steady: number[] = [];
  for (let b = 0; b < STEADY_BATCHES; b++) {
    const events = Array.from({ length: STEADY_BATCH }, (_, i) => ({
      id: `s${n++}`,
      eventTime: new Date(t0 + 20_000 + b * 1_000 + i),
      payload: { service: `svc-${b % FLOOD_BATCHES}-${i}`, cpu_percent: 40 },
    }));
    steady.push(await run(events));
  }
  const tickAt = new Date(t0 + 11 * MIN);
  const tickStarted = performance.now();
  const loaded =
    'loadAbsenceTick' in domain
      ? await domain.loadAbsenceTick(store, rules, tickAt.getTime())
      : await store.load([`rule:${rules[0].ruleId}@1:absence`]);
  const tick = domain.tickAbsenceRules(rules, loaded, tickAt);
  const tickMs = performance.now() - tickStarted;

  const bytes = await redis.eval(
    `local m = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do local l = redis.call('STRLEN', k) if l > m ` +
      `then m = l end end return m`,
    0,
    `${prefix}:state:*`,
  );
  console.log(`\nAnom cardinality benchmark (${new Date().toISOString()}, node ${process.version}, Redis state store)`);
  console.log(
    `  flood, ${flood.length} batches of ${FLOOD_BATCH} new groups:  median ${Math.round(median(flood))} ms per ` +
      `batch, total ${(flood.reduce((a, b) => a + b, 0) / 1000).toFixed(1)} s`,
  );
  console.log(
    `  then a ${STEADY_BATCH}-event batch over known groups:   median ${Math.round(median(steady))} ms (of ` +
      `${STEADY_BATCHES})`,
  );
  console.log(
    `  absence tick with every group silent:     ${Math.round(tickMs)} ms, ${tick.matches.length} alerts fired`,
  );
  console.log(`  largest state value:                      ${Number(bytes).toLocaleString('en')} bytes`);
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 10_000) await redis.del(...keys.slice(i, i + 10_000));
  redis.disconnect();
}

void main();
