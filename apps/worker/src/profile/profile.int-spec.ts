import { TestStack, businessBody, expectProblem, waitUntil } from '../../../../test/harness';
import { EvaluateService } from '../rule-engine/evaluate.service';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

describe('profiling and suggestions (api + worker + Postgres + Redis)', () => {
  const stack = new TestStack();
  const now = Date.now();
  let businessId = '';
  beforeAll(async () => {
    await stack.start({ worker: true });
    const b = businessBody({
      name: 'File arrivals',
      entityKeyFields: ['route'],
      fields: [
        { name: 'timestamp', type: 'timestamp', required: true },
        { name: 'route', type: 'string', required: true },
        { name: 'size_kb', type: 'number' },
      ],
    });
    businessId = b.id;
    expect((await stack.request('POST', '/businesses', { body: b })).status).toBe(201);
    // Three days of a periodic source: SFTP-BANK-A files every 10 minutes (± 30 s), up to a minute ago.
    let seed = 5;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const events: object[] = [];
    for (let t = now - 3 * DAY; t < now - MIN; t += 10 * MIN) {
      events.push({
        timestamp: new Date(t + Math.round((rnd() - 0.5) * MIN)).toISOString(),
        route: 'SFTP-BANK-A',
        size_kb: Math.round(400 + 50 * (rnd() + rnd() + rnd() - 1.5)),
      });
    }
    for (let i = 0; i < events.length; i += 200)
      expect((await stack.request('POST', `/ingest/${businessId}`, { body: events.slice(i, i + 200) })).status).toBe(
        202,
      );
    await stack.waitForEvaluation();
  });
  afterAll(() => stack.stop());

  const profile = async () => {
    const queued = await stack.request('POST', `/businesses/${businessId}/profile`);
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ status: 'queued', progress: 0, businessId });
    return waitUntil('the profiling run', async () => {
      const r = (await stack.request('GET', `/businesses/${businessId}/profile/${queued.body.id}`)).body;
      return r.status === 'done' && r;
    });
  };
  const pending = async () =>
    (await stack.request('GET', `/businesses/${businessId}/suggestions?status=pending`)).body.items as any[];

  it(
    'profiles a periodic source, proposes an absence rule with the right period, and the accepted rule fires ' +
      'when the source stops',
    async () => {
      const run = await profile();
      expect(run).toMatchObject({ progress: 100, events: 432, suggestions: expect.any(Number) });
      const absence = (await pending()).find((s) => s.kind === 'absence');
      expect(absence.rule).toMatchObject({
        kind: 'absence',
        window: '15m',
        groupBy: ['route'],
        expectedGroups: ['SFTP-BANK-A'],
      });
      expect(absence.rationale).toMatch(
        new RegExp(
          [
            String.raw`^Typical arrival for SFTP-BANK-A is every 10 min \(p95 10\.\d min over 3 days\)\. `,
            String.raw`Alert if nothing arrives for 15m\.$`,
          ].join(''),
        ),
      );
      // Its backtest over the same history: a regular source never went quiet that long.
      expect(absence.backtest).toMatchObject({ events: 432, alerts: 0, alertsPerDay: 0 });

      const accepted = await stack.request('POST', `/suggestions/${absence.id}/accept`, {
        body: { rule: { severity: 'critical' } },
      });
      expect(accepted.status).toBe(201);
      expect(accepted.body.suggestion).toMatchObject({
        status: 'accepted',
        decidedBy: 'bootstrap',
        ruleId: accepted.body.rule.id,
      });
      expect(accepted.body.rule).toMatchObject({
        origin: 'suggestion',
        kind: 'absence',
        window: '15m',
        severity: 'critical',
      });

      // The source stops: the rule starts watching at its first tick and fires once 15 minutes pass in silence.
      const evaluate = stack.worker!.get(EvaluateService);
      expect(await evaluate.tick(businessId, new Date(now + MIN))).toEqual([]);
      expect(await evaluate.tick(businessId, new Date(now + 17 * MIN))).toHaveLength(1);
      const [alert] = (await stack.request('GET', `/alerts?businessId=${businessId}`)).body.items;
      expect(alert).toMatchObject({
        ruleId: accepted.body.rule.id,
        severity: 'critical',
        groupKey: { route: 'SFTP-BANK-A' },
      });
    },
  );

  it('remembers decided suggestions and does not propose them, or what a rule already does, again', async () => {
    const before = await pending();
    const threshold = before.find((s) => s.kind === 'threshold');
    const rejected = await stack.request('POST', `/suggestions/${threshold.id}/reject`, {
      body: { reason: 'file sizes vary by design' },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: 'file sizes vary by design' });
    await profile();
    const after = await pending();
    expect(after.map((s) => s.key)).not.toContain(threshold.key);
    expect(after.filter((s) => s.kind === 'absence')).toEqual([]);
    expect(
      (await stack.request('GET', `/businesses/${businessId}/suggestions?status=rejected`)).body.items.map(
        (s: any) => s.key,
      ),
    ).toEqual([threshold.key]);
  });

  it('answers bad requests with problem+json and changes nothing', async () => {
    const [s] = await pending();
    expect(
      expectProblem(await stack.request('POST', `/suggestions/${s.id}/reject`, { body: {} }), 400).errors.map(
        (e: any) => e.pointer,
      ),
    ).toContain('/reason');
    expect(
      expectProblem(
        await stack.request('POST', `/suggestions/${s.id}/accept`, {
          body: { rule: { window: 'soon', kind: 'absence' } },
        }),
        400,
      ).errors.map((e: any) => e.pointer),
    ).toContain('/window');
    expect((await pending()).map((x) => x.id)).toContain(s.id);
    const decided = (await stack.request('GET', `/businesses/${businessId}/suggestions?status=accepted`)).body.items[0];
    expectProblem(await stack.request('POST', `/suggestions/${decided.id}/reject`, { body: { reason: 'x' } }), 409);
    expectProblem(
      await stack.request('POST', '/suggestions/0b7c6a52-0000-4000-8000-000000000001/accept', { body: {} }),
      404,
    );
    expectProblem(await stack.request('POST', '/suggestions/not-a-uuid/accept', { body: {} }), 400);
    expectProblem(await stack.request('POST', '/businesses/no-such-business/profile'), 404);
    expectProblem(
      await stack.request('GET', `/businesses/${businessId}/profile/0b7c6a52-0000-4000-8000-000000000001`),
      404,
    );
    expectProblem(await stack.request('GET', `/businesses/${businessId}/suggestions?status=maybe`), 400);
    expectProblem(await stack.request('POST', `/businesses/${businessId}/profile`, { token: null }), 401);
  });
});
