import { SERIES_AGGREGATIONS, type InputErrorDetail, type SeriesAggregation } from '@anom/contracts';
import { parseDuration } from '../duration';
import type { FieldDefinition } from '../schema/business-schema';

// The vocabulary is shared with the web app (@anom/contracts).
export { SERIES_AGGREGATIONS };
export type { SeriesAggregation };

export const PANEL_CHARTS = ['line', 'bar'] as const;
export type PanelChart = (typeof PANEL_CHARTS)[number];

/**
 * One chart of a view: `agg` of `field` per time bucket, one series per value
 * of `groupBy` (the busiest groups first). `bucket` is a duration (`1m`, `1h`)
 * or absent for one chosen from the range (see {@link chooseBucketMs}).
 */
export interface ViewPanel {
  title: string;
  field: string | null;
  agg: SeriesAggregation;
  groupBy: string | null;
  bucket: string | null;
  chart: PanelChart;
  /** Only events whose `field` (as text) is one of `values`, e.g. level in [ERROR, FATAL]. */
  filter: SeriesFilter | null;
}

export interface SeriesFilter {
  field: string;
  values: string[];
}

/** Most panels in one view. */
export const MAX_PANELS = 12;
/** Fewest and most milliseconds per bucket a series is drawn with. */
export const MIN_BUCKET_MS = 1_000;
export const MAX_BUCKET_MS = 7 * 86_400_000;

const NUMERIC = new Set(['number', 'integer']);
const GROUPABLE = new Set(['string', 'enum', 'integer', 'boolean']);

/**
 * Checks one series request (a panel, or an ad-hoc query of the views page)
 * against the business's fields. Returns the problems with pointers relative
 * to the panel (`/field`, `/agg`, …); empty when it is valid.
 */
export function checkSeriesSpec(
  p: { field?: string | null; agg?: unknown; groupBy?: string | null; bucket?: string | null; filter?: unknown },
  fields: readonly FieldDefinition[],
): InputErrorDetail[] {
  const errors: InputErrorDetail[] = [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  if (!SERIES_AGGREGATIONS.includes(p.agg as SeriesAggregation)) {
    errors.push({ pointer: '/agg', detail: `must be one of ${SERIES_AGGREGATIONS.join(', ')}` });
  } else if (p.agg !== 'count') {
    const f = p.field ? byName.get(p.field) : undefined;
    if (!p.field) errors.push({ pointer: '/field', detail: `is required for ${String(p.agg)}` });
    else if (!f) errors.push({ pointer: '/field', detail: `no field '${p.field}' in this business` });
    else if (!NUMERIC.has(f.type))
      errors.push({
        pointer: '/field',
        detail: `'${p.field}' is ${f.type}; ${String(p.agg)} needs a number or integer field`,
      });
  } else if (p.field && !byName.has(p.field)) {
    errors.push({ pointer: '/field', detail: `no field '${p.field}' in this business` });
  }
  if (p.groupBy) {
    const g = byName.get(p.groupBy);
    if (!g) errors.push({ pointer: '/groupBy', detail: `no field '${p.groupBy}' in this business` });
    else if (!GROUPABLE.has(g.type))
      errors.push({
        pointer: '/groupBy',
        detail: `'${p.groupBy}' is ${g.type}; group by a string, enum, integer or boolean field`,
      });
  }
  if (p.filter !== undefined && p.filter !== null) {
    const f = p.filter as Partial<SeriesFilter>;
    if (
      typeof f !== 'object' ||
      typeof f.field !== 'string' ||
      !Array.isArray(f.values) ||
      f.values.length === 0 ||
      f.values.some((v) => typeof v !== 'string')
    ) {
      errors.push({ pointer: '/filter', detail: 'must be { field, values: [text, …] } with at least one value' });
    } else {
      const ff = byName.get(f.field);
      if (!ff) errors.push({ pointer: '/filter/field', detail: `no field '${f.field}' in this business` });
      else if (!GROUPABLE.has(ff.type))
        errors.push({
          pointer: '/filter/field',
          detail: `'${f.field}' is ${ff.type}; filter on a string, enum, integer or boolean field`,
        });
    }
  }
  if (p.bucket) {
    const ms = parseDuration(p.bucket);
    if (ms === null) errors.push({ pointer: '/bucket', detail: 'must be a duration such as 1m, 15m, 1h' });
    else if (ms < MIN_BUCKET_MS || ms > MAX_BUCKET_MS)
      errors.push({ pointer: '/bucket', detail: 'must be between 1s and 7d' });
  }
  return errors;
}

/**
 * Parses a view's `panels` array. Returns the normalised panels (defaults:
 * `chart: 'line'`, `groupBy`/`bucket`/`field` null, title from agg and field),
 * or every problem with a pointer such as `/panels/2/field`.
 */
export function parseViewPanels(
  input: unknown,
  fields: readonly FieldDefinition[],
): { ok: true; panels: ViewPanel[] } | { ok: false; errors: InputErrorDetail[] } {
  if (!Array.isArray(input)) return { ok: false, errors: [{ pointer: '/panels', detail: 'must be an array' }] };
  if (input.length === 0 || input.length > MAX_PANELS)
    return { ok: false, errors: [{ pointer: '/panels', detail: `must hold 1 to ${MAX_PANELS} panels` }] };
  const errors: InputErrorDetail[] = [];
  const panels: ViewPanel[] = [];
  input.forEach((raw, i) => {
    const at = `/panels/${i}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      errors.push({ pointer: at, detail: 'must be an object' });
      return;
    }
    const p = raw as Record<string, unknown>;
    for (const k of ['title', 'field', 'groupBy', 'bucket'] as const) {
      if (p[k] !== undefined && p[k] !== null && typeof p[k] !== 'string')
        errors.push({ pointer: `${at}/${k}`, detail: 'must be a string' });
    }
    if (p.chart !== undefined && !PANEL_CHARTS.includes(p.chart as PanelChart))
      errors.push({ pointer: `${at}/chart`, detail: `must be one of ${PANEL_CHARTS.join(', ')}` });
    const spec = {
      field: (p.field as string) || null,
      agg: p.agg,
      groupBy: (p.groupBy as string) || null,
      bucket: (p.bucket as string) || null,
      filter: (p.filter as SeriesFilter | undefined) ?? null,
    };
    const problems = checkSeriesSpec(spec, fields);
    errors.push(...problems.map((e) => ({ pointer: `${at}${e.pointer}`, detail: e.detail })));
    if (problems.length > 0) return;
    const agg = p.agg as SeriesAggregation;
    const title =
      typeof p.title === 'string' && p.title.trim()
        ? p.title.trim()
        : agg === 'count'
          ? 'Events'
          : `${agg}(${spec.field})`;
    const filter = spec.filter ? { field: spec.filter.field, values: [...spec.filter.values] } : null;
    panels.push({ title, ...spec, agg, filter, chart: (p.chart as PanelChart) ?? 'line' });
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, panels };
}

/** Bucket widths a chosen bucket snaps to (milliseconds). */
const NICE_BUCKETS_MS = [1, 5, 10, 15, 30]
  .map((s) => s * 1_000)
  .concat(
    [1, 2, 5, 10, 15, 30].map((m) => m * 60_000),
    [1, 2, 3, 6, 12].map((h) => h * 3_600_000),
    [86_400_000, 7 * 86_400_000],
  );

/**
 * The bucket width (milliseconds) for a range of `rangeMs` so a chart shows
 * about `points` buckets: the smallest of 1s, 5s, 10s, 15s, 30s, 1m, 2m, 5m,
 * 10m, 15m, 30m, 1h, 2h, 3h, 6h, 12h, 1d, 7d that is at least rangeMs / points
 * (the familiar steps of Grafana's interval picker).
 */
export function chooseBucketMs(rangeMs: number, points = 120): number {
  const want = rangeMs / points;
  return NICE_BUCKETS_MS.find((b) => b >= want) ?? MAX_BUCKET_MS;
}
