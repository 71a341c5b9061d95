/**
 * `npm run bench:nab`: the baseline rule on the Numenta Anomaly Benchmark, with an honest protocol.
 *
 * For every CSV under ../shared/data/nab/data/<category>/ (timestamp,value),
 * one `baseline` rule — the same for every file, no per-file parameters — runs
 * over the series through the engine's backtest (evaluateBatch with in-memory
 * state and the alert lifecycle on event time: causal, each point judged only
 * from the points before it). Each alert the rule opens is a detection (score
 * 1 at that row, 0 elsewhere), written to <out>/<category>/<file>.csv; then
 * ../shared/tools/nab_score.py scores the folder.
 *
 * Printed, for the shipped settings (NAB_RULE): the full-corpus standard,
 * low-FP and low-FN scores, events per second, and the standard score per
 * category. Then, over a small grid of settings (NAB_GRID), the
 * leave-one-category-out protocol: for each of the six scored categories, the
 * settings that score best on the other five, and their score on the one left
 * out — how much the choice depends on the series it was made on. Set
 * NAB_PROTOCOL=off to print the first part only (about 45 s instead of 6 min).
 *
 * Published NAB scores (whole corpus) for reference: ARTime 74.9, Numenta
 * HTM 70.5, CAD OSE 69.9, KNN CAD 58.0, Windowed Gaussian 39.6.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { backtest, compileRule, parseRuleDefinition, type EvaluationEvent, type FieldDefinition } from '@anom/domain';

const NAB = path.resolve(process.env.NAB_DIR ?? path.join(__dirname, '../../shared/data/nab'));
const OUT = path.resolve(process.env.NAB_OUT ?? path.join(os.tmpdir(), 'anom-nab'));
const SCORER = path.join(NAB, '../../tools/nab_score.py');

/**
 * The rule: against a learnt daily profile where it explains the series (seasonality auto; residuals in units of their
 * time of day's spread), new highs or lows (by more than a chance record's mean excess) beyond 6 robust σ of the last
 * 1000 values, or of the mean of the last 12 values among such means, or of the mean change over the last 24 among
 * such; an alert stays open while anomalies go on, and a resolved one stays quiet for 12 h.
 */
export const NAB_RULE = {
  name: 'Off baseline',
  kind: 'baseline',
  field: 'value',
  seasonality: 'auto',
  sensitivity: 6,
  historySize: 1000,
  minHistory: 30,
  newExtremesOnly: true,
  meanWindow: 12,
  volatilityWindow: 24,
  resolveAfter: '1h',
  cooldown: '12h',
  allowedLateness: '0s',
  severity: 'medium',
};

/** The settings the leave-one-category-out protocol chooses among: variations of NAB_RULE. */
const NAB_GRID: Partial<typeof NAB_RULE>[] = [
  { sensitivity: 4.5 },
  { sensitivity: 6 },
  { sensitivity: 7.5 },
  { sensitivity: 6, cooldown: '4h' },
  { sensitivity: 6, newExtremesOnly: false },
  { sensitivity: 6, seasonality: 'none' },
];

const fields: FieldDefinition[] = [
  { name: 'timestamp', type: 'timestamp', required: true },
  { name: 'value', type: 'number' },
];

interface Series {
  category: string;
  file: string;
  stamps: string[];
  events: EvaluationEvent[];
}

function loadCorpus(): Series[] {
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
      const stamps: string[] = [];
      const events: EvaluationEvent[] = rows.map((line, i) => {
        const [ts, value] = line.split(',');
        stamps.push(ts);
        return {
          id: String(i),
          eventTime: new Date(`${ts.replace(' ', 'T')}Z`),
          payload: { timestamp: ts, value: Number(value) },
        };
      });
      out.push({ category, file, stamps, events });
    }
  return out;
}

/** Runs `rule` over every series, writing its detections under `dir`; returns detections, rows and seconds. */
function detect(rule: object, corpus: Series[], dir: string): { detections: number; rows: number; seconds: number } {
  const parsed = parseRuleDefinition(rule, fields);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  fs.rmSync(dir, { recursive: true, force: true });
  let detections = 0;
  let rows = 0;
  const started = performance.now();
  for (const { category, file, stamps, events } of corpus) {
    // A fresh compile per series: nothing learnt on one file carries to the next.
    const compiled = compileRule({ id: `nab-${category}-${file}`, version: 1, definition: parsed.definition }, fields);
    const opened = new Set(backtest(compiled, events).alerts.map((a) => a.startTime.getTime()));
    const out = [
      'timestamp,anomaly_score',
      ...events.map((e, i) => `${stamps[i]},${opened.has(e.eventTime.getTime()) ? 1 : 0}`),
    ];
    fs.mkdirSync(path.join(dir, category), { recursive: true });
    fs.writeFileSync(path.join(dir, category, file), `${out.join('\n')}\n`);
    detections += opened.size;
    rows += events.length;
  }
  return { detections, rows, seconds: (performance.now() - started) / 1000 };
}

type Profile = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

/** The scorer's normalised scores of the detections in `dir`, over `subset` (categories) or the whole corpus. */
function score(dir: string, subset?: string[]): Record<Profile, number> {
  const args = [SCORER, '--nab', NAB, '--detections', dir, '--json', ...(subset ? ['--subset', subset.join(',')] : [])];
  const r = spawnSync('python3', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`nab_score.py failed:\n${r.stderr}`);
  const report = JSON.parse(r.stdout) as { profiles: Record<Profile, { score: number }> };
  return {
    standard: report.profiles.standard.score,
    reward_low_FP_rate: report.profiles.reward_low_FP_rate.score,
    reward_low_FN_rate: report.profiles.reward_low_FN_rate.score,
  };
}

/** The categories with labelled windows (artificialNoAnomaly has none: it only adds false alarms to the corpus). */
function scoredCategories(): string[] {
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
const describe = (g: Partial<typeof NAB_RULE>) =>
  Object.entries(g)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

function main(): void {
  const corpus = loadCorpus();
  const categories = scoredCategories();
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const shipped = detect(NAB_RULE, corpus, OUT);
  const full = score(OUT);
  out(`\nAnom NAB benchmark (${new Date().toISOString()}): baseline rule ${JSON.stringify(NAB_RULE)}`);
  out(
    `  ${corpus.length} series, ${shipped.rows} events, ${shipped.detections} detections in ` +
      `${shipped.seconds.toFixed(1)} s (${Math.round(shipped.rows / shipped.seconds).toLocaleString('en-US')} ` +
      `events/s); detections in ${OUT}`,
  );
  out(
    `  full corpus: standard ${full.standard.toFixed(2)}, low FP ${full.reward_low_FP_rate.toFixed(2)}, ` +
      `low FN ${full.reward_low_FN_rate.toFixed(2)}`,
  );
  out('\n  per category (standard)');
  for (const c of categories) out(`    ${c.padEnd(24)} ${fmt(score(OUT, [c]).standard)}`);
  if (process.env.NAB_PROTOCOL === 'off') return;

  // Leave one category out: detections per grid point once, then scored per subset.
  out(`\n  leave-one-category-out over ${NAB_GRID.length} settings (${categories.length} folds)`);
  const perGrid = NAB_GRID.map((g, i) => {
    const dir = path.join(OUT, `../anom-nab-grid-${i}`);
    detect({ ...NAB_RULE, ...g }, corpus, dir);
    const cat = new Map(categories.map((c) => [c, score(dir, [c]).standard]));
    const without = new Map(
      categories.map((c) => [
        c,
        score(
          dir,
          categories.filter((x) => x !== c),
        ).standard,
      ]),
    );
    const all = score(dir, categories).standard;
    fs.rmSync(dir, { recursive: true, force: true });
    out(`    grid ${i}: ${describe(g).padEnd(40)} scored categories ${fmt(all)}`);
    return { g, cat, without, all };
  });
  out(`\n    ${'left out'.padEnd(24)} ${'settings chosen on the other five'.padEnd(40)}   five  left out`);
  const held: number[] = [];
  for (const c of categories) {
    const best = perGrid.reduce((a, b) => (b.without.get(c)! > a.without.get(c)! ? b : a));
    held.push(best.cat.get(c)!);
    out(`    ${c.padEnd(24)} ${describe(best.g).padEnd(40)} ${fmt(best.without.get(c)!)} ${fmt(best.cat.get(c)!)}`);
  }
  const inSample = perGrid.reduce((a, b) => (b.all > a.all ? b : a));
  const mean = held.reduce((a, b) => a + b, 0) / held.length;
  out(
    `\n    held-out mean ${mean.toFixed(2)}; the same six categories scored in-sample, each by the settings best on ` +
      `all six (${describe(inSample.g)}): mean ${(
        categories.reduce((a, c) => a + inSample.cat.get(c)!, 0) / categories.length
      ).toFixed(2)}`,
  );
}

if (require.main === module) main();
