import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fake-api';
import { alertFixture } from '../test/fixtures';
import { renderAt } from '../test/render';
import { AlertsPage } from './alerts-page';

const alert = alertFixture({
  count: 5,
  endTime: '2026-11-20T10:04:00Z',
  firstSeenAt: '2026-11-20T10:04:00Z',
  lastSeenAt: '2026-11-20T10:04:00Z',
  summary: 'Tachycardia at rest',
});

describe('AlertsPage', () => {
  it('takes its filters from the URL, so a filtered list can be shared', async () => {
    const calls = fakeApi({
      'GET /alerts': { body: { items: [alert], nextCursor: null } },
      'GET /businesses': { body: { items: [], nextCursor: null } },
      'GET /businesses/vitals/rules': { body: { items: [], nextCursor: null } },
    });
    renderAt(<AlertsPage />, { path: '/alerts?businessId=vitals&status=open&severity=high' });
    expect(await screen.findByText('Tachycardia at rest')).toBeInTheDocument();
    const list = calls.find((c) => c.url.startsWith('/alerts'));
    expect(list?.url).toContain('businessId=vitals');
    expect(list?.url).toContain('status=open');
    expect(list?.url).toContain('severity=high');
  });

  it('marks the alerts a silence mutes', async () => {
    fakeApi({
      'GET /alerts': {
        body: {
          items: [
            { ...alert, silenced: true },
            { ...alert, id: 'a2', summary: 'Second', silenced: false },
          ],
          nextCursor: null,
        },
      },
      'GET /businesses': { body: { items: [], nextCursor: null } },
    });
    renderAt(<AlertsPage />, { path: '/alerts' });
    expect(await screen.findByText('Tachycardia at rest')).toBeInTheDocument();
    expect(screen.getAllByText('muted')).toHaveLength(1);
  });

  it('shows an empty state and an error from the api', async () => {
    fakeApi({
      'GET /alerts': {
        status: 400,
        body: { title: 'Bad request', status: 400, detail: 'from must be an ISO 8601 time' },
      },
      'GET /businesses': { body: { items: [], nextCursor: null } },
    });
    renderAt(<AlertsPage />, { path: '/alerts?from=soon' });
    expect(await screen.findByText(/from must be an ISO 8601 time/)).toBeInTheDocument();
  });

  it('acknowledges the selected open alerts in one request', async () => {
    const calls = fakeApi({
      'GET /alerts': { body: { items: [alert, { ...alert, id: 'a2', summary: 'Second' }], nextCursor: null } },
      'GET /businesses': { body: { items: [], nextCursor: null } },
      'POST /alerts/acknowledge': { body: { acknowledged: [alert], skipped: [] } },
    });
    const { default: userEvent } = await import('@testing-library/user-event');
    renderAt(<AlertsPage />, { path: '/alerts' });
    await userEvent.click(await screen.findByLabelText('select all open alerts'));
    await userEvent.click(screen.getByRole('button', { name: /Acknowledge 2/ }));
    await userEvent.type(screen.getByLabelText(/Note/), 'maintenance');
    await userEvent.click(screen.getByRole('button', { name: 'Acknowledge' }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ ids: ['a1', 'a2'], note: 'maintenance' }),
    );
  });
});
