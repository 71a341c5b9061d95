/**
 * `npm run bench:nab`: the baseline rule on the Numenta Anomaly Benchmark, with an honest protocol.
 *
 * For every CSV under ../shared/data/nab/data/<category>/ (timestamp,value), one `baseline` rule — the same for
 * every file, no per-file parameters — runs over the series through the model the engine runs (stepBaseline, with the
 * configuration the engine builds from the stored rule: causal, each value judged only from the values before it, a
 * fresh state per series). Each row gets the rule's anomaly score in [0, 1] — the score an alert would open with, and
 * 0 while the rule's quiet period after an alarm holds (an open alert absorbs it) — written to
 * <out>/<category>/<file>.csv; ../shared/tools/nab_score.py scores the folder.
 *
 * Printed:
 * - the shipped rule (the baseline defaults: `{ kind: 'baseline', field: 'value' }`) over the whole corpus at the
 *   rule's own alert threshold (ANOMALY_THRESHOLD, 0.5): standard, low-FP and low-FN scores; the same with the
 *   scorer's threshold optimisation (NAB's convention for its published scoreboard); events per second and the bytes
 *   of a group's state (JSON, as the state store keeps it) at the end of each series;
 * - the standard score per category, at the rule's threshold;
 * - leave one category out, over a grid of settings (NAB_GRID): for each of the six scored categories, the setting
 *   that scores best on the other five and its score on the one left out — how much the choice depends on the series
 *   it was made on — and the setting best on all six, which the defaults must be (the bench says so when not).
 *
 * NAB_PROTOCOL=off prints the first part only; NAB_TIMES=index feeds the model made-up timestamps, one a minute.
 * Grid points run in parallel child processes (NAB_JOBS, default the number of CPUs).
 *
 * Published NAB scores (whole corpus, standard, threshold optimised) for reference: ARTime 74.9, Numenta HTM 70.5,
 * CAD OSE 69.9, KNN CAD 58.0, Relative Entropy 54.6, Windowed Gaussian 39.6.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ANOMALY_THRESHOLD,
  baselineConfig,
  parseRuleDefinition,
  stepBaseline,
  type BaselineState,
  type FieldDefinition,
} from '@anom/domain';
import type { BaselineRule } from '@anom/contracts';

const NAB = path.resolve(process.env.NAB_DIR ?? path.join(__dirname, '../../shared/data/nab'));
const OUT = path.resolve(process.env.NAB_OUT ?? path.join(os.tmpdir(), 'anom-nab'));
const SCORER = path.join(__dirname, '../../shared/tools/nab_score.py');

/**
 * NAB_TIMES=index: the model sees every series as one value a minute from 2020-01-01 (the scores are written against
 * the real timestamps): how the rule does on series without meaningful timestamps, where a daily profile is noise.
 */
const INDEX_TIMES = process.env.NAB_TIMES === 'index';

/** The shipped rule: every option at the baseline defaults (BASELINE_DEFAULTS). */
export const NAB_RULE = { name: 'Off baseline', kind: 'baseline', field: 'value', severity: 'medium' };

/** The settings the protocol chooses among: the defaults (first) and variations of one option each. */
const NAB_GRID: Record<string, unknown>[] = [
  {},
  { sensitivity: 5 },
  { sensitivity: 6 },
  { sensitivity: 7 },
  { contextWindow: 24 },
  { contextWindow: null },
  { quietPeriod: 50 },
  { quietPeriod: 100 },
];

const fields: FieldDefinition[] = [
  { name: 'timestamp', type: 'timestamp', required: true },
  { name: 'value', type: 'number' },
];

interface Series {
  category: string;
  file: string;
  stamps: string[];
  times: number[];
  values: number[];
}

export function loadCorpus(): Series[] {
  const out: Series[] = [];
  for (const category of fs.readdirSync(path.join(NAB, 'data')).sort())
    for (const file of fs
      .readdirSync(path.join(NAB, 'data', category))
      .filter((f) => f.endsWith('.csv'))
      .sort()) {
      const rows = fs
        .readFileSync(path.join(NAB, 'data', category, file), 'utf8')
        .trim()
        .split('\n')
        .slice(1);
      const s: Series = { category, file, stamps: [], times: [], values: [] };
      for (const line of rows) {
        const [ts, value] = line.split(',');
        s.stamps.push(ts);
        s.times.push(Date.parse(`${ts.replace(' ', 'T')}Z`));
        s.values.push(Number(value));
      }
      out.push(s);
    }
  return out;
}

interface Detection {
  alerts: number;
  rows: number;
  seconds: number;
  /** JSON bytes of each series' group state after its last value. */
  stateBytes: number[];
}

/** Runs `rule` over every series, writing each row's score under `dir`. */
export function detect(rule: object, corpus: Series[], dir: string): Detection {
  const parsed = parseRuleDefinition(rule, fields);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const config = baselineConfig(parsed.definition as BaselineRule, 'UTC', 0);
  fs.rmSync(dir, { recursive: true, force: true });
  const result: Detection = { alerts: 0, rows: 0, seconds: 0, stateBytes: [] };
  for (const { category, file, stamps, times, values } of corpus) {
    const started = performance.now();
    let state: BaselineState | undefined;
    const scores = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const wasOpen = state?.holding ?? false;
      const t = INDEX_TIMES ? Date.UTC(2020, 0, 1) + i * 60_000 : times[i];
      const r = stepBaseline(config, state, { id: String(i), t, value: values[i] });
      state = r.state;
      scores[i] = r.quiet ? 0 : (r.anomalyScore ?? 0);
      if (!wasOpen && r.signals.some((s) => s.type === 'match')) result.alerts++;
    }
    result.seconds += (performance.now() - started) / 1000;
    result.rows += values.length;
    result.stateBytes.push(Buffer.byteLength(JSON.stringify(state)));
    const out = ['timestamp,anomaly_score', ...stamps.map((ts, i) => `${ts},${scores[i].toFixed(6)}`)];
    fs.mkdirSync(path.join(dir, category), { recursive: true });
    fs.writeFileSync(path.join(dir, category, file), `${out.join('\n')}\n`);
  }
  return result;
}

type Profile = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';
type Scores = Record<Profile, number> & { threshold: number | null };

/**
 * The scorer's normalised scores of the detections in `dir` over `subset` (categories; the whole corpus when absent),
 * at `threshold`, or at the threshold the scorer finds best per profile when null.
 */
export function score(dir: string, subset: string[] | undefined, threshold: number | null): Scores {
  const args = [SCORER, '--nab', NAB, '--detections', dir, '--json'];
  if (subset) args.push('--subset', subset.join(','));
  if (threshold !== null) args.push('--threshold', String(threshold));
  const r = spawnSync('python3', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`nab_score.py failed:\n${r.stderr}`);
  const p = (JSON.parse(r.stdout) as { profiles: Record<Profile, { score: number; threshold: number | null }> })
    .profiles;
  return {
    standard: p.standard.score,
    reward_low_FP_rate: p.reward_low_FP_rate.score,
    reward_low_FN_rate: p.reward_low_FN_rate.score,
    threshold: p.standard.threshold,
  };
}

/** The categories with labelled windows (artificialNoAnomaly has none: it only adds false alarms to the corpus). */
export function scoredCategories(): string[] {
  const windows = JSON.parse(fs.readFileSync(path.join(NAB, 'labels/combined_windows.json'), 'utf8')) as Record<
    string,
    unknown[]
  >;
  const cats = new Set(
    Object.entries(windows)
      .filter(([, w]) => w.length > 0)
      .map(([f]) => f.split('/')[0]),
  );
  return [...cats].sort();
}

const fmt = (x: number) => x.toFixed(1).padStart(6);
const describe = (g: Record<string, unknown>) =>
  Object.keys(g).length === 0
    ? 'the defaults'
    : Object.entries(g)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
const profiles = (s: Scores) =>
  `standard ${s.standard.toFixed(2)}, low FP ${s.reward_low_FP_rate.toFixed(2)}, ` +
  `low FN ${s.reward_low_FN_rate.toFixed(2)}`;

/** Runs grid point `i` in a child process (this file, NAB_GRID_POINT set); resolves once its scores are written. */
function detectInChild(i: number, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, __filename], {
      env: { ...process.env, NAB_GRID_POINT: String(i), NAB_GRID_DIR: dir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`grid point ${i} exited ${code}`))));
  });
}

async function protocol(corpus: Series[], categories: string[], out: (s: string) => void): Promise<void> {
  out(`\n  leave-one-category-out over ${NAB_GRID.length} settings (${categories.length} folds), threshold 0.5`);
  const jobs = Number(process.env.NAB_JOBS ?? os.availableParallelism());
  const dirs = NAB_GRID.map((_, i) => path.join(OUT, `../anom-nab-grid-${i}`));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, NAB_GRID.length) }, async () => {
      while (next < NAB_GRID.length) {
        const i = next++;
        await detectInChild(i, dirs[i]);
      }
    }),
  );
  const perGrid = NAB_GRID.map((g, i) => {
    const cat = new Map(categories.map((c) => [c, score(dirs[i], [c], ANOMALY_THRESHOLD).standard]));
    const without = new Map(
      categories.map((c) => [
        c,
        score(
          dirs[i],
          categories.filter((x) => x !== c),
          ANOMALY_THRESHOLD,
        ).standard,
      ]),
    );
    const all = score(dirs[i], categories, ANOMALY_THRESHOLD).standard;
    fs.rmSync(dirs[i], { recursive: true, force: true });
    out(`    grid ${i}: ${describe(g).padEnd(28)} six categories ${fmt(all)}`);
    return { i, g, cat, without, all };
  });
  out(`\n    ${'left out'.padEnd(24)} ${'setting chosen on the other five'.padEnd(28)}   five  left out`);
  const held: number[] = [];
  for (const c of categories) {
    const best = perGrid.reduce((a, b) => (b.without.get(c)! > a.without.get(c)! ? b : a));
    held.push(best.cat.get(c)!);
    out(`    ${c.padEnd(24)} ${describe(best.g).padEnd(28)} ${fmt(best.without.get(c)!)} ${fmt(best.cat.get(c)!)}`);
  }
  const inSample = perGrid.reduce((a, b) => (b.all > a.all ? b : a));
  const mean = held.reduce((a, b) => a + b, 0) / held.length;
  const inSampleMean = categories.reduce((a, c) => a + inSample.cat.get(c)!, 0) / categories.length;
  out(
    `\n    held-out mean ${mean.toFixed(2)}; in-sample mean of the setting best on all six ` +
      `(${describe(inSample.g)}): ${inSampleMean.toFixed(2)}`,
  );
  out(
    inSample.i === 0
      ? '    the shipped defaults are the setting the protocol chooses on all six'
      : `    NOTE: the protocol chooses ${describe(inSample.g)} on all six, not the shipped defaults`,
  );
}

async function main(): Promise<void> {
  const corpus = loadCorpus();
  if (process.env.NAB_GRID_POINT !== undefined) {
    detect({ ...NAB_RULE, ...NAB_GRID[Number(process.env.NAB_GRID_POINT)] }, corpus, process.env.NAB_GRID_DIR!);
    return;
  }
  const categories = scoredCategories();
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const shipped = detect(NAB_RULE, corpus, OUT);
  const parsed = parseRuleDefinition(NAB_RULE, fields);
  out(`\nAnom NAB benchmark (${new Date().toISOString()})`);
  out(`  rule: ${JSON.stringify(parsed.ok ? parsed.definition : NAB_RULE)}`);
  const bytes = [...shipped.stateBytes].sort((a, b) => a - b);
  out(
    `  ${corpus.length} series, ${shipped.rows} events, ${shipped.alerts} alerts in ${shipped.seconds.toFixed(1)} s ` +
      `(${Math.round(shipped.rows / shipped.seconds).toLocaleString('en-US')} events/s); state per group ` +
      `${(bytes[bytes.length >> 1] / 1024).toFixed(1)} KB median, ${(bytes[bytes.length - 1] / 1024).toFixed(1)} KB ` +
      `largest; scores in ${OUT}`,
  );
  out(`  whole corpus, threshold 0.5 (the rule's): ${profiles(score(OUT, undefined, ANOMALY_THRESHOLD))}`);
  const optimised = score(OUT, undefined, null);
  out(`  whole corpus, threshold optimised by the scorer (${optimised.threshold}): ${profiles(optimised)}`);
  out('\n  per category (standard, threshold 0.5)');
  for (const c of categories) out(`    ${c.padEnd(24)} ${fmt(score(OUT, [c], ANOMALY_THRESHOLD).standard)}`);
  if (process.env.NAB_PROTOCOL !== 'off') await protocol(corpus, categories, out);
}

if (require.main === module)
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
