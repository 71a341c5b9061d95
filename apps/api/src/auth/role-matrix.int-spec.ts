import { randomUUID } from 'node:crypto';
import { createOpenApiDocument } from '../app.factory';
import { TestStack, type Session } from '../../../../test/harness';
import type { Permission } from '@anom/contracts';

/**
 * The decided access policy of every route. A route added to the api without
 * a line here fails the first test: someone has to decide who may call it.
 */
const POLICY: Record<string, Permission | 'public'> = {
  'GET /health': 'public',
  'GET /health/ready': 'public',
  'GET /health/live': 'public',
  'GET /auth/providers': 'public',
  'POST /auth/sign-in': 'public',
  'GET /auth/oidc/start': 'public',
  'GET /auth/oidc/callback': 'public',
  'POST /auth/sign-out': 'read',
  'GET /auth/session': 'read',
  'GET /metrics': 'read',
  'GET /overview': 'read',
  'GET /stream/alerts': 'read',
  'GET /businesses': 'read',
  'POST /businesses': 'edit',
  'GET /businesses/{businessId}': 'read',
  'PATCH /businesses/{businessId}': 'edit',
  'DELETE /businesses/{businessId}': 'edit',
  'POST /businesses/{businessId}/fields': 'edit',
  'PATCH /businesses/{businessId}/fields/{name}': 'edit',
  'DELETE /businesses/{businessId}/fields/{name}': 'edit',
  'GET /businesses/{businessId}/sources': 'read',
  'POST /businesses/{businessId}/sources': 'admin',
  'DELETE /businesses/{businessId}/sources/{sourceId}': 'admin',
  'GET /businesses/{businessId}/rules': 'read',
  'POST /businesses/{businessId}/rules': 'edit',
  'POST /businesses/{businessId}/rules/backtest': 'edit',
  'POST /businesses/{businessId}/rules/validate': 'edit',
  'GET /rules/{ruleId}': 'read',
  'PATCH /rules/{ruleId}': 'edit',
  'DELETE /rules/{ruleId}': 'edit',
  'GET /businesses/{businessId}/views': 'read',
  'POST /businesses/{businessId}/views': 'edit',
  'GET /businesses/{businessId}/series': 'read',
  'GET /views/{viewId}': 'read',
  'PATCH /views/{viewId}': 'edit',
  'DELETE /views/{viewId}': 'edit',
  'GET /businesses/{businessId}/channels': 'read',
  'POST /businesses/{businessId}/channels': 'edit',
  'GET /channels/{channelId}': 'read',
  'PATCH /channels/{channelId}': 'edit',
  'DELETE /channels/{channelId}': 'edit',
  'GET /businesses/{businessId}/silences': 'read',
  'POST /businesses/{businessId}/silences': 'respond',
  'GET /silences/{silenceId}': 'read',
  'POST /silences/{silenceId}/expire': 'respond',
  'POST /businesses/{businessId}/profile': 'edit',
  'GET /businesses/{businessId}/profile': 'read',
  'GET /businesses/{businessId}/profile/{runId}': 'read',
  'GET /businesses/{businessId}/suggestions': 'read',
  'POST /suggestions/{suggestionId}/accept': 'edit',
  'POST /suggestions/{suggestionId}/reject': 'edit',
  'POST /ingest/{businessId}': 'ingest',
  'GET /ingest/{businessId}/batches/{batchId}': 'ingest',
  'GET /businesses/{businessId}/events': 'read',
  'GET /businesses/{businessId}/events/export': 'read',
  'GET /businesses/{businessId}/archives': 'read',
  'GET /businesses/{businessId}/archives/{archiveId}': 'read',
  'GET /alerts/export': 'read',
  'GET /fhir/r4/metadata': 'public',
  'GET /fhir/r4/Observation': 'read',
  'GET /fhir/r4/Observation/{id}': 'read',
  'GET /fhir/r4/DetectedIssue': 'read',
  'GET /fhir/r4/DetectedIssue/{id}': 'read',
  'GET /config/export': 'read',
  'POST /config/apply': 'edit',
  'GET /schemas/anom-config.json': 'public',
  'GET /alerts': 'read',
  'POST /alerts/acknowledge': 'respond',
  'GET /alerts/{alertId}': 'read',
  'GET /alerts/{alertId}/scores': 'read',
  'POST /alerts/{alertId}/acknowledge': 'respond',
  'POST /alerts/{alertId}/resolve': 'respond',
  'GET /users': 'admin',
  'POST /users': 'admin',
  'GET /users/{userId}': 'admin',
  'PATCH /users/{userId}': 'admin',
  'GET /api-keys': 'admin',
  'POST /api-keys': 'admin',
  'DELETE /api-keys/{keyId}': 'admin',
  'GET /audit': 'admin',
};

/** A caller of the matrix: how it authenticates and what it should be granted. */
interface Caller {
  name: string;
  auth: { token?: string | null; as?: Session };
  /** Permissions it holds; `null`: it must be refused with 401 whatever the route. */
  grants: Permission[] | null;
  /** For `ingest`: the businesses it reaches (undefined: all). */
  ingestOnly?: string[];
}

jest.setTimeout(120_000);

describe('role matrix: every route of the OpenAPI document × every kind of caller', () => {
  const stack = new TestStack();
  const A = 'matrix-a';
  const B = 'matrix-b';
  const callers: Caller[] = [];
  let operations: { method: string; path: string; policy: Permission | 'public' }[] = [];

  beforeAll(async () => {
    await stack.start();
    for (const id of [A, B]) {
      const fields = [
        { name: 'timestamp', type: 'timestamp', required: true },
        { name: 'v', type: 'number' },
      ];
      const r = await stack.request('POST', '/businesses', { body: { id, name: id, fields } });
      expect(r.status).toBe(201);
    }
    const doc = createOpenApiDocument(stack.api);
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Record<string, unknown>>).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        policy: op['x-anom-permission'] as Permission | 'public',
      })),
    );
    const ingestA = (await stack.request('POST', `/businesses/${A}/sources`, { body: { name: 'gw-a' } })).body.token;
    const ingestB = (await stack.request('POST', `/businesses/${B}/sources`, { body: { name: 'gw-b' } })).body.token;
    const keyA = (await stack.request('POST', '/api-keys', { body: { name: 'ingest-a', scopes: [`ingest:${A}`] } }))
      .body.token;
    const expiring = await stack.request('POST', '/api-keys', {
      body: { name: 'old', scopes: ['admin'], expiresAt: new Date(Date.now() + 60_000).toISOString() },
    });
    await stack.db.pool.query("UPDATE api_key SET expires_at = now() - interval '1 minute' WHERE id = $1", [
      expiring.body.id,
    ]);
    const revoked = await stack.request('POST', '/api-keys', { body: { name: 'gone', scopes: ['admin'] } });
    expect((await stack.request('DELETE', `/api-keys/${revoked.body.id}`)).status).toBe(200);
    const readKey = (await stack.request('POST', '/api-keys', { body: { name: 'reader', scopes: ['read'] } })).body
      .token;
    callers.push(
      { name: 'no credential', auth: { token: null }, grants: null },
      { name: 'a wrong token', auth: { token: 'anomk_not-a-real-key' }, grants: null },
      { name: 'viewer', auth: { as: await stack.userSession('viewer') }, grants: ['read'] },
      { name: 'responder', auth: { as: await stack.userSession('responder') }, grants: ['read', 'respond'] },
      {
        name: 'editor',
        auth: { as: await stack.userSession('editor') },
        grants: ['read', 'respond', 'edit', 'ingest'],
      },
      {
        name: 'admin',
        auth: { as: await stack.userSession('admin') },
        grants: ['read', 'respond', 'edit', 'ingest', 'admin'],
      },
      { name: 'read key', auth: { token: readKey }, grants: ['read'] },
      { name: "source token of the route's business", auth: { token: ingestA }, grants: ['ingest'], ingestOnly: [A] },
      { name: "ingest key of the route's business", auth: { token: keyA }, grants: ['ingest'], ingestOnly: [A] },
      { name: 'source token of another business', auth: { token: ingestB }, grants: ['ingest'], ingestOnly: [B] },
      { name: 'an expired key', auth: { token: expiring.body.token }, grants: null },
      { name: 'a revoked key', auth: { token: revoked.body.token }, grants: null },
    );
  });

  afterAll(() => stack.stop());

  it('has a decided policy for every route, and the api declares the same one', () => {
    const declared = Object.fromEntries(operations.map((o) => [`${o.method} ${o.path}`, o.policy]));
    expect(declared).toEqual(POLICY);
  });

  it('answers each caller on each route as its policy says', async () => {
    const fake = randomUUID();
    const failures: string[] = [];
    // Sign-out ends the caller's session: it goes last.
    const ordered = [...operations].sort(
      (a, b) => Number(a.path === '/auth/sign-out') - Number(b.path === '/auth/sign-out'),
    );
    let checked = 0;
    for (const op of ordered) {
      const url = op.path
        .replace('{businessId}', A)
        .replace(/\{name\}/, 'nope')
        .replace(/\{\w+\}/g, fake);
      for (const caller of callers) {
        const expected = expectation(op.policy, caller);
        const status = await statusOf(stack, op.method, url, caller);
        checked++;
        const ok = expected === 'allowed' ? status !== 401 && status !== 403 : status === expected;
        if (!ok) failures.push(`${op.method} ${op.path} as ${caller.name}: expected ${expected}, got ${status}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(Object.keys(POLICY).length * callers.length);
  });
});

function expectation(policy: Permission | 'public', caller: Caller): 'allowed' | 401 | 403 {
  if (policy === 'public') return 'allowed';
  if (caller.grants === null) return 401;
  if (!caller.grants.includes(policy)) return 403;
  if (policy === 'ingest' && caller.ingestOnly && !caller.ingestOnly.includes('matrix-a')) return 403;
  return 'allowed';
}

/**
 * The status the api answers. The alert stream never ends when allowed, so
 * it is read through a socket and dropped once the status is known.
 */
async function statusOf(stack: TestStack, method: string, url: string, caller: Caller): Promise<number> {
  if (url.startsWith('/stream/')) {
    const base = await listening(stack);
    const headers: Record<string, string> = {};
    if (caller.auth.as) headers.cookie = `anom_session=${caller.auth.as.sessionId}`;
    else if (caller.auth.token) headers.authorization = `Bearer ${caller.auth.token}`;
    const ctl = new AbortController();
    const res = await fetch(`${base}${url}`, { headers, signal: ctl.signal });
    ctl.abort();
    return res.status;
  }
  const body = method === 'GET' || method === 'DELETE' ? undefined : {};
  const res = await stack.request(method, url, { ...caller.auth, body });
  return res.status;
}

let url: string | null = null;
async function listening(stack: TestStack): Promise<string> {
  if (!url) {
    await stack.api.listen(0, '127.0.0.1');
    url = (await stack.api.getUrl()).replace('[::1]', '127.0.0.1');
  }
  return url;
}
