/**
 * Axis formats chosen from the range shown, as Grafana does (its `dateTimeFormat` picks the tick
 * format from the span: seconds under a few minutes, hours and minutes within a day, dates with
 * times within a month, dates beyond): ticks stay short and never repeat "12 PM" without a date.
 * Times are the person's own time zone and locale.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How a tick at time `d` (a Date) is labelled on an axis spanning `rangeMs` (ms) with buckets of `stepMs`. */
export function timeTickFormat(rangeMs: number, stepMs = 0, locale?: string): (d: Date) => string {
  const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, o);
  const hm = fmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const hms = fmt({ hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const day = fmt({ month: 'short', day: 'numeric' });
  const month = fmt({ month: 'short', year: 'numeric' });
  const midnight = (d: Date) => d.getHours() === 0 && d.getMinutes() === 0;
  // Seconds only where ticks can fall between minutes: ranges of a few minutes, or buckets under a minute on them.
  if (rangeMs <= 10 * 60_000 && (stepMs === 0 || stepMs < 60_000)) return (d) => hms.format(d);
  if (rangeMs <= DAY) return (d) => (midnight(d) ? day.format(d) : hm.format(d));
  if (rangeMs <= 31 * DAY) return (d) => (midnight(d) ? day.format(d) : `${day.format(d)} ${hm.format(d)}`);
  if (rangeMs <= 366 * DAY) return (d) => day.format(d);
  return (d) => month.format(d);
}

/** A tooltip's full time: date, hours, minutes (and seconds when buckets are shorter than a minute). */
export function timeTooltipFormat(stepMs: number, locale?: string): (d: Date) => string {
  const f = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: stepMs < 60_000 ? 'medium' : 'short',
  });
  return (d) => f.format(d);
}

/**
 * A time axis's `valueFormatter` over `rangeMs` with buckets of `stepMs`: ticks by timeTickFormat, tooltips (any
 * other location) by timeTooltipFormat.
 */
export function timeAxisFormatter(rangeMs: number, stepMs = 0): (d: Date, ctx: { location: string }) => string {
  const tick = timeTickFormat(rangeMs, stepMs);
  const full = timeTooltipFormat(stepMs);
  return (d, ctx) => (ctx.location === 'tick' ? tick(d) : full(d));
}

/** Y-axis ticks compactly ("1.2K", "35M"), so a narrow axis never cuts a label to "10,…". */
export function compactNumber(locale?: string): (v: number) => string {
  const f = new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 });
  return (v) => f.format(v);
}

/** Which of `n` band-scale buckets get a tick: about `labels` of them, evenly spaced. */
export function everyNth(n: number, labels = 8): (value: unknown, index: number) => boolean {
  const k = Math.max(1, Math.ceil(n / labels));
  return (_v, i) => i % k === 0;
}

/**
 * The buckets of a band (bar) time axis that get a tick: over more than two days, the first bucket of
 * each local day (labelled with its date), thinned to at most `labels`; otherwise evenly spaced ones.
 */
export function bandTicks(buckets: readonly Date[], labels = 8): (value: Date, index: number) => boolean {
  const span = buckets.length > 1 ? buckets[buckets.length - 1].getTime() - buckets[0].getTime() : 0;
  if (span <= 2 * DAY) return everyNth(buckets.length, labels);
  const firsts = new Set<number>();
  buckets.forEach((d, i) => {
    if (i === 0 || d.toDateString() !== buckets[i - 1].toDateString()) firsts.add(i);
  });
  const days = [...firsts];
  const k = Math.max(1, Math.ceil(days.length / labels));
  const kept = new Set(days.filter((_, j) => j % k === 0));
  return (_v, i) => kept.has(i);
}

/**
 * Points of a series worth a mark: those with a value whose neighbours have none (an isolated
 * bucket draws no line segment and would vanish without one), or every point when there are few.
 */
export function isolatedPoints(data: readonly (number | null)[]): (index: number) => boolean {
  const present = (i: number) => i >= 0 && i < data.length && data[i] !== null;
  const few = data.filter((v) => v !== null).length < 3;
  return (i) => present(i) && (few || (!present(i - 1) && !present(i + 1)));
}
