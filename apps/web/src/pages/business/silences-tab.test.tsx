import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../../test/fake-api';
import { renderAt } from '../../test/render';
import type { Business } from '../../api/models';
import { SilencesTab } from './silences-tab';

const business: Business = {
  id: 'vitals',
  name: 'Vitals',
  description: '',
  timezone: 'UTC',
  timestampField: 'timestamp',
  entityKeyFields: [],
  retentionDays: 30,
  compressAfterDays: 7,
  archive: false,
  provisioned: false,
  fields: [],
  schemaVersion: 1,
  archivedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const base = {
  businessId: 'vitals',
  groupKey: {},
  startsAt: '2026-11-20T09:00:00Z',
  endsAt: '2026-11-20T12:00:00Z',
  createdBy: 'admin',
  createdAt: '2026-11-20T09:00:00Z',
};
const active = {
  ...base,
  id: 's1',
  ruleId: 'r1',
  groupKey: { user_id: 'u1' },
  comment: 'device swap',
  state: 'active',
};
const ended = { ...base, id: 's2', ruleId: null, comment: 'last night’s maintenance', state: 'expired' };

describe('SilencesTab', () => {
  it('lists the silences in force with the rule they mute, the ended ones on request (without Expire)', async () => {
    const calls = fakeApi({
      'GET /businesses/vitals/rules': { body: { items: [{ id: 'r1', name: 'Fast pulse' }], nextCursor: null } },
      'GET /businesses/vitals/silences': (req) => ({
        body: {
          items: new URL(req.url).searchParams.get('state')?.includes('expired') ? [active, ended] : [active],
          nextCursor: null,
        },
      }),
    });
    const { default: userEvent } = await import('@testing-library/user-event');
    renderAt(<SilencesTab business={business} />);
    const table = await screen.findByRole('table', { name: 'silences' });
    await within(table).findByText('Fast pulse, user_id=u1');
    expect(calls.find((c) => c.url.startsWith('/businesses/vitals/silences'))?.url).toContain('state=active%2Cpending');
    await userEvent.click(screen.getByLabelText('Show ended ones'));
    await screen.findByText('last night’s maintenance');
    const rows = within(screen.getByRole('table', { name: 'silences' })).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByRole('button', { name: 'Expire' })).toBeInTheDocument();
    expect(within(rows[2]).queryByRole('button', { name: 'Expire' })).toBeNull();
    await waitFor(() => expect(calls.some((c) => c.url.includes('expired'))).toBe(true));
  });
});
