import { describe, expect, it } from 'vitest';
import { bandTicks, compactNumber, everyNth, isolatedPoints, timeTickFormat } from './chart-axes';

const HOUR = 3_600_000;
// Local times, as the axes show them.
const at = (day: number, h: number, m = 0) => new Date(2026, 11, day, h, m);

describe('chart axes', () => {
  it('labels ticks by the range: times within a day, dates with times within a month, dates beyond', () => {
    expect(timeTickFormat(5 * 60_000, 10_000, 'en-US')(at(6, 14, 5))).toBe('14:05:00');
    expect(timeTickFormat(HOUR, 30_000, 'en-US')(at(6, 14, 5))).toBe('14:05');
    expect(timeTickFormat(6 * HOUR, 60_000, 'en-US')(at(6, 14, 5))).toBe('14:05');
    expect(timeTickFormat(6 * HOUR, 60_000, 'en-US')(at(6, 0))).toBe('Dec 6');
    // Seven days: never "12 PM" without the date it belongs to.
    const week = timeTickFormat(7 * 24 * HOUR, HOUR, 'en-US');
    expect(week(at(3, 12))).toBe('Dec 3 12:00');
    expect(week(at(4, 12))).toBe('Dec 4 12:00');
    expect(week(at(4, 0))).toBe('Dec 4');
    expect(timeTickFormat(90 * 24 * HOUR, 24 * HOUR, 'en-US')(at(4, 0))).toBe('Dec 4');
    expect(timeTickFormat(800 * 24 * HOUR, 24 * HOUR, 'en-US')(at(4, 0))).toBe('Dec 2026');
  });

  it('shortens y-axis numbers and spaces band labels', () => {
    expect(compactNumber('en-US')(10_450)).toBe('10.5K');
    expect(compactNumber('en-US')(12)).toBe('12');
    const keep = everyNth(168, 8);
    expect(Array.from({ length: 168 }, (_, i) => keep(null, i)).filter(Boolean)).toHaveLength(8);
    // Seven days of 3-hour bars: one tick per day, on its first bar.
    const bars = Array.from({ length: 56 }, (_, i) => at(1, 0 + 3 * i));
    const ticked = bars.filter((d, i) => bandTicks(bars)(d, i));
    expect(ticked.map((d) => d.getDate())).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ticked.every((d) => d.getHours() === 0)).toBe(true);
  });

  it('marks the points a line cannot show: isolated ones, or all of a short series', () => {
    const mark = isolatedPoints([null, 4, null, 5, 6, null, 7]);
    expect([0, 1, 2, 3, 4, 5, 6].filter(mark)).toEqual([1, 6]);
    expect([0, 1, 2].filter(isolatedPoints([null, 1, 2]))).toEqual([1, 2]);
  });
});

describe('the alert markers caption', () => {
  it('says which line is this alert and which are the others', async () => {
    const { alertCaption } = await import('./series-chart');
    expect(alertCaption(1, true)).toBe("The solid line marks this alert's start.");
    expect(alertCaption(3, true)).toBe(
      "The solid line marks this alert's start; dashed lines mark 2 other alerts started in this range.",
    );
    expect(alertCaption(2, false)).toBe('Dashed lines mark 2 alerts started in this range.');
  });
});
