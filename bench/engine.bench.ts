/**
 * Rule-evaluation throughput of the engine (CEL compiled once per rule
 * version, run through the same evaluateBatch as the worker) against
 * hand-written JS closures for the same 20 conditions, and against
 * json-rules-engine (what an npm user would pick). Then the engine's events/s
 * with mixed kinds (immediate, sequence, aggregate) and in-memory state.
 * Figures are evaluations (event x rule) per second, measured in one run:
 * engine and closures take turns for three rounds after a warm-up, medians
 * reported. `npm run bench` runs it with the worker's V8 flags
 * (`--max-semi-space-size=32 --no-allocation-site-pretenuring`, as
 * `npm run worker` runs; see WORKER_NODE_FLAGS in ingest.bench.ts).
 */
import { Engine } from 'json-rules-engine';
import {
  batchStateKeys,
  compileRule,
  evaluateBatch,
  MemoryStateStore,
  parseRuleDefinition,
  type CompiledRule,
  type EvaluationEvent,
  type FieldDefinition,
} from '@anom/domain';

const EVENTS = Number(process.env.BENCH_ENGINE_EVENTS ?? 1_000_000);
const JRE_EVENTS = 20_000;
const BATCH = 500;
const ROUNDS = Number(process.env.BENCH_ENGINE_ROUNDS ?? 3);

const fields: FieldDefinition[] = [
  { name: 'user_id', type: 'string' },
  { name: 'service', type: 'string' },
  { name: 'level', type: 'string' },
  { name: 'heart_rate', type: 'number' },
  { name: 'spo2_percent', type: 'number' },
  { name: 'skin_temp_c', type: 'number' },
  { name: 'activity_level', type: 'number' },
  { name: 'cpu_percent', type: 'number' },
  { name: 'latency_ms', type: 'number' },
  { name: 'amount', type: 'number' },
];

// The 20 conditions, as CEL, as closures, and as json-rules-engine conditions.
type Op = '>' | '<' | '>=' | '==';
const SPEC: { cel: string; js: (e: any) => boolean; all: [string, Op, number | string][] }[] = [
  {
    cel: 'heart_rate > 100 && activity_level < 10',
    js: (e) => e.heart_rate > 100 && e.activity_level < 10,
    all: [
      ['heart_rate', '>', 100],
      ['activity_level', '<', 10],
    ],
  },
  { cel: 'spo2_percent < 94', js: (e) => e.spo2_percent < 94, all: [['spo2_percent', '<', 94]] },
  { cel: 'skin_temp_c > 37.5', js: (e) => e.skin_temp_c > 37.5, all: [['skin_temp_c', '>', 37.5]] },
  {
    cel: 'cpu_percent >= 80 && latency_ms > 1000',
    js: (e) => e.cpu_percent >= 80 && e.latency_ms > 1000,
    all: [
      ['cpu_percent', '>=', 80],
      ['latency_ms', '>', 1000],
    ],
  },
  { cel: 'latency_ms > 1000', js: (e) => e.latency_ms > 1000, all: [['latency_ms', '>', 1000]] },
  { cel: 'amount > 10000', js: (e) => e.amount > 10000, all: [['amount', '>', 10000]] },
  { cel: "level == 'ERROR'", js: (e) => e.level === 'ERROR', all: [['level', '==', 'ERROR']] },
  { cel: "level == 'FATAL'", js: (e) => e.level === 'FATAL', all: [['level', '==', 'FATAL']] },
  { cel: 'heart_rate > 180', js: (e) => e.heart_rate > 180, all: [['heart_rate', '>', 180]] },
  { cel: 'heart_rate < 35', js: (e) => e.heart_rate < 35, all: [['heart_rate', '<', 35]] },
  {
    cel: 'spo2_percent < 85 && heart_rate > 120',
    js: (e) => e.spo2_percent < 85 && e.heart_rate > 120,
    all: [
      ['spo2_percent', '<', 85],
      ['heart_rate', '>', 120],
    ],
  },
  { cel: 'cpu_percent > 99', js: (e) => e.cpu_percent > 99, all: [['cpu_percent', '>', 99]] },
  {
    cel: 'amount > 5000 && level == "ERROR"',
    js: (e) => e.amount > 5000 && e.level === 'ERROR',
    all: [
      ['amount', '>', 5000],
      ['level', '==', 'ERROR'],
    ],
  },
  { cel: 'skin_temp_c < 34', js: (e) => e.skin_temp_c < 34, all: [['skin_temp_c', '<', 34]] },
  {
    cel: 'activity_level > 95 && heart_rate < 60',
    js: (e) => e.activity_level > 95 && e.heart_rate < 60,
    all: [
      ['activity_level', '>', 95],
      ['heart_rate', '<', 60],
    ],
  },
  { cel: 'latency_ms > 5000', js: (e) => e.latency_ms > 5000, all: [['latency_ms', '>', 5000]] },
  { cel: 'cpu_percent >= 90', js: (e) => e.cpu_percent >= 90, all: [['cpu_percent', '>=', 90]] },
  { cel: 'amount >= 20000', js: (e) => e.amount >= 20000, all: [['amount', '>=', 20000]] },
  {
    cel: 'heart_rate >= 150 && activity_level < 20',
    js: (e) => e.heart_rate >= 150 && e.activity_level < 20,
    all: [
      ['heart_rate', '>=', 150],
      ['activity_level', '<', 20],
    ],
  },
  { cel: 'spo2_percent < 90', js: (e) => e.spo2_percent < 90, all: [['spo2_percent', '<', 90]] },
];

function makeEvents(n: number): EvaluationEvent[] {
  let x = 42;
  const r = () => (x = (x * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const levels = ['INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
  return Array.from({ length: n }, (_, i) => ({
    id: String(i),
    eventTime: new Date(Date.UTC(2025, 0, 1) + i * 100),
    payload: {
      user_id: `u${i % 200}`,
      service: `s${i % 10}`,
      level: levels[i % 5],
      heart_rate: 50 + r() * 90,
      spo2_percent: 88 + r() * 12,
      skin_temp_c: 35.5 + r() * 2.5,
      activity_level: r() * 100,
      cpu_percent: r() * 100,
      latency_ms: r() * 1500,
      amount: r() * 12000,
    },
  }));
}

function compile(body: Record<string, unknown>, id: string): CompiledRule {
  const p = parseRuleDefinition(body, fields);
  if (!p.ok) throw new Error(JSON.stringify(p.errors));
  return compileRule({ id, version: 1, definition: p.definition }, fields);
}

async function main(): Promise<void> {
  const events = makeEvents(EVENTS);
  const immediate = SPEC.map((s, i) =>
    compile({ name: `r${i}`, kind: 'immediate', condition: s.cel, groupBy: ['user_id'] }, `r${i}`),
  );

  // Engine (the worker's evaluateBatch, batches of 500) and hand-written closures (the same
  // conditions in the engine's loop shape: rule by rule over a batch, so each call site sees
  // one function, counting matches) take turns for ROUNDS rounds after one warm-up round each;
  // each side's median round is reported, so a noisy moment on a shared machine skews neither.
  const runEngine = () => {
    let n = 0;
    for (let i = 0; i < events.length; i += BATCH)
      n += evaluateBatch(immediate, events.slice(i, i + BATCH), new Map(), i).matches.length;
    return n;
  };
  const runClosures = () => {
    let n = 0;
    for (let i = 0; i < events.length; i += BATCH) {
      const end = Math.min(events.length, i + BATCH);
      for (const s of SPEC) {
        const js = s.js;
        for (let k = i; k < end; k++) if (js(events[k].payload)) n++;
      }
    }
    return n;
  };
  const timed = (fn: () => number): [number, number] => {
    const t = performance.now();
    const n = fn();
    return [(EVENTS * SPEC.length) / ((performance.now() - t) / 1000), n];
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  runEngine();
  runClosures();
  const engineRates: number[] = [];
  const jsRates: number[] = [];
  let engineMatches = 0;
  let jsMatches = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let r = timed(runEngine);
    engineRates.push(r[0]);
    engineMatches = r[1];
    r = timed(runClosures);
    jsRates.push(r[0]);
    jsMatches = r[1];
  }
  const engineRate = median(engineRates);
  const jsRate = median(jsRates);
  if (jsMatches !== engineMatches) throw new Error(`engine found ${engineMatches} matches, closures ${jsMatches}`);

  // json-rules-engine on a slice (it is far slower), same 20 conditions.
  const ops: Record<string, string> = {
    '>': 'greaterThan',
    '<': 'lessThan',
    '>=': 'greaterThanInclusive',
    '<=': 'lessThanInclusive',
    '==': 'equal',
  };
  const jre = new Engine(
    SPEC.map((s, i) => ({
      conditions: { all: s.all.map(([fact, op, value]) => ({ fact, operator: ops[op], value })) },
      event: { type: `r${i}` },
    })),
    { allowUndefinedFacts: true },
  );
  let t0 = performance.now();
  let jreMatches = 0;
  for (const e of events.slice(0, JRE_EVENTS)) jreMatches += (await jre.run(e.payload)).events.length;
  const jreRate = (JRE_EVENTS * SPEC.length) / ((performance.now() - t0) / 1000);
  const sliceMatches = events.slice(0, JRE_EVENTS).reduce((n, e) => n + SPEC.filter((s) => s.js(e.payload)).length, 0);
  if (jreMatches !== sliceMatches)
    throw new Error(`json-rules-engine found ${jreMatches} matches, closures ${sliceMatches}`);

  // Mixed kinds with state: 10 immediate, 5 sequence, 5 aggregate (in-memory store, as backtests run).
  const mixed = [
    ...immediate.slice(0, 10),
    ...SPEC.slice(10, 15).map((s, i) =>
      compile({ name: `q${i}`, kind: 'sequence', condition: s.cel, minCount: 3, groupBy: ['user_id'] }, `q${i}`),
    ),
    ...['count', 'sum', 'avg', 'max', 'p95'].map((fn, i) =>
      compile(
        {
          name: `a${i}`,
          kind: 'aggregate',
          aggregate: fn === 'count' ? { fn } : { fn, field: 'latency_ms' },
          window: '1m',
          op: '>',
          threshold: fn === 'count' ? 50 : 1e9,
          groupBy: ['service'],
        },
        `a${i}`,
      ),
    ),
  ];
  const store = new MemoryStateStore();
  const mixedEvents = events.slice(0, Math.min(EVENTS, 200_000));
  t0 = performance.now();
  for (let i = 0, seq = 1; i < mixedEvents.length; i += BATCH, seq++) {
    const chunk = mixedEvents.slice(i, i + BATCH);
    const r = evaluateBatch(mixed, chunk, await store.load(batchStateKeys(mixed, chunk)), seq);
    await store.save(r.saves);
  }
  const mixedRate = mixedEvents.length / ((performance.now() - t0) / 1000);

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  process.stdout.write(
    [
      '',
      `Anom engine benchmark (${new Date().toISOString()}, node ${process.version}, ${SPEC.length} conditions)`,
      `  engine (CEL, evaluateBatch):   ${fmt(engineRate)} evaluations/s on ${fmt(EVENTS)} events ` +
        `(${fmt(engineMatches)} matches; median of ${ROUNDS} rounds: ` +
        `${engineRates.map((r) => fmt(r / 1e6)).join(', ')} M)`,
      `  hand-written closures:         ${fmt(jsRate)} evaluations/s (rounds: ` +
        `${jsRates.map((r) => fmt(r / 1e6)).join(', ')} M)`,
      `  json-rules-engine:             ${fmt(jreRate)} evaluations/s on ${fmt(JRE_EVENTS)} events`,
      `  engine / closures:             ${(engineRate / jsRate).toFixed(2)}   (target >= 0.5)`,
      `  engine / json-rules-engine:    ${(engineRate / jreRate).toFixed(0)}   (target >= 100)`,
      `  mixed kinds with state:        ${fmt(mixedRate)} events/s (10 immediate, 5 sequence, 5 aggregate; ` +
        `${fmt(mixedEvents.length)} events, in-memory state)`,
      '',
    ].join('\n'),
  );
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
