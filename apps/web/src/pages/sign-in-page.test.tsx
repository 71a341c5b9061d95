import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { getCsrfToken } from '../api/session';
import { fakeApi } from '../test/fake-api';
import { renderAt } from '../test/render';
import { SignInPage } from './sign-in-page';

const session = {
  kind: 'user',
  actor: 'user:ada@example.com',
  user: { id: 'u1', email: 'ada@example.com', displayName: 'Ada', role: 'responder' },
  permissions: ['read', 'respond'],
  csrfToken: 'csrf-1',
};

describe('SignInPage', () => {
  it('signs in with email and password and goes where the person was headed', async () => {
    const calls = fakeApi({
      'GET /auth/providers': { body: { password: true, oidc: null } },
      'POST /auth/sign-in': { body: session },
    });
    renderAt(<SignInPage />, { path: '/sign-in?next=/alerts', pattern: '/sign-in' });
    await userEvent.type(screen.getByLabelText(/Email/), 'ada@example.com');
    await userEvent.type(screen.getByLabelText(/Password/), 'correct horse battery staple');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('elsewhere')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      email: 'ada@example.com',
      password: 'correct horse battery staple',
    });
    expect(getCsrfToken()).toBe('csrf-1');
  });

  it('says the credentials are wrong on a 401, and only that', async () => {
    fakeApi({
      'GET /auth/providers': { body: { password: true, oidc: null } },
      'POST /auth/sign-in': { status: 401, body: { title: 'Authentication required', status: 401, detail: 'x' } },
    });
    renderAt(<SignInPage />, { path: '/sign-in?expired=1', pattern: '/sign-in' });
    expect(screen.getByText('Your session ended; sign in again.')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Email/), 'ada@example.com');
    await userEvent.type(screen.getByLabelText(/Password/), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('The email or the password is wrong.')).toBeInTheDocument();
    expect(screen.queryByText('Your session ended; sign in again.')).toBeNull();
  });

  it('offers the identity provider when the api has one, and shows why it sent the person back', async () => {
    fakeApi({ 'GET /auth/providers': { body: { password: true, oidc: { name: 'Acme SSO' } } } });
    renderAt(<SignInPage />, { path: '/sign-in?next=/alerts&error=no%20account', pattern: '/sign-in' });
    const sso = await screen.findByRole('link', { name: 'Sign in with Acme SSO' });
    expect(sso.getAttribute('href')).toMatch(/\/api\/auth\/oidc\/start\?returnTo=%2Falerts$/);
    expect(screen.getByText('no account')).toBeInTheDocument();
  });

  it('keeps the button disabled until both are typed', () => {
    fakeApi({});
    renderAt(<SignInPage />, { path: '/sign-in', pattern: '/sign-in' });
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  });
});
