import { TestStack, type Session } from '../../../../test/harness';
import { loadApiConfig } from '../config/api.config';

jest.setTimeout(120_000);

const BUSINESS = {
  id: 'ward-7',
  name: 'Ward 7',
  timestampField: 'timestamp',
  fields: [
    { name: 'timestamp', type: 'timestamp', required: true },
    { name: 'patient', type: 'string' },
    { name: 'temperature', type: 'number' },
  ],
  entityKeyFields: ['patient'],
};

describe('people, sessions, API keys and the audit log (api + Postgres + Redis)', () => {
  const stack = new TestStack();
  let responder: Session;
  let editor: Session;

  beforeAll(async () => {
    await stack.start({ worker: true });
    expect((await stack.request('POST', '/businesses', { body: BUSINESS })).status).toBe(201);
    responder = await stack.userSession('responder', 'rita@example.com');
    editor = await stack.userSession('editor', 'ed@example.com');
  });
  afterAll(() => stack.stop());

  describe('password sign-in and the session cookie', () => {
    it('sets an HttpOnly, SameSite cookie and says who is signed in', async () => {
      const res = await stack.request('POST', '/auth/sign-in', {
        token: null,
        body: { email: 'Rita@Example.com', password: 'correct horse battery staple' },
      });
      expect(res.status).toBe(200);
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/anom_session=[\w-]{40,}/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(res.body).toMatchObject({
        kind: 'user',
        actor: 'user:rita@example.com',
        user: { email: 'rita@example.com', role: 'responder' },
        permissions: ['read', 'respond'],
        csrfToken: expect.any(String),
      });
      const me = await stack.request('GET', '/auth/session', { as: responder });
      expect(me.body.user.email).toBe('rita@example.com');
    });

    it('answers a wrong password and an unknown email alike', async () => {
      const wrong = await stack.request('POST', '/auth/sign-in', {
        token: null,
        body: { email: 'ed@example.com', password: 'not the password' },
      });
      const unknown = await stack.request('POST', '/auth/sign-in', {
        token: null,
        body: { email: 'nobody@example.com', password: 'not the password' },
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body.detail).toBe(unknown.body.detail);
    });

    it('locks an account after five wrong passwords, with Retry-After, even for the right one', async () => {
      await stack.userSession('viewer', 'lock@example.com');
      const attempt = (password: string) =>
        stack.request('POST', '/auth/sign-in', { token: null, body: { email: 'lock@example.com', password } });
      for (let i = 0; i < 4; i++) expect((await attempt('wrong password')).status).toBe(401);
      const fifth = await attempt('wrong password');
      expect(fifth.status).toBe(429);
      expect(Number(fifth.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      const right = await attempt('correct horse battery staple');
      expect(right.status).toBe(429);
      expect(right.headers['content-type']).toMatch(/application\/problem\+json/);
      // An admin re-enabling the account lifts the lock.
      const user = (await stack.request('GET', '/users')).body.items.find(
        (u: { email: string }) => u.email === 'lock@example.com',
      );
      expect(user.lockedUntil).not.toBeNull();
      await stack.request('PATCH', `/users/${user.id}`, { body: { disabled: false } });
      expect((await attempt('correct horse battery staple')).status).toBe(200);
    });

    it('refuses a change without the CSRF token, and the session after sign-out', async () => {
      const s = await stack.signIn('ed@example.com', 'correct horse battery staple');
      const noCsrf = await stack.request('PATCH', `/businesses/${BUSINESS.id}`, {
        token: null,
        headers: { cookie: `anom_session=${s.sessionId}` },
        body: { name: 'Ward Seven' },
      });
      expect(noCsrf.status).toBe(403);
      expect(noCsrf.body.detail).toMatch(/x-csrf-token/);
      const withCsrf = await stack.request('PATCH', `/businesses/${BUSINESS.id}`, { as: s, body: { name: 'Ward 7' } });
      expect(withCsrf.status).toBe(200);
      expect((await stack.request('POST', '/auth/sign-out', { as: s })).status).toBe(204);
      expect((await stack.request('GET', '/businesses', { as: s })).status).toBe(401);
    });

    it('ends the sessions of a person whose role changes', async () => {
      const s = await stack.userSession('editor', 'demoted@example.com');
      const id = (await stack.request('GET', '/auth/session', { as: s })).body.user.id;
      await stack.request('PATCH', `/users/${id}`, { body: { role: 'viewer' } });
      expect((await stack.request('GET', '/businesses', { as: s })).status).toBe(401);
      const again = await stack.signIn('demoted@example.com', 'correct horse battery staple');
      expect((await stack.request('POST', '/businesses', { as: again, body: BUSINESS })).status).toBe(403);
    });

    it('refuses bad user input with the field and the reason', async () => {
      const cases: [unknown, string][] = [
        [{ email: 'not-an-email', displayName: 'x', role: 'viewer' }, '/email'],
        [{ email: 'a@b.co', displayName: 'x', role: 'root' }, '/role'],
        [{ email: 'a@b.co', displayName: 'x', role: 'viewer', password: 'short' }, '/password'],
        [{ email: 'rita@example.com', displayName: 'x', role: 'viewer' }, '/email'],
      ];
      for (const [body, pointer] of cases) {
        const r = await stack.request('POST', '/users', { body });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      }
      expect((await stack.request('POST', '/auth/sign-in', { token: null, body: { email: 'x' } })).status).toBe(400);
    });
  });

  describe('every action has its person', () => {
    it('records the responder on the acknowledge, and refuses them a rule change', async () => {
      const rule = await stack.request('POST', `/businesses/${BUSINESS.id}/rules`, {
        as: editor,
        body: { name: 'Fever', kind: 'immediate', severity: 'high', condition: 'temperature > 38' },
      });
      expect(rule.status).toBe(201);
      const at = new Date(Date.now() - 60_000).toISOString();
      await stack.request('POST', `/ingest/${BUSINESS.id}`, {
        as: editor,
        body: { timestamp: at, patient: 'p1', temperature: 39.5 },
      });
      await stack.waitForEvaluation();
      const alert = (await stack.request('GET', `/alerts?businessId=${BUSINESS.id}`, { as: responder })).body.items[0];
      const ack = await stack.request('POST', `/alerts/${alert.id}/acknowledge`, {
        as: responder,
        body: { note: 'on my way' },
      });
      expect(ack.status).toBe(200);
      const detail = (await stack.request('GET', `/alerts/${alert.id}`, { as: responder })).body;
      expect(detail.history.at(-1)).toMatchObject({ actor: 'user:rita@example.com', note: 'on my way' });
      const edit = await stack.request('PATCH', `/rules/${rule.body.id}`, {
        as: responder,
        body: { severity: 'info' },
      });
      expect(edit.status).toBe(403);
      expect(edit.body.detail).toMatch(/role 'responder' does not grant 'edit'/);
      const audit = await stack.request('GET', `/audit?entityType=rule&entityId=${rule.body.id}`);
      expect(audit.body.items.map((r: { actor: string; action: string }) => `${r.actor} ${r.action}`)).toEqual([
        'user:ed@example.com create',
      ]);
    });

    it('filters the audit log by actor, action, object and time, newest first, with a cursor', async () => {
      const all = await stack.request('GET', '/audit?limit=500');
      expect(all.body.items.length).toBeGreaterThan(5);
      const ids = all.body.items.map((r: { id: number }) => r.id);
      expect([...ids].sort((a, b) => b - a)).toEqual(ids);
      const byActor = await stack.request('GET', '/audit?actor=user:*&action=sign-in');
      expect(byActor.body.items.length).toBeGreaterThan(0);
      expect(
        byActor.body.items.every(
          (r: { actor: string; action: string }) => r.actor.startsWith('user:') && r.action === 'sign-in',
        ),
      ).toBe(true);
      const future = await stack.request('GET', `/audit?from=${new Date(Date.now() + 3_600_000).toISOString()}`);
      expect(future.body.items).toEqual([]);
      const page1 = await stack.request('GET', '/audit?limit=2');
      const page2 = await stack.request('GET', `/audit?limit=2&cursor=${page1.body.nextCursor}`);
      expect(page2.body.items[0].id).toBeLessThan(page1.body.items[1].id);
      for (const q of ['limit=0', 'limit=9999', 'from=yesterday', 'cursor=abc'])
        expect((await stack.request('GET', `/audit?${q}`)).status).toBe(400);
      expect((await stack.request('GET', '/audit', { as: editor })).status).toBe(403);
    });
  });

  describe('API keys', () => {
    it('shows the token once, records last use and the key as actor, and stops at revoke', async () => {
      const created = await stack.request('POST', '/api-keys', { body: { name: 'ci', scopes: ['write'] } });
      expect(created.status).toBe(201);
      expect(created.body.token).toMatch(/^anomk_[\w-]{43}$/);
      const listed = (await stack.request('GET', '/api-keys')).body.items.find(
        (k: { id: string }) => k.id === created.body.id,
      );
      expect(listed).not.toHaveProperty('token');
      expect(listed).not.toHaveProperty('tokenHash');
      expect(listed.lastUsedAt).toBeNull();
      const view = await stack.request('POST', `/businesses/${BUSINESS.id}/views`, {
        token: created.body.token,
        body: { name: 'Temperatures', panels: [] },
      });
      expect(view.status).toBeLessThan(500);
      const r = await stack.request('PATCH', `/businesses/${BUSINESS.id}`, {
        token: created.body.token,
        body: { name: 'Ward 7 (key)' },
      });
      expect(r.status).toBe(200);
      const audit = await stack.request('GET', `/audit?entityType=business&entityId=${BUSINESS.id}&action=update`);
      expect(audit.body.items[0].actor).toBe('key:ci');
      const used = (await stack.request('GET', '/api-keys')).body.items.find(
        (k: { id: string }) => k.id === created.body.id,
      );
      expect(used.lastUsedAt).not.toBeNull();
      expect((await stack.request('GET', '/users', { token: created.body.token })).status).toBe(403);
      await stack.request('DELETE', `/api-keys/${created.body.id}`);
      const after = await stack.request('GET', '/businesses', { token: created.body.token });
      expect(after.status).toBe(401);
      expect(after.body.detail).toMatch(/revoked/);
    });

    it('refuses bad key input with the field and the reason', async () => {
      const cases: [unknown, string][] = [
        [{ name: 'x', scopes: [] }, '/scopes'],
        [{ name: 'x', scopes: ['root'] }, '/scopes'],
        [{ name: 'x', scopes: ['ingest:'] }, '/scopes'],
        [{ name: 'x', scopes: ['read'], expiresAt: 'tomorrow' }, '/expiresAt'],
        [{ name: 'x', scopes: ['read'], expiresAt: '2001-01-01T00:00:00Z' }, '/expiresAt'],
        [{ scopes: ['read'] }, '/name'],
      ];
      for (const [body, pointer] of cases) {
        const r = await stack.request('POST', '/api-keys', { body });
        expect(r.status).toBe(400);
        expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      }
      expect((await stack.request('DELETE', '/api-keys/not-a-uuid')).status).toBe(400);
    });

    it('keeps an ingest key to its business and its retention', async () => {
      const key = await stack.request('POST', '/api-keys', {
        body: { name: 'gw', scopes: [`ingest:${BUSINESS.id}`] },
      });
      const ok = await stack.request('POST', `/ingest/${BUSINESS.id}`, {
        token: key.body.token,
        body: { timestamp: new Date().toISOString(), patient: 'p2', temperature: 36.6 },
      });
      expect(ok.status).toBe(202);
      const old = await stack.request('POST', `/ingest/${BUSINESS.id}`, {
        token: key.body.token,
        body: { timestamp: '2001-01-01T00:00:00Z', patient: 'p2', temperature: 36.6 },
      });
      expect(old.status).toBe(422);
      expect((await stack.request('GET', '/businesses', { token: key.body.token })).status).toBe(403);
    });
  });
});

describe('the bootstrap token in production', () => {
  it('refuses the default and short tokens at start-up', () => {
    const base = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x@h/db', REDIS_URL: 'redis://h:6379' };
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(() => loadApiConfig({ ...base, ANOM_SECRET_KEY: key })).toThrow(/ANOM_ADMIN_TOKEN/);
    expect(() =>
      loadApiConfig({ ...base, ANOM_SECRET_KEY: key, ANOM_ADMIN_TOKEN: 'change-me-dev-admin-token' }),
    ).toThrow(/not the development default/);
    expect(() => loadApiConfig({ ...base, ANOM_SECRET_KEY: key, ANOM_ADMIN_TOKEN: 'sixteen-chars-ok!' })).toThrow(
      /32\+ characters/,
    );
    const token = 'x'.repeat(40);
    expect(() => loadApiConfig({ ...base, ANOM_ADMIN_TOKEN: token })).toThrow(/ANOM_SECRET_KEY/);
    const ok = loadApiConfig({ ...base, ANOM_ADMIN_TOKEN: token, ANOM_SECRET_KEY: key });
    expect(ok).toMatchObject({ nodeEnv: 'production', secureCookies: true, host: '0.0.0.0' });
    expect(loadApiConfig({}).host).toBe('127.0.0.1');
  });

  it('works until the first admin exists, then only people and keys do', async () => {
    const stack = new TestStack({ nodeEnv: 'production' });
    await stack.start();
    try {
      expect((await stack.request('GET', '/businesses')).status).toBe(200);
      const admin = await stack.userSession('admin', 'first-admin@example.com');
      const refused = await stack.request('GET', '/businesses');
      expect(refused.status).toBe(401);
      expect(refused.body.detail).toMatch(/only bootstraps the first admin/);
      expect((await stack.request('GET', '/businesses', { as: admin })).status).toBe(200);
      const audit = await stack.request('GET', '/audit?entityType=user&action=create', { as: admin });
      expect(audit.body.items[0].actor).toBe('bootstrap');
    } finally {
      await stack.stop();
    }
  });
});
