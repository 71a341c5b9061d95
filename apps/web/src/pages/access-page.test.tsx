import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../test/fake-api';
import { renderAt } from '../test/render';
import { AccessPage } from './access-page';

const key = {
  id: 'k1',
  name: 'prometheus',
  tokenPrefix: 'anomk_abcd',
  scopes: ['read'],
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
  createdBy: 'user:admin@example.com',
  createdAt: '2026-11-29T10:00:00.000Z',
  businessId: null,
};

describe('AccessPage', () => {
  it('creates an API key with its scopes and shows the token once', async () => {
    const calls = fakeApi({
      'GET /users': { body: { items: [], nextCursor: null } },
      'GET /api-keys': { body: { items: [], nextCursor: null } },
      'POST /api-keys': { status: 201, body: { ...key, token: 'anomk_secret-token-value' } },
    });
    renderAt(<AccessPage />);
    await userEvent.type(await screen.findByLabelText(/Key name/), 'prometheus');
    await userEvent.clear(screen.getByLabelText(/Scopes/));
    await userEvent.type(screen.getByLabelText(/Scopes/), 'read, ingest:vitals');
    await userEvent.click(screen.getByRole('button', { name: 'Create key' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText('API key')).toHaveValue('anomk_secret-token-value');
    expect(within(dialog).getByText(/shown only once/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'prometheus',
      scopes: ['read', 'ingest:vitals'],
    });
  });

  it('lists people with their roles and sources among the keys', async () => {
    fakeApi({
      'GET /users': {
        body: {
          items: [
            {
              id: 'u2',
              email: 'rita@example.com',
              displayName: 'Rita',
              role: 'responder',
              oidc: true,
              lockedUntil: null,
              lastSignInAt: null,
              disabledAt: null,
              createdAt: '',
            },
          ],
          nextCursor: null,
        },
      },
      'GET /api-keys': {
        body: {
          items: [{ ...key, name: 'ward-gw', scopes: ['ingest:vitals'], businessId: 'vitals' }],
          nextCursor: null,
        },
      },
    });
    renderAt(<AccessPage />);
    const people = await screen.findByRole('table', { name: 'people' });
    expect(within(people).getByText('rita@example.com')).toBeInTheDocument();
    expect(within(people).getByText('single sign-on')).toBeInTheDocument();
    const keys = await screen.findByRole('table', { name: 'API keys' });
    expect(within(keys).getByText('ingest:vitals')).toBeInTheDocument();
    expect(within(keys).getByText('vitals')).toBeInTheDocument();
  });
});
