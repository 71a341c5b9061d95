import { TestStack, businessBody, expectProblem } from '../../../../test/harness';

describe('businesses, fields and sources (api + Postgres)', () => {
  const stack = new TestStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it('creates, reads, lists, updates and archives a business', async () => {
    const body = businessBody({ description: 'wearables' });
    const created = await stack.request('POST', '/businesses', { body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: body.id,
      schemaVersion: 1,
      entityKeyFields: ['user_id'],
      archivedAt: null,
    });
    expect(created.body.fields.map((f: { name: string }) => f.name)).toEqual([
      'timestamp',
      'user_id',
      'heart_rate',
      'activity_level',
    ]);

    expect((await stack.request('GET', `/businesses/${body.id}`)).body.name).toBe('Vitals');
    const list = await stack.request('GET', '/businesses?limit=200');
    expect(list.body.items.map((b: { id: string }) => b.id)).toContain(body.id);

    const patched = await stack.request('PATCH', `/businesses/${body.id}`, {
      body: { name: 'Vitals 2', timezone: 'Europe/Zurich' },
    });
    expect(patched.body).toMatchObject({ name: 'Vitals 2', timezone: 'Europe/Zurich', schemaVersion: 1 });

    const archived = await stack.request('DELETE', `/businesses/${body.id}`);
    expect(archived.body.archivedAt).not.toBeNull();
    expect(
      (await stack.request('GET', '/businesses?limit=200')).body.items.map((b: { id: string }) => b.id),
    ).not.toContain(body.id);
    expect(
      (await stack.request('GET', '/businesses?includeArchived=true&limit=200')).body.items.map(
        (b: { id: string }) => b.id,
      ),
    ).toContain(body.id);
    expectProblem(
      await stack.request('POST', `/businesses/${body.id}/rules`, {
        body: { name: 'x', kind: 'immediate', condition: 'heart_rate > 1' },
      }),
      409,
    );
    expect(await stack.count('audit_log', 'entity_id = $1', [body.id])).toBe(3);
  });

  it('pages the business list with a cursor', async () => {
    for (let i = 0; i < 3; i++) await stack.request('POST', '/businesses', { body: businessBody() });
    const first = await stack.request('GET', '/businesses?limit=2');
    expect(first.body.items).toHaveLength(2);
    const second = await stack.request('GET', `/businesses?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items[0].id > first.body.items[1].id).toBe(true);
  });

  it('adds, changes and deletes fields, bumping the schema version each time', async () => {
    const body = businessBody();
    await stack.request('POST', '/businesses', { body });
    const added = await stack.request('POST', `/businesses/${body.id}/fields`, {
      body: { name: 'posture', type: 'enum', enum: ['lying', 'sitting'] },
    });
    expect(added.status).toBe(201);
    expect(added.body.schemaVersion).toBe(2);
    const changed = await stack.request('PATCH', `/businesses/${body.id}/fields/posture`, {
      body: { enum: ['lying', 'sitting', 'standing'], description: 'body position' },
    });
    expect(changed.body.fields.find((f: { name: string }) => f.name === 'posture')).toMatchObject({
      enum: ['lying', 'sitting', 'standing'],
      description: 'body position',
    });
    expect(changed.body.schemaVersion).toBe(3);
    const deleted = await stack.request('DELETE', `/businesses/${body.id}/fields/posture`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.schemaVersion).toBe(4);
    expect(deleted.body.fields.map((f: { name: string }) => f.name)).not.toContain('posture');
  });

  it('refuses to change a field under a live rule that would stop type-checking', async () => {
    const body = businessBody();
    await stack.request('POST', '/businesses', { body });
    await stack.request('POST', `/businesses/${body.id}/rules`, {
      body: { name: 'Fast', kind: 'immediate', condition: 'heart_rate > 100' },
    });
    const p = expectProblem(await stack.request('DELETE', `/businesses/${body.id}/fields/heart_rate`), 409);
    expect(p.detail).toMatch(/rule 'Fast'/);
    expectProblem(
      await stack.request('PATCH', `/businesses/${body.id}/fields/heart_rate`, {
        body: { type: 'string', min: null, max: null },
      }),
      409,
    );
    expect((await stack.request('GET', `/businesses/${body.id}`)).body.schemaVersion).toBe(1);
  });

  it('creates a source whose token is shown once and stored only as a hash', async () => {
    const body = businessBody();
    await stack.request('POST', '/businesses', { body });
    const src = await stack.request('POST', `/businesses/${body.id}/sources`, { body: { name: 'gateway' } });
    expect(src.status).toBe(201);
    expect(src.body.token).toMatch(/^anom_[A-Za-z0-9_-]{43}$/);
    expect(await stack.count('api_key', 'token_hash = $1', [src.body.token])).toBe(0);
    // A source is an ingest key of its business: listed with the API keys, its scope naming the business.
    const keys = await stack.request('GET', '/api-keys');
    expect(keys.body.items).toEqual([
      expect.objectContaining({ id: src.body.id, businessId: body.id, scopes: [`ingest:${body.id}`] }),
    ]);
    const list = await stack.request('GET', `/businesses/${body.id}/sources`);
    expect(list.body.items).toEqual([expect.objectContaining({ id: src.body.id, name: 'gateway', lastSeenAt: null })]);
    expect(list.body.items[0]).not.toHaveProperty('token');
    expect(list.body.items[0]).not.toHaveProperty('tokenHash');

    await stack.request('POST', `/ingest/${body.id}`, {
      body: { timestamp: new Date().toISOString(), user_id: 'u' },
      token: src.body.token,
    });
    await new Promise((r) => setTimeout(r, 100));
    expect((await stack.request('GET', `/businesses/${body.id}/sources`)).body.items[0].lastSeenAt).not.toBeNull();
  });

  it('refuses a revoked source token at once, although its lookup was cached', async () => {
    const body = businessBody();
    await stack.request('POST', '/businesses', { body });
    const src = await stack.request('POST', `/businesses/${body.id}/sources`, { body: { name: 'gateway' } });
    const event = { timestamp: new Date().toISOString(), user_id: 'u' };
    expect((await stack.request('POST', `/ingest/${body.id}`, { body: event, token: src.body.token })).status).toBe(
      202,
    );
    expect((await stack.request('DELETE', `/businesses/${body.id}/sources/${src.body.id}`)).status).toBe(200);
    expectProblem(await stack.request('POST', `/ingest/${body.id}`, { body: event, token: src.body.token }), 401);
  });

  describe('bad input answers problem+json and stores nothing', () => {
    const existing = businessBody();
    beforeAll(async () => {
      await stack.request('POST', '/businesses', { body: existing });
    });

    it.each([
      ['an id that is not a slug', { id: 'Bad Id' }, '/id'],
      ['a missing name', { name: undefined }, '/name'],
      ['no fields', { fields: [] }, '/fields'],
      ['a field of unknown type', { fields: [{ name: 'x', type: 'float' }] }, '/fields/0/type'],
      [
        'a field name that is not an identifier',
        { fields: [{ name: 'heart-rate', type: 'number' }], timestampField: null, entityKeyFields: [] },
        '/fields/0/name',
      ],
      ['an event-time field that does not exist', { timestampField: 'time' }, '/timestampField'],
      ['an entity key that does not exist', { entityKeyFields: ['patient'] }, '/entityKeyFields/0'],
      ['an unknown time zone', { timezone: 'Mars/Base' }, '/timezone'],
      ['an unknown property', { colour: 'red' }, '/colour'],
      [
        'min above max',
        { fields: [{ name: 'x', type: 'number', min: 3, max: 1 }], timestampField: null, entityKeyFields: [] },
        '/fields/0/min',
      ],
    ])('POST /businesses with %s -> 400 at %s', async (_what, patch, pointer) => {
      const body = businessBody(patch);
      const before = await stack.count('business');
      const p = expectProblem(await stack.request('POST', '/businesses', { body }), 400);
      expect(p.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      expect(await stack.count('business')).toBe(before);
    });

    it('POST /businesses with a taken id -> 409', async () => {
      expectProblem(await stack.request('POST', '/businesses', { body: businessBody({ id: existing.id }) }), 409);
    });

    it.each([
      ['GET', '/businesses/no-such-business', undefined, 404],
      ['PATCH', '/businesses/no-such-business', { name: 'x' }, 404],
      ['DELETE', '/businesses/no-such-business', undefined, 404],
      ['POST', '/businesses/no-such-business/fields', { name: 'x', type: 'number' }, 404],
      ['POST', '/businesses/no-such-business/sources', { name: 'x' }, 404],
      ['GET', '/businesses?limit=0', undefined, 400],
      ['GET', '/businesses?cursor=garbage', undefined, 400],
    ])('%s %s -> %d', async (method, url, body, status) => {
      expectProblem(await stack.request(method, url, { body }), status);
    });

    it.each([
      ['a duplicate field', 'POST', 'fields', { name: 'user_id', type: 'string' }, 409],
      ['a field without type', 'POST', 'fields', { name: 'spo2' }, 400],
      ['an enum field without values', 'POST', 'fields', { name: 'level', type: 'enum' }, 400],
      ['an unknown field', 'PATCH', 'fields/nope', { unit: 'x' }, 404],
      ['deleting the event-time field', 'DELETE', 'fields/timestamp', undefined, 409],
      ['deleting an entity-key field', 'DELETE', 'fields/user_id', undefined, 409],
      ['a source without name', 'POST', 'sources', {}, 400],
      ['a timestamp field of type string', 'PATCH', '', { timestampField: 'user_id' }, 400],
    ])('rejects %s', async (_what, method, path, body, status) => {
      const before = await stack.request('GET', `/businesses/${existing.id}`);
      const url = `/businesses/${existing.id}${path ? `/${path}` : ''}`;
      expectProblem(await stack.request(method, url, { body }), status);
      const after = await stack.request('GET', `/businesses/${existing.id}`);
      expect(after.body).toEqual(before.body);
    });
  });

  describe('authentication', () => {
    it('answers 401 without a token and with a wrong one', async () => {
      expectProblem(await stack.request('GET', '/businesses', { token: null }), 401);
      expectProblem(await stack.request('GET', '/businesses', { token: 'not-a-token' }), 401);
    });

    it('answers 403 when a source token is used on an admin route', async () => {
      const body = businessBody();
      await stack.request('POST', '/businesses', { body });
      const src = await stack.request('POST', `/businesses/${body.id}/sources`, { body: { name: 's' } });
      expectProblem(await stack.request('GET', `/businesses/${body.id}`, { token: src.body.token }), 403);
    });

    it('serves health and the OpenAPI document without a token', async () => {
      const health = await stack.request('GET', '/health', { token: null });
      expect(health.body).toEqual({ status: 'ok', postgres: 'up', redis: 'up' });
      const doc = await stack.request('GET', '/docs/openapi.json', { token: null });
      expect(doc.status).toBe(200);
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/ingest/{businessId}',
          '/alerts/{alertId}/acknowledge',
          '/businesses/{businessId}/rules',
        ]),
      );
    });
  });
});
