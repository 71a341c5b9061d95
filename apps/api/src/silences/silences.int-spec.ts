import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestStack, businessBody, expectProblem, waitUntil } from '../../../../test/harness';

const HOUR = 3_600_000;

describe('silences (api + worker + Postgres + Redis, local webhook receiver)', () => {
  const stack = new TestStack();
  const received: { path: string; body: any }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.end('ok');
    });
  });
  let businessId = '';
  let ruleId = '';

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    await stack.start({ worker: true });
    const b = businessBody({ fields: [...businessBody().fields, { name: 'cpu', type: 'number' }] });
    businessId = b.id;
    expect((await stack.request('POST', '/businesses', { body: b })).status).toBe(201);
    const rule = await stack.request('POST', `/businesses/${businessId}/rules`, {
      body: { name: 'CPU hot', kind: 'immediate', condition: 'cpu > 90', groupBy: ['user_id'], severity: 'high' },
    });
    ruleId = rule.body.id;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    expect(
      (
        await stack.request('POST', `/businesses/${businessId}/channels`, {
          body: { name: 'hook', kind: 'webhook', config: { url } },
        })
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await stack.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const silence = async (body: Record<string, unknown>) => {
    const res = await stack.request('POST', `/businesses/${businessId}/silences`, { body });
    expect(res.status).toBe(201);
    return res.body;
  };
  const ingest = async (user: string, cpu: number) => {
    expect(
      (
        await stack.request('POST', `/ingest/${businessId}`, {
          body: { timestamp: new Date().toISOString(), user_id: user, cpu },
        })
      ).status,
    ).toBe(202);
    await stack.waitForEvaluation();
  };
  const alertOf = async (user: string) =>
    (await stack.request('GET', `/alerts?businessId=${businessId}`)).body.items.find(
      (a: any) => a.groupKey.user_id === user,
    );

  it('creates a silence for a duration or until a time, lists those in force or upcoming, expires one', async () => {
    const before = Date.now();
    const now = await silence({
      comment: 'deploy of the billing service',
      ruleId,
      groupKey: { user_id: 'zed' },
      duration: '2h',
    });
    expect(now).toMatchObject({
      businessId,
      ruleId,
      groupKey: { user_id: 'zed' },
      comment: 'deploy of the billing service',
      createdBy: 'bootstrap',
      state: 'active',
    });
    expect(Date.parse(now.endsAt) - Date.parse(now.startsAt)).toBe(2 * HOUR);
    expect(Date.parse(now.startsAt)).toBeGreaterThanOrEqual(before - 1000);
    const later = await silence({
      comment: 'maintenance window',
      startsAt: new Date(before + 24 * HOUR).toISOString(),
      endsAt: new Date(before + 26 * HOUR).toISOString(),
    });
    expect(later).toMatchObject({ ruleId: null, groupKey: {}, state: 'pending' });

    const ids = async (q = '') =>
      (await stack.request('GET', `/businesses/${businessId}/silences${q}`)).body.items.map(
        (s: { id: string }) => s.id,
      );
    expect(await ids()).toEqual(expect.arrayContaining([now.id, later.id]));
    expect(await ids('?state=pending')).toEqual([later.id]);

    const expired = await stack.request('POST', `/silences/${later.id}/expire`);
    expect(expired.status).toBe(200);
    expect(expired.body).toMatchObject({ id: later.id, state: 'expired' });
    // Expiring again changes nothing.
    expect((await stack.request('POST', `/silences/${later.id}/expire`)).body).toEqual(expired.body);
    expect(await ids()).not.toContain(later.id);
    expect(await ids('?state=expired')).toEqual([later.id]);
    expect((await stack.request('GET', `/silences/${now.id}`)).body).toEqual(now);
    await stack.request('POST', `/silences/${now.id}/expire`);
    expect(await stack.count('audit_log', "entity_type = 'silence'")).toBe(4);
  });

  it.each([
    ['no comment', { duration: '1h' }, '/comment'],
    ['neither endsAt nor duration', { comment: 'x' }, '/endsAt'],
    [
      'both endsAt and duration',
      { comment: 'x', duration: '1h', endsAt: new Date(Date.now() + HOUR).toISOString() },
      '/duration',
    ],
    ['a duration that is not one', { comment: 'x', duration: '5 minutes' }, '/duration'],
    [
      'an end before the start',
      {
        comment: 'x',
        startsAt: new Date(Date.now() + 2 * HOUR).toISOString(),
        endsAt: new Date(Date.now() + HOUR).toISOString(),
      },
      '/endsAt',
    ],
    [
      'an end already past',
      {
        comment: 'x',
        startsAt: new Date(Date.now() - 3 * HOUR).toISOString(),
        endsAt: new Date(Date.now() - HOUR).toISOString(),
      },
      '/endsAt',
    ],
    ['longer than a year', { comment: 'x', duration: '400d' }, '/duration'],
    ['a start that is not a date', { comment: 'x', duration: '1h', startsAt: 'tomorrow' }, '/startsAt'],
    ['a rule id that is not a UUID', { comment: 'x', duration: '1h', ruleId: 'CPU hot' }, '/ruleId'],
    [
      'a rule of no such id',
      { comment: 'x', duration: '1h', ruleId: '8d1f5c1e-0000-4000-8000-000000000000' },
      '/ruleId',
    ],
    ['a group key that is not an object', { comment: 'x', duration: '1h', groupKey: 'ann' }, '/groupKey'],
    ['a group key field the schema lacks', { comment: 'x', duration: '1h', groupKey: { host: 'a' } }, '/groupKey/host'],
    [
      'a group key value that is not a scalar',
      { comment: 'x', duration: '1h', groupKey: { user_id: { name: 'ann' } } },
      '/groupKey/user_id',
    ],
  ])('refuses %s with problem+json naming the field, storing nothing', async (_what, body, pointer) => {
    const before = await stack.count('silence');
    const problem = expectProblem(await stack.request('POST', `/businesses/${businessId}/silences`, { body }), 400);
    expect(problem.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await stack.count('silence')).toBe(before);
  });

  it('answers 404 for an unknown business or silence, 400 for a malformed id or state, 401 without token', async () => {
    expectProblem(
      await stack.request('POST', '/businesses/no-such-business/silences', {
        body: { comment: 'x', duration: '1h' },
      }),
      404,
    );
    expectProblem(await stack.request('GET', '/silences/8d1f5c1e-0000-4000-8000-000000000000'), 404);
    expectProblem(await stack.request('POST', '/silences/8d1f5c1e-0000-4000-8000-000000000000/expire'), 404);
    expectProblem(await stack.request('GET', '/silences/not-a-uuid'), 400);
    const problem = expectProblem(await stack.request('GET', `/businesses/${businessId}/silences?state=muted`), 400);
    expect(problem.errors.map((e: { pointer: string }) => e.pointer)).toContain('/state');
    expectProblem(await stack.request('GET', `/businesses/${businessId}/silences`, { token: null }), 401);
  });

  it('mutes the notifications of matching alerts only, still raising them, and lets them through after', async () => {
    const muted = await silence({
      comment: 'ann is load testing',
      ruleId,
      groupKey: { user_id: 'ann' },
      duration: '1h',
    });
    await ingest('ann', 95);
    await ingest('bob', 96);
    const ann = await alertOf('ann');
    const bob = await alertOf('bob');
    expect([ann.status, bob.status]).toEqual(['open', 'open']);

    await waitUntil('bob’s notification', async () => received.some((r) => r.body.data?.alert?.id === bob.id));
    const detail = (await stack.request('GET', `/alerts/${ann.id}`)).body;
    expect(detail.notifications).toEqual([
      expect.objectContaining({ event: 'opened', status: 'silenced', silenceId: muted.id, attempts: [] }),
    ]);
    expect(detail.silences.map((s: { id: string }) => s.id)).toEqual([muted.id]);
    expect((await stack.request('GET', `/alerts/${bob.id}`)).body.silences).toEqual([]);
    const listed = (await stack.request('GET', `/alerts?businessId=${businessId}`)).body.items;
    expect(Object.fromEntries(listed.map((a: any) => [a.groupKey.user_id, a.silenced]))).toEqual({
      ann: true,
      bob: false,
    });
    expect(received.some((r) => r.body.data?.alert?.id === ann.id)).toBe(false);

    // Once the silence ends, ann's next change is announced.
    await stack.request('POST', `/silences/${muted.id}/expire`);
    expect((await alertOf('ann')).silenced).toBe(false);
    expect(
      (await stack.request('POST', `/alerts/${ann.id}/resolve`, { body: { note: 'load test over' } })).status,
    ).toBe(200);
    await waitUntil('ann’s resolve notification', async () => received.find((r) => r.body.data?.alert?.id === ann.id));
    expect(received.filter((r) => r.body.data?.alert?.id === ann.id).map((r) => r.body.type)).toEqual([
      'alert.resolved',
    ]);
  });
});
