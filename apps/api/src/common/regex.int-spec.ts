import { TestStack, businessBody, expectProblem } from '../../../../test/harness';

/**
 * No regular expression a client chooses can hold the api: CEL `matches`
 * runs on RE2 (linear time), in rules saved, validated and backtested alike,
 * and request validation never builds a RegExp from a name the client sent.
 */
describe('regular expressions cannot freeze the api (api + Postgres)', () => {
  const stack = new TestStack();
  const business = businessBody({
    entityKeyFields: ['service'],
    fields: [
      { name: 'timestamp', type: 'timestamp', required: true },
      { name: 'service', type: 'string', required: true },
      { name: 'message', type: 'string' },
    ],
  });
  const at = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    await stack.start();
    await stack.request('POST', '/businesses', { body: business });
    await stack.request('POST', `/ingest/${business.id}`, {
      body: [{ timestamp: at, service: 'api', message: `${'a'.repeat(32)}!` }],
    });
  });
  afterAll(() => stack.stop());

  it('backtests a catastrophic-backtracking pattern over a matching-length event at once', async () => {
    const rule = { name: 'Evil', kind: 'immediate', condition: 'message.matches("^(a+)+$")' };
    expect((await stack.request('POST', `/businesses/${business.id}/rules`, { body: rule })).status).toBe(201);
    const started = Date.now();
    const r = await stack.request('POST', `/businesses/${business.id}/rules/backtest`, {
      body: { rule, from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ events: 1, matches: 0 });
    // Backtracking took 126 s here; RE2 takes milliseconds.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a pattern outside RE2 when the rule is saved, naming it', async () => {
    const p = expectProblem(
      await stack.request('POST', `/businesses/${business.id}/rules`, {
        body: { name: 'Backref', kind: 'immediate', condition: 'message.matches("(a)\\\\1")' },
      }),
      400,
    );
    expect(p.errors).toEqual([
      { pointer: '/condition', detail: expect.stringMatching(/invalid regular expression .*RE2 syntax/) },
    ]);
  });

  it('answers an unknown query parameter shaped like a regular expression with 400 at once', async () => {
    const started = Date.now();
    const p = expectProblem(await stack.request('GET', '/businesses?%28.%2A.%2A%29%2AQ=1'), 400);
    expect(p.errors).toEqual([{ pointer: '/(.*.*)*Q', detail: 'should not exist' }]);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers a body with a 100,000-character key with 400, quoting the key cut short', async () => {
    const key = `(${'x'.repeat(100_000)}`;
    const p = expectProblem(await stack.request('POST', '/businesses', { body: { ...businessBody(), [key]: 1 } }), 400);
    expect(p.errors[0].pointer.length).toBeLessThan(300);
    expect(p.errors[0].detail).toBe('should not exist');
  });
});
