import { TestStack, businessBody, expectProblem } from '../../../../test/harness';

// Minutes from an hour ago: a source token may send events up to the business's retention old.
const BASE = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;
const t = (minute: number) => new Date(BASE + minute * 60_000).toISOString();

describe('ingest (api + Postgres, worker not running)', () => {
  const stack = new TestStack({ ingestMaxBodyBytes: 64 * 1024, ingestMaxBatch: 50 });
  const business = businessBody();
  const other = businessBody();
  let token: string;
  let otherToken: string;

  beforeAll(async () => {
    await stack.start();
    await stack.request('POST', '/businesses', { body: business });
    await stack.request('POST', '/businesses', { body: other });
    token = (await stack.request('POST', `/businesses/${business.id}/sources`, { body: { name: 'gw' } })).body.token;
    otherToken = (await stack.request('POST', `/businesses/${other.id}/sources`, { body: { name: 'gw' } })).body.token;
  });
  afterAll(() => stack.stop());

  it('accepts one object, an array, and NDJSON, storing each event with its batch', async () => {
    const one = await stack.request('POST', `/ingest/${business.id}`, {
      body: { timestamp: t(0), user_id: 'u1', heart_rate: 70 },
      token,
    });
    expect(one.status).toBe(202);
    expect(one.body).toEqual({ accepted: 1, ids: [expect.any(String)], duplicates: 0, batchId: expect.any(String) });

    const many = await stack.request('POST', `/ingest/${business.id}`, {
      body: [
        { timestamp: t(1), user_id: 'u1' },
        { timestamp: t(2), user_id: 'u2' },
      ],
      token,
    });
    expect(many.body.accepted).toBe(2);

    const ndjson = await stack.request('POST', `/ingest/${business.id}`, {
      raw: `{"timestamp":"${t(3)}","user_id":"u1"}\n\n{"timestamp":"${t(4)}","user_id":"u3"}\n`,
      contentType: 'application/x-ndjson',
      token,
    });
    expect(ndjson.status).toBe(202);
    expect(ndjson.body.accepted).toBe(2);

    expect(await stack.count('event', 'business_id = $1', [business.id])).toBe(5);
    const batch = await stack.request('GET', `/ingest/${business.id}/batches/${many.body.batchId}`, { token });
    expect(batch.body).toMatchObject({ id: many.body.batchId, status: 'pending', eventCount: 2 });
  });

  it('lists events newest first, filtered by time and entity, with a cursor', async () => {
    const page = await stack.request('GET', `/businesses/${business.id}/events?entity=u1&limit=2`);
    expect(page.body.items.map((e: { payload: { timestamp: string } }) => e.payload.timestamp)).toEqual([t(3), t(1)]);
    const next = await stack.request(
      'GET',
      `/businesses/${business.id}/events?entity=u1&limit=2&cursor=${page.body.nextCursor}`,
    );
    expect(next.body.items.map((e: { payload: { timestamp: string } }) => e.payload.timestamp)).toEqual([t(0)]);
    expect(next.body.nextCursor).toBeNull();
    const ranged = await stack.request('GET', `/businesses/${business.id}/events?from=${t(1)}&to=${t(3)}`);
    expect(ranged.body.items).toHaveLength(2);
    const some = page.body.items.map((e: { id: string }) => e.id);
    const byIds = await stack.request(
      'GET',
      `/businesses/${business.id}/events?ids=${some.join(',')},00000000-0000-4000-8000-000000000000`,
    );
    expect(byIds.body.items.map((e: { id: string }) => e.id)).toEqual(some);
  });

  it('gives a batch its seq only under the business ingest lock, so seq order is commit order', async () => {
    // A transaction that holds the lock stands for an ingest in flight between its seq and its commit.
    const holder = await stack.db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query("SELECT pg_advisory_xact_lock(hashtext('anom:ingest-seq:' || $1))", [business.id]);
      const { seq: before } = (await stack.db.pool.query('SELECT last_value AS seq FROM ingest_batch_seq_seq')).rows[0];
      const waiting = stack.request('POST', `/ingest/${business.id}`, {
        body: { timestamp: t(30), user_id: 'u-lock' },
        token,
      });
      await new Promise((r) => setTimeout(r, 300));
      // Blocked at the lock: no seq taken, nothing committed.
      expect((await stack.db.pool.query('SELECT last_value AS seq FROM ingest_batch_seq_seq')).rows[0].seq).toBe(
        before,
      );
      expect(await stack.count('event', "payload->>'user_id' = 'u-lock'")).toBe(0);
      await holder.query('COMMIT');
      const res = await waiting;
      expect(res.status).toBe(202);
      const { seq } = (await stack.db.pool.query('SELECT seq FROM ingest_batch WHERE id = $1', [res.body.batchId]))
        .rows[0];
      expect(BigInt(seq)).toBeGreaterThan(BigInt(before));
    } finally {
      holder.release();
    }
  });

  it('makes a resend with the same client event ids idempotent', async () => {
    const events = [
      { _id: 'dev-1', timestamp: t(10), user_id: 'u9' },
      { _id: 'dev-2', timestamp: t(11), user_id: 'u9' },
    ];
    const first = await stack.request('POST', `/ingest/${business.id}`, { body: events, token });
    const again = await stack.request('POST', `/ingest/${business.id}`, {
      body: [...events, { _id: 'dev-3', timestamp: t(12), user_id: 'u9' }],
      token,
    });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 2 });
    expect(again.body.ids.slice(0, 2)).toEqual(first.body.ids);
    expect(await stack.count('event', "business_id = $1 AND entity_key = 'u9'", [business.id])).toBe(3);
    const allDuplicates = await stack.request('POST', `/ingest/${business.id}`, { body: events, token });
    // accepted counts only what is new: a resend of stored `_id`s accepts nothing new.
    expect(allDuplicates.body).toMatchObject({ accepted: 0, duplicates: 2, batchId: null });
    expect(await stack.count('event', "business_id = $1 AND entity_key = 'u9'", [business.id])).toBe(3);
  });

  describe('bad input answers problem+json and stores nothing', () => {
    const cases: [
      string,
      { body?: unknown; raw?: string; contentType?: string; token?: string | null; url?: string },
      number,
      string | null,
    ][] = [
      ['a wrong type', { body: [{ timestamp: t(0), user_id: 'u', heart_rate: 'fast' }] }, 422, '/0/heart_rate'],
      [
        'a missing required field',
        { body: [{ timestamp: t(0), user_id: 'u' }, { timestamp: t(0) }] },
        422,
        '/1/user_id',
      ],
      ['a value below min', { body: { timestamp: t(0), user_id: 'u', heart_rate: -1 } }, 422, '/0/heart_rate'],
      ['a bad timestamp', { body: { timestamp: '01/02/2025', user_id: 'u' } }, 422, '/0/timestamp'],
      [
        'an event dated 9999-12-31',
        {
          body: [
            { timestamp: t(0), user_id: 'u' },
            { timestamp: '9999-12-31T00:00:00Z', user_id: 'u' },
          ],
        },
        422,
        '/1/timestamp',
      ],
      [
        'an event a day ahead of receipt',
        { body: { timestamp: new Date(Date.now() + 86_400_000).toISOString(), user_id: 'u' } },
        422,
        '/0/timestamp',
      ],
      ['an event dated 0001-01-01', { body: { timestamp: '0001-01-01T00:00:00Z', user_id: 'u' } }, 422, '/0/timestamp'],
      [
        "an event older than the business's retention, from a source token",
        { body: { timestamp: new Date(Date.now() - 31 * 86_400_000).toISOString(), user_id: 'u' } },
        422,
        '/0/timestamp',
      ],
      ['the largest epoch a Date holds', { body: { timestamp: 8640000000000000, user_id: 'u' } }, 422, '/0/timestamp'],
      ['an epoch beyond what a Date holds', { body: { timestamp: 1e16, user_id: 'u' } }, 422, '/0/timestamp'],
      ['an epoch before 1970', { body: { timestamp: -1, user_id: 'u' } }, 422, '/0/timestamp'],
      ['an array item that is not an object', { body: [{ timestamp: t(0), user_id: 'u' }, 42] }, 422, '/1'],
      [
        'a malformed NDJSON line',
        { raw: `{"timestamp":"${t(0)}","user_id":"u"}\n{"timestamp": oops}\n`, contentType: 'application/x-ndjson' },
        400,
        '/1',
      ],
      ['malformed JSON', { raw: '{"timestamp":' }, 400, null],
      ['an empty array', { body: [] }, 400, null],
      ['a scalar body', { raw: '42' }, 400, null],
      ['an unsupported content type', { raw: 'a,b', contentType: 'text/csv' }, 415, null],
      ['too many events', { body: Array.from({ length: 51 }, () => ({ timestamp: t(0), user_id: 'u' })) }, 413, null],
      ['an oversized body', { body: [{ timestamp: t(0), user_id: 'x'.repeat(70 * 1024) }] }, 413, null],
      ['no token', { body: { timestamp: t(0), user_id: 'u' }, token: null }, 401, null],
      ['a bad token', { body: { timestamp: t(0), user_id: 'u' }, token: 'anom_nope' }, 401, null],
      ["another business's token", { body: { timestamp: t(0), user_id: 'u' }, token: 'OTHER' }, 403, null],
      [
        'an unknown business',
        { body: { timestamp: t(0), user_id: 'u' }, token: 'ADMIN', url: '/ingest/no-such-business' },
        404,
        null,
      ],
    ];

    it.each(cases)('%s -> %d', async (_what, req, status, pointer) => {
      const before = await stack.count('event');
      const batches = await stack.count('ingest_batch');
      const tok =
        req.token === 'OTHER'
          ? otherToken
          : req.token === 'ADMIN'
            ? undefined
            : req.token === undefined
              ? token
              : req.token;
      const res = await stack.request('POST', req.url ?? `/ingest/${business.id}`, {
        body: req.body,
        raw: req.raw,
        contentType: req.contentType,
        token: tok,
      });
      const p = expectProblem(res, status);
      if (pointer) expect(p.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      if (status === 413) expect(p.detail).toMatch(/50 events|65536 bytes/);
      expect(await stack.count('event')).toBe(before);
      expect(await stack.count('ingest_batch')).toBe(batches);
    });

    it('takes history older than the retention from the bootstrap token (a replay)', async () => {
      const r = await stack.request('POST', `/ingest/${business.id}`, {
        body: { timestamp: '2014-04-10T00:04:00Z', user_id: 'replay' },
        token: undefined,
      });
      expect(r.status).toBe(202);
    });

    it.each([
      ['a bad from', '?from=yesterday', '/from'],
      ['a limit above 1000', '?limit=5000', '/limit'],
      ['from after to', `?from=${t(5)}&to=${t(1)}`, '/from'],
      ['a forged cursor', '?cursor=abc', '/cursor'],
      ['an id that is not a UUID', '?ids=abc', '/ids'],
      [
        'more than 100 ids',
        `?ids=${Array.from({ length: 101 }, () => '00000000-0000-4000-8000-000000000000').join(',')}`,
        '/ids',
      ],
    ])('GET events with %s -> 400 at %s', async (_what, query, pointer) => {
      const p = expectProblem(await stack.request('GET', `/businesses/${business.id}/events${query}`), 400);
      expect(p.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    });

    it('answers 404 for a batch of another business and 400 for a bad batch id', async () => {
      const r = await stack.request('POST', `/ingest/${other.id}`, {
        body: { timestamp: t(0), user_id: 'u' },
        token: otherToken,
      });
      expectProblem(await stack.request('GET', `/ingest/${business.id}/batches/${r.body.batchId}`), 404);
      expectProblem(await stack.request('GET', `/ingest/${business.id}/batches/nope`), 400);
    });
  });
});
