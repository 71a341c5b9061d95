import { TestStack, startOidcProvider } from '../../../../test/harness';

jest.setTimeout(120_000);

const REDIRECT = 'http://anom.test/api/auth/oidc/callback';

/**
 * OIDC sign-in against a real provider (the `oidc-provider` package in a child
 * process): the authorization code flow with PKCE, driven like a browser —
 * redirects followed by hand, cookies kept per host.
 */
describe('OIDC sign-in (api + Postgres + Redis + an OpenID provider)', () => {
  let provider: Awaited<ReturnType<typeof startOidcProvider>>;
  let stack: TestStack;

  beforeAll(async () => {
    provider = await startOidcProvider([REDIRECT]);
    stack = new TestStack({
      oidc: {
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        redirectUrl: REDIRECT,
        name: 'Test IdP',
        defaultRole: null,
        roleClaim: 'anom_role',
        allowInsecure: true,
      },
    });
    await stack.start();
  });
  afterAll(async () => {
    await stack.stop();
    provider.stop();
  });

  /** Runs the flow from the app's button to the callback; returns the callback's answer. */
  async function signInThroughProvider(opts: { dropStateCookie?: boolean } = {}) {
    const start = await stack.request('GET', '/auth/oidc/start?returnTo=/alerts', { token: null });
    expect(start.status).toBe(302);
    const stateCookie = /anom_oidc=([^;]+)/.exec(String(start.headers['set-cookie']))![1];
    let location = String(start.headers.location);
    expect(location.startsWith(`${provider.issuer}/auth?`)).toBe(true);
    expect(new URL(location).searchParams.get('code_challenge_method')).toBe('S256');
    const jar = new Map<string, string>();
    for (let hop = 0; hop < 10 && !location.startsWith(REDIRECT); hop++) {
      const res = await fetch(new URL(location, provider.issuer), {
        redirect: 'manual',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [k, v] = pair!.split('=');
        jar.set(k!, v ?? '');
      }
      location = res.headers.get('location') ?? '';
      expect(location).not.toBe('');
    }
    const callback = location.slice('http://anom.test/api'.length);
    return stack.request('GET', callback, {
      token: null,
      headers: opts.dropStateCookie ? {} : { cookie: `anom_oidc=${stateCookie}` },
    });
  }

  it('lists the provider for the sign-in page', async () => {
    const r = await stack.request('GET', '/auth/providers', { token: null });
    expect(r.body).toEqual({ password: true, oidc: { name: 'Test IdP' } });
  });

  it('signs an editor in, creating the account with the role the provider names', async () => {
    await provider.nextLogin({ sub: 'olga-1', email: 'Olga@Example.com', name: 'Olga', anom_role: 'editor' });
    const done = await signInThroughProvider();
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe('/alerts');
    const sid = /anom_session=([^;]+)/.exec(String(done.headers['set-cookie']))![1]!;
    const me = await stack.request('GET', '/auth/session', { token: null, headers: { cookie: `anom_session=${sid}` } });
    expect(me.body).toMatchObject({
      actor: 'user:olga@example.com',
      user: { email: 'olga@example.com', displayName: 'Olga', role: 'editor' },
    });
    const as = { sessionId: sid, csrfToken: me.body.csrfToken, email: 'olga@example.com' };
    const created = await stack.request('POST', '/businesses', {
      as,
      body: { id: 'oidc-made', name: 'Made via OIDC', fields: [{ name: 'timestamp', type: 'timestamp' }] },
    });
    expect(created.status).toBe(201);
    const audit = await stack.request('GET', '/audit?entityType=business&entityId=oidc-made');
    expect(audit.body.items[0].actor).toBe('user:olga@example.com');
    const signIns = await stack.request('GET', '/audit?action=sign-in&actor=user:olga@example.com');
    expect(signIns.body.items[0].after).toEqual({ method: 'oidc' });
    const provisioned = await stack.request('GET', `/audit?entityType=user&entityId=${me.body.user.id}&action=create`);
    expect(provisioned.body.items[0]).toMatchObject({ actor: `oidc:${provider.issuer}`, after: { role: 'editor' } });
  });

  it('links a person an admin created by their verified email, keeping the provider’s role in step', async () => {
    await stack.request('POST', '/users', { body: { email: 'rui@example.com', displayName: 'Rui', role: 'viewer' } });
    await provider.nextLogin({ sub: 'rui-1', email: 'rui@example.com', name: 'Rui', anom_role: 'responder' });
    const done = await signInThroughProvider();
    expect(done.status).toBe(302);
    const users = (await stack.request('GET', '/users')).body.items;
    const rui = users.filter((u: { email: string }) => u.email === 'rui@example.com');
    expect(rui).toEqual([expect.objectContaining({ role: 'responder', oidc: true })]);
    const audit = await stack.request('GET', `/audit?entityType=user&entityId=${rui[0].id}&actor=oidc:*`);
    expect(audit.body.items.map((r: { action: string }) => r.action)).toEqual(['update', 'link']);
  });

  it('sends a stranger back to the sign-in page with the reason', async () => {
    await provider.nextLogin({ sub: 'eve-1', email: 'eve@example.com', name: 'Eve' });
    const done = await signInThroughProvider();
    expect(done.status).toBe(302);
    expect(decodeURIComponent(String(done.headers.location))).toMatch(/^\/sign-in\?error=no Anom account for eve@/);
    expect(String(done.headers['set-cookie'] ?? '')).not.toMatch(/anom_session=/);
  });

  it('refuses a callback in a browser that did not start the sign-in', async () => {
    await provider.nextLogin({ sub: 'olga-1', email: 'olga@example.com', anom_role: 'editor' });
    const done = await signInThroughProvider({ dropStateCookie: true });
    expect(decodeURIComponent(String(done.headers.location))).toMatch(/not started in this browser/);
  });
});

describe('OIDC sign-in while the identity provider is down', () => {
  const stack = new TestStack({
    oidc: {
      issuer: 'http://127.0.0.1:9',
      clientId: 'anom',
      clientSecret: 'secret',
      redirectUrl: REDIRECT,
      name: 'Down IdP',
      defaultRole: null,
      roleClaim: null,
      allowInsecure: true,
    },
  });
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it('sends the person back to the sign-in page saying so, and password sign-in still works', async () => {
    const start = await stack.request('GET', '/auth/oidc/start', { token: null });
    expect(start.status).toBe(302);
    expect(decodeURIComponent(String(start.headers.location))).toMatch(
      /^\/sign-in\?error=the identity provider cannot be reached/,
    );
    const admin = await stack.userSession('admin');
    expect((await stack.request('GET', '/auth/session', { as: admin })).status).toBe(200);
  });
});
