import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fake-api';
import { renderAt } from '../test/render';
import { SuggestionsPage } from './suggestions-page';

const business = (id: string, name: string) => ({ id, name });
const overview = (businessId: string, pendingSuggestions: number) => ({
  businessId,
  name: businessId,
  description: '',
  eventsLastHour: 0,
  ratePerMinute: 0,
  lastReceivedAt: null,
  lastEventAt: null,
  openAlerts: {},
  pendingSuggestions,
  spark: [],
});
const suggestion = (id: string, kind: string, rule: Record<string, unknown>, evidence: Record<string, unknown>) => ({
  id,
  businessId: 'metrics',
  kind,
  key: `${kind}:${id}`,
  rule,
  rationale: 'Because.',
  evidence,
  backtest: {
    from: '2026-12-01T00:00:00Z',
    to: '2026-12-05T00:00:00Z',
    events: 103_680,
    alerts: 3,
    alertsPerDay: 0.75,
    perDay: [
      { day: '2026-12-01', alerts: 1 },
      { day: '2026-12-02', alerts: 0 },
      { day: '2026-12-03', alerts: 2 },
    ],
    resolved: 3,
  },
  status: 'pending',
  createdAt: '2026-12-05T00:00:00Z',
  decidedAt: null,
  decidedBy: null,
  reason: null,
  ruleId: null,
});

describe('SuggestionsPage', () => {
  it('opens on the business with the most suggestions waiting and shows evidence as figures, not JSON', async () => {
    const calls = fakeApi({
      // Alphabetically first, but nothing pending.
      'GET /businesses': {
        body: { items: [business('audit', 'Audit'), business('metrics', 'Metrics')], nextCursor: null },
      },
      'GET /overview': { body: { items: [overview('audit', 0), overview('metrics', 2)], nextCursor: null } },
      'GET /businesses/metrics/profile': { body: null },
      'GET /businesses/metrics/suggestions': {
        body: {
          items: [
            suggestion(
              's1',
              'threshold',
              { name: 'cpu_percent unusually high', kind: 'immediate', condition: 'cpu_percent > 61.5', groupBy: [] },
              {
                field: 'cpu_percent',
                values: 103_680,
                quantiles: { p001: 20.1, p01: 21, p05: 23, p50: 38, p95: 55, p99: 58.9, p999: 61.2 },
                min: 20,
                max: 61.4,
              },
            ),
            suggestion(
              's2',
              'baseline',
              { name: 'latency_ms off its usual for the hour', kind: 'baseline', field: 'latency_ms', groupBy: [] },
              {
                field: 'latency_ms',
                hourOfDayStrength: 0.62,
                hourlyMedians: Array.from({ length: 24 }, (_, h) => 100 + h),
              },
            ),
          ],
          nextCursor: null,
        },
      },
    });
    renderAt(<SuggestionsPage />, { path: '/suggestions' });
    const cards = await screen.findAllByTestId('suggestion');
    expect(calls.some((c) => c.url.startsWith('/businesses/audit/suggestions'))).toBe(false);
    expect(cards).toHaveLength(2);
    const threshold = within(cards[0]).getByTestId('suggestion-evidence');
    expect(within(threshold).getByText('median 38')).toBeInTheDocument();
    expect(within(threshold).getByText(/p99 58.9 · p99.9 61.2 · max 61.4/)).toBeInTheDocument();
    expect(within(threshold).getByText('alert at 61.5')).toBeInTheDocument();
    expect(threshold.textContent).not.toContain('{');
    const seasonal = within(cards[1]).getByTestId('suggestion-evidence');
    expect(within(seasonal).getByText(/explains 62% of latency_ms/)).toBeInTheDocument();
    expect(seasonal.textContent).not.toContain('hourlyMedians');
    expect(within(cards[0]).getByTestId('suggestion-backtest').textContent).toContain('0.75 per day');
  });
});
