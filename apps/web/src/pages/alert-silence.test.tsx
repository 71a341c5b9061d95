import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fake-api';
import { alertFixture } from '../test/fixtures';
import { renderAt } from '../test/render';
import { AlertDetailPage } from './alert-detail-page';

const alert = {
  ...alertFixture(),
  history: [],
  eventIds: [],
  notifications: [
    {
      id: 'n1',
      event: 'opened',
      status: 'silenced',
      channel: { id: 'c1', name: 'on-call', kind: 'slack' },
      attempts: [],
      deliveredAt: null,
      lastError: null,
      silenceId: 's1',
    },
  ],
};
const silence = {
  id: 's1',
  businessId: 'vitals',
  ruleId: 'r1',
  groupKey: { user_id: 'u1' },
  startsAt: '2026-11-20T09:00:00Z',
  endsAt: '2026-11-20T12:00:00Z',
  comment: 'device swap',
  createdBy: 'admin',
  createdAt: '2026-11-20T09:00:00Z',
  state: 'active',
};

describe('silencing from an alert', () => {
  it('shows the silence muting the alert and its silenced notification', async () => {
    fakeApi({
      'GET /alerts/a1': { body: { ...alert, silences: [silence] } },
      'GET /businesses/vitals': { body: { id: 'vitals', name: 'Vitals', fields: [] } },
      'GET /rules/r1': { body: { id: 'r1', name: 'Fast pulse' } },
    });
    renderAt(<AlertDetailPage />, { path: '/alerts/a1', pattern: '/alerts/:alertId' });
    expect(await screen.findByText(/Notifications muted until .* by admin: “device swap”/)).toBeInTheDocument();
    expect(screen.getByText('silenced (not sent)')).toBeInTheDocument();
  });

  it('silences the alert’s rule and group for the chosen time, with the reason', async () => {
    const calls = fakeApi({
      'GET /alerts/a1': { body: { ...alert, notifications: [], silences: [] } },
      'GET /businesses/vitals': { body: { id: 'vitals', name: 'Vitals', fields: [] } },
      'GET /rules/r1': { body: { id: 'r1', name: 'Fast pulse' } },
      'POST /businesses/vitals/silences': { status: 201, body: silence },
    });
    const { default: userEvent } = await import('@testing-library/user-event');
    renderAt(<AlertDetailPage />, { path: '/alerts/a1', pattern: '/alerts/:alertId' });
    await userEvent.click(await screen.findByRole('button', { name: 'Silence' }));
    expect(screen.getByText(/Mutes the notifications of alerts of Fast pulse for user_id=u1/)).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Reason/), 'device swap');
    await userEvent.click(screen.getByRole('combobox'));
    await userEvent.click(await screen.findByRole('option', { name: '1 day' }));
    await userEvent.click(screen.getAllByRole('button', { name: 'Silence' }).at(-1)!);
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
        comment: 'device swap',
        duration: '1d',
        ruleId: 'r1',
        groupKey: { user_id: 'u1' },
      }),
    );
  });
});
