import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fake-api';
import { alertFixture } from '../test/fixtures';
import { renderAt } from '../test/render';
import { AlertDetailPage } from './alert-detail-page';

const alert = { ...alertFixture(), history: [], eventIds: [], notifications: [], silences: [] };
const points = Array.from({ length: 40 }, (_, i) => ({
  eventId: `e${i}`,
  eventTime: new Date(Date.parse('2026-11-20T09:00:00Z') + i * 60_000).toISOString(),
  value: i === 30 ? 170 : 70 + (i % 3),
  score: i < 5 ? null : i === 30 ? 0.92 : 0.1,
  match: i === 30,
}));

describe('a baseline alert’s anomaly score', () => {
  it('charts the score of the group’s events around the alert, with the threshold, for a baseline rule', async () => {
    fakeApi({
      'GET /alerts/a1': { body: alert },
      'GET /businesses/vitals': { body: { id: 'vitals', name: 'Vitals', fields: [] } },
      'GET /rules/r1': { body: { id: 'r1', name: 'Pulse off baseline', kind: 'baseline', field: 'heart_rate' } },
      'GET /alerts/a1/scores': { body: { alertId: 'a1', field: 'heart_rate', threshold: 0.5, points } },
    });
    renderAt(<AlertDetailPage />, { path: '/alerts/a1', pattern: '/alerts/:alertId' });
    expect(await screen.findByText('Anomaly score around the alert')).toBeInTheDocument();
    expect(await screen.findByLabelText('anomaly score of 40 events, highest 0.92')).toBeInTheDocument();
    expect(screen.getByTestId('score-caption')).toHaveTextContent(/passed 0.5 \(the dashed line\)/);
  });

  it('shows no score chart for the alerts of other rule kinds', async () => {
    const calls = fakeApi({
      'GET /alerts/a1': { body: alert },
      'GET /businesses/vitals': { body: { id: 'vitals', name: 'Vitals', fields: [] } },
      'GET /rules/r1': { body: { id: 'r1', name: 'Fast pulse', kind: 'immediate' } },
    });
    renderAt(<AlertDetailPage />, { path: '/alerts/a1', pattern: '/alerts/:alertId' });
    expect(await screen.findByText(/Fast pulse v/)).toBeInTheDocument();
    expect(screen.queryByText('Anomaly score around the alert')).not.toBeInTheDocument();
    expect(calls.some((c) => c.url.startsWith('/alerts/a1/scores'))).toBe(false);
  });
});
