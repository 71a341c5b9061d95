import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { getToken } from '../api/session';
import { fakeApi } from '../test/fake-api';
import { renderAt } from '../test/render';
import { SignInPage } from './sign-in-page';

describe('SignInPage', () => {
  it('keeps a token the api accepts and goes where the person was headed', async () => {
    const calls = fakeApi({ 'GET /businesses': { body: { items: [], nextCursor: null } } });
    renderAt(<SignInPage />, { path: '/sign-in?next=/alerts', pattern: '/sign-in' });
    await userEvent.type(screen.getByLabelText(/Admin token/), 'good-token');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('elsewhere')).toBeInTheDocument();
    expect(getToken()).toBe('good-token');
    expect(calls[0].url).toBe('/businesses?limit=1');
  });

  it('refuses a token the api answers 401 to, and forgets it', async () => {
    fakeApi({
      'GET /businesses': {
        status: 401,
        body: { title: 'Authentication required', status: 401, detail: 'unknown token' },
      },
    });
    renderAt(<SignInPage />, { path: '/sign-in', pattern: '/sign-in' });
    await userEvent.type(screen.getByLabelText(/Admin token/), 'bad');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('That token is not the admin token.')).toBeInTheDocument();
    expect(getToken()).toBeNull();
  });

  it('keeps the button disabled until a token is typed', () => {
    fakeApi({});
    renderAt(<SignInPage />, { path: '/sign-in', pattern: '/sign-in' });
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  });
});
