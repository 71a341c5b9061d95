/**
 * `npm run bench:nab`: the baseline rule on the Numenta Anomaly Benchmark.
 *
 * For every CSV under ../shared/data/nab/data/<category>/ (timestamp,value),
 * one `baseline` rule — the same for every file, no per-file parameters — runs
 * over the series through the engine's backtest (evaluateBatch with in-memory
 * state and the alert lifecycle on event time: causal, each point judged only
 * from the points before it). Each alert the rule opens is a detection (score
 * 1 at that row, 0 elsewhere), written to <out>/<category>/<file>.csv; then
 * ../shared/tools/nab_score.py scores the folder and its standard, low-FP and
 * low-FN profile lines are printed.
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

const fields: FieldDefinition[] = [
  { name: 'timestamp', type: 'timestamp', required: true },
  { name: 'value', type: 'number' },
];

function main(): void {
  const parsed = parseRuleDefinition(NAB_RULE, fields);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  fs.rmSync(OUT, { recursive: true, force: true });
  let files = 0;
  let detections = 0;
  const started = performance.now();
  for (const category of fs.readdirSync(path.join(NAB, 'data')).sort()) {
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
      // A fresh compile per series: nothing learnt on one file carries to the next.
      const rule = compileRule({ id: `nab-${category}-${file}`, version: 1, definition: parsed.definition }, fields);
      const opened = new Set(backtest(rule, events).alerts.map((a) => a.startTime.getTime()));
      const out = [
        'timestamp,anomaly_score',
        ...events.map((e, i) => `${stamps[i]},${opened.has(e.eventTime.getTime()) ? 1 : 0}`),
      ];
      fs.mkdirSync(path.join(OUT, category), { recursive: true });
      fs.writeFileSync(path.join(OUT, category, file), `${out.join('\n')}\n`);
      files++;
      detections += opened.size;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const score = spawnSync('python3', [path.join(NAB, '../../tools/nab_score.py'), '--nab', NAB, '--detections', OUT], {
    encoding: 'utf8',
  });
  if (score.status !== 0) throw new Error(`nab_score.py failed:\n${score.stderr}`);
  process.stdout.write(
    `\nAnom NAB benchmark (${new Date().toISOString()}): baseline rule ${JSON.stringify(NAB_RULE)}\n`,
  );
  process.stdout.write(
    `  ${files} series, ${detections} detections in ${seconds.toFixed(1)} s; detections in ${OUT}\n\n${score.stdout}`,
  );
}

if (require.main === module) main();
