import { TestStack, businessBody, expectProblem, ADMIN_TOKEN } from '../../../test/harness';
import { hostileCorpus, hostileIngestBodies, type HostileCase } from '../../../test/hostile-corpus';
import { createOpenApiDocument } from './app.factory';

/** Longest any hostile request may take to be answered (ms): generous; most take a few. */
const MAX_MS = 2_000;

/**
 * Every route of the OpenAPI document against a generated corpus of hostile
 * requests (test/hostile-corpus.ts): none answers 5xx, none takes longer
 * than MAX_MS, and a rejected request stores nothing (every table's row
 * count is unchanged).
 */
describe('hostile input over every route (api + Postgres + Redis)', () => {
  const stack = new TestStack({ ingestMaxBodyBytes: 2 * 1024 * 1024 });
  const business = businessBody();
  const archived = businessBody();
  let cases: HostileCase[] = [];
  let tables: string[] = [];
  const failures: string[] = [];
  let slowest = { ms: 0, name: '' };
  let ruleId = '';

  const counts = async () => {
    const r = await stack.db.pool.query<{ c: string }>(
      `SELECT concat_ws(',', ${tables.map((t) => `(SELECT count(*) FROM "${t}")`).join(', ')}) AS c`,
    );
    return r.rows[0].c;
  };

  beforeAll(async () => {
    await stack.start();
    await stack.request('POST', '/businesses', { body: business });
    await stack.request('POST', '/businesses', { body: archived });
    await stack.request('DELETE', `/businesses/${archived.id}`);
    const sourceToken = (await stack.request('POST', `/businesses/${business.id}/sources`, { body: { name: 'gw' } }))
      .body.token;
    ruleId = (
      await stack.request('POST', `/businesses/${business.id}/rules`, {
        body: { name: 'Fast', kind: 'immediate', condition: 'heart_rate > 150' },
      })
    ).body.id;
    const viewId = (
      await stack.request('POST', `/businesses/${business.id}/views`, {
        body: {
          name: 'Heart',
          panels: [{ title: 'HR', agg: 'avg', field: 'heart_rate', bucket: '1h', chart: 'line' }],
        },
      })
    ).body.id;
    const silenceId = (
      await stack.request('POST', `/businesses/${business.id}/silences`, {
        body: { comment: 'maintenance', duration: '1h' },
      })
    ).body.id;
    const channelId = (
      await stack.request('POST', `/businesses/${business.id}/channels`, {
        body: { name: 'hook', kind: 'webhook', config: { url: 'https://example.com/hook' } },
      })
    ).body.id;
    const r = await stack.db.pool.query<{ relname: string }>(
      "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND relnamespace = 'public'::regnamespace AND " +
        "relname <> 'pgmigrations' ORDER BY relname",
    );
    tables = r.rows.map((x) => x.relname);
    const doc = JSON.parse(JSON.stringify(createOpenApiDocument(stack.api)));
    cases = hostileCorpus(
      doc,
      {
        businessId: business.id,
        archivedBusinessId: archived.id,
        fieldName: 'heart_rate',
        sourceToken,
        ids: { ruleId, viewId, silenceId, channelId },
      },
      ['/stream/alerts'],
    );
    for (const [what, contentType, payload] of hostileIngestBodies('user_id')) {
      cases.push({
        name: `POST /ingest/{businessId}: ${what}`,
        method: 'POST',
        url: `/ingest/${business.id}`,
        payload,
        contentType,
      });
    }
  });
  afterAll(() => stack.stop());

  describe('the reported repros answer 4xx naming the field', () => {
    const ts = new Date(Date.now() - 60_000).toISOString();
    it.each([
      [
        'a field named __proto__',
        'POST',
        '/businesses',
        (): string =>
          JSON.stringify(
            businessBody({
              fields: [
                { name: 'timestamp', type: 'timestamp' },
                { name: 'user_id', type: 'string' },
                { name: '__proto__', type: 'number' },
              ],
            }),
          ),
        400,
        '/fields/2/name',
      ],
      [
        'a field named constructor',
        'POST',
        '/businesses',
        (): string =>
          JSON.stringify(
            businessBody({
              fields: [
                { name: 'timestamp', type: 'timestamp' },
                { name: 'user_id', type: 'string' },
                { name: 'constructor', type: 'string' },
              ],
            }),
          ),
        400,
        '/fields/2/name',
      ],
      [
        'a field named toString',
        'POST',
        (): string => `/businesses/${business.id}/fields`,
        (): string => '{"name":"toString","type":"string"}',
        400,
        '/fields/4/name',
      ],
      [
        'a null description on PATCH',
        'PATCH',
        (): string => `/businesses/${business.id}`,
        (): string => '{"description":null}',
        400,
        '/description',
      ],
      [
        'a null enabled on a rule PATCH',
        'PATCH',
        (): string => `/rules/${ruleId}`,
        (): string => '{"enabled":null}',
        400,
        '/enabled',
      ],
      [
        'a null silence duration',
        'POST',
        (): string => `/businesses/${business.id}/silences`,
        (): string => '{"comment":"x","duration":null}',
        400,
        '/duration',
      ],
      [
        'a NUL in an event value',
        'POST',
        (): string => `/ingest/${business.id}`,
        (): string => `{"timestamp":"${ts}","user_id":"a\\u0000"}`,
        400,
        '/user_id',
      ],
      [
        'a lone surrogate in a client event id',
        'POST',
        (): string => `/ingest/${business.id}`,
        (): string => `[{"timestamp":"${ts}","user_id":"u","_id":"\\ud800"}]`,
        400,
        '/0/_id',
      ],
      [
        '1e400 in an event',
        'POST',
        (): string => `/ingest/${business.id}`,
        (): string => `[{"timestamp":"${ts}","user_id":"u","heart_rate":1e400}]`,
        400,
        '/0/heart_rate',
      ],
      [
        'an epoch of 8.64e15',
        'POST',
        (): string => `/ingest/${business.id}`,
        (): string => '[{"timestamp":8640000000000000,"user_id":"u"}]',
        422,
        '/0/timestamp',
      ],
      [
        'an epoch of 1e16',
        'POST',
        (): string => `/ingest/${business.id}`,
        (): string => '[{"timestamp":1e16,"user_id":"u"}]',
        422,
        '/0/timestamp',
      ],
      [
        'JSON nested 10,000 deep',
        'POST',
        (): string => `/ingest/${business.id}`,
        (): string => `[{"timestamp":"${ts}","user_id":"u","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}]`,
        400,
        null,
      ],
    ] as [string, string, string | (() => string), () => string, number, string | null][])(
      '%s',
      async (_what, method, url, payload, status, pointer) => {
        const before = await counts();
        const res = await stack.request(method, typeof url === 'function' ? url() : url, { raw: payload() });
        const p = expectProblem(res, status);
        if (pointer) expect(p.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
        expect(await counts()).toBe(before);
      },
    );
  });

  it('generates at least 1,000 cases covering every route', () => {
    expect(cases.length).toBeGreaterThanOrEqual(1_000);
    const doc = createOpenApiDocument(stack.api);
    for (const path of Object.keys(doc.paths)) {
      if (path === '/stream/alerts') continue;
      expect(cases.some((c) => c.name.includes(` ${path}:`))).toBe(true);
    }
  });

  it('answers every case with a 4xx or 2xx, in time, and stores nothing from a rejected request', async () => {
    const fastify = stack.api.getHttpAdapter().getInstance();
    for (const c of cases) {
      const before = await counts();
      const headers: Record<string, string> = {};
      if (c.authorization !== null) headers.authorization = c.authorization ?? `Bearer ${ADMIN_TOKEN}`;
      if (c.contentType) headers['content-type'] = c.contentType;
      const started = performance.now();
      if (process.env.HOSTILE_DEBUG) process.stdout.write(`${c.name}\n`);
      let status: number;
      try {
        const res = await fastify.inject({ method: c.method as 'GET', url: c.url, headers, payload: c.payload });
        status = res.statusCode;
      } catch (err) {
        failures.push(`${c.name}: threw ${String(err)}`);
        continue;
      }
      const ms = performance.now() - started;
      if (ms > slowest.ms) slowest = { ms, name: c.name };
      // Readiness is 503 by design here: no worker runs in this suite.
      if (status >= 500 && !(status === 503 && c.url.startsWith('/health/ready')))
        failures.push(`${c.name}: ${status}`);
      if (ms > MAX_MS) failures.push(`${c.name}: took ${Math.round(ms)} ms`);
      if (status >= 400 && (await counts()) !== before) failures.push(`${c.name}: ${status} but rows changed`);
    }
    process.stdout.write(
      `hostile corpus: ${cases.length} cases; slowest ${Math.round(slowest.ms)} ms (${slowest.name})\n`,
    );
    expect(failures).toEqual([]);
  }, 600_000);
});
