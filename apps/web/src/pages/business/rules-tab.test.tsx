import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Business } from '../../api/models';
import { ADMIN_SESSION, fakeApi } from '../../test/fake-api';
import { renderAt } from '../../test/render';
import { RulesTab } from './rules-tab';

const business = {
  id: 'vitals',
  name: 'Vitals',
  archivedAt: null,
  fields: [{ name: 'heart_rate', type: 'number' }],
} as unknown as Business;

const rule = {
  id: 'r1',
  businessId: 'vitals',
  name: 'Tachycardia',
  kind: 'immediate',
  condition: 'heart_rate > 150',
  groupBy: [],
  severity: 'high',
  enabled: true,
  version: 1,
  origin: 'user',
};

const as = (role: string, permissions: string[]) => ({
  'GET /auth/session': { body: { ...ADMIN_SESSION, user: { ...ADMIN_SESSION.user, role }, permissions } },
  'GET /businesses/vitals/rules': { body: { items: [rule], nextCursor: null } },
});

describe('RulesTab offers only what the role may do', () => {
  it('shows a responder the rules without new, edit, delete or the switch', async () => {
    fakeApi(as('responder', ['read', 'respond']));
    renderAt(<RulesTab business={business} />);
    await screen.findByText('Tachycardia');
    expect(screen.queryByRole('link', { name: 'New rule' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'edit Tachycardia' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'delete Tachycardia' })).toBeNull();
    expect(screen.getByRole('switch')).toBeDisabled();
  });

  it('gives an editor all of them', async () => {
    fakeApi(as('editor', ['read', 'respond', 'edit', 'ingest']));
    renderAt(<RulesTab business={business} />);
    expect(await screen.findByRole('link', { name: 'New rule' })).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'edit Tachycardia' })).toBeInTheDocument();
    expect(screen.getByRole('switch')).toBeEnabled();
  });
});
