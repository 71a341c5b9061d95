import { TestStack, businessBody, expectProblem } from '../../../../test/harness';

describe('rules (api + Postgres)', () => {
  const stack = new TestStack();
  const business = businessBody();
  const rule = {
    name: 'Tachycardia at rest',
    kind: 'immediate',
    condition: 'heart_rate > 100 && activity_level < 10',
    groupBy: ['user_id'],
    severity: 'high',
    escalations: [{ when: 'heart_rate > 130', severity: 'critical' }],
  };
  beforeAll(async () => {
    await stack.start();
    await stack.request('POST', '/businesses', { body: business });
  });
  afterAll(() => stack.stop());

  it('creates, reads, lists, versions and deletes a rule', async () => {
    const created = await stack.request('POST', `/businesses/${business.id}/rules`, { body: rule });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...rule, version: 1, origin: 'user', enabled: true, businessId: business.id });
    const id = created.body.id;
    expect((await stack.request('GET', `/rules/${id}`)).body.condition).toBe(rule.condition);
    expect(
      (await stack.request('GET', `/businesses/${business.id}/rules`)).body.items.map((r: { id: string }) => r.id),
    ).toContain(id);

    const patched = await stack.request('PATCH', `/rules/${id}`, {
      body: { condition: 'heart_rate > 110 && activity_level < 10', enabled: false },
    });
    expect(patched.body).toMatchObject({
      version: 2,
      condition: 'heart_rate > 110 && activity_level < 10',
      enabled: false,
      severity: 'high',
    });
    // The published version 1 is kept as it was.
    const v1 = await stack.db.pool.query('SELECT definition FROM rule_version WHERE rule_id = $1 AND version = 1', [
      id,
    ]);
    expect(v1.rows[0].definition.condition).toBe(rule.condition);

    expect((await stack.request('DELETE', `/rules/${id}`)).status).toBe(200);
    expectProblem(await stack.request('GET', `/rules/${id}`), 404);
    expect(await stack.count('rule_version', 'rule_id = $1', [id])).toBe(2);
  });

  it.each([
    [
      'an unknown field in the condition',
      { condition: 'hart_rate > 100' },
      '/condition',
      /unknown field 'hart_rate'.*did you mean 'heart_rate'/,
    ],
    ['a type mismatch', { condition: 'user_id > 3' }, '/condition', /no operator for string > int/],
    ['a condition that is not boolean', { condition: 'heart_rate + 1' }, '/condition', /boolean/],
    ['a syntax error', { condition: 'heart_rate >' }, '/condition', /Unexpected/],
    ['a missing condition', { condition: undefined }, '/condition', /non-empty/],
    ['an unknown kind', { kind: 'magic' }, '/kind', /must be one of/],
    ['an unknown severity', { severity: 'urgent' }, '/severity', /must be one of/],
    ['an unknown group-by field', { groupBy: ['patient'] }, '/groupBy/0', /unknown field/],
    [
      'a bad escalation',
      { escalations: [{ when: 'pulse > 1', severity: 'critical' }] },
      '/escalations/0/when',
      /unknown field 'pulse'/,
    ],
    ['a bad duration', { cooldown: 'ten minutes' }, '/cooldown', /duration/],
    ['an unknown property', { colour: 'red' }, '/colour', /should not exist/],
    [
      'a baseline on a string field',
      { kind: 'baseline', condition: undefined, field: 'user_id' },
      '/field',
      /needs a number field/,
    ],
    ['a baseline without a field', { kind: 'baseline', condition: undefined }, '/field', /needs the number field/],
    [
      'a baseline sensitivity out of range',
      { kind: 'baseline', condition: undefined, field: 'heart_rate', sensitivity: 50 },
      '/sensitivity',
      /from 1 to 20/,
    ],
    [
      'a baseline meanWindow that is not an integer',
      { kind: 'baseline', condition: undefined, field: 'heart_rate', meanWindow: 2.5 },
      '/meanWindow',
      /integer from 2 to 100/,
    ],
    [
      'a baseline volatilityWindow below 2',
      { kind: 'baseline', condition: undefined, field: 'heart_rate', volatilityWindow: 1 },
      '/volatilityWindow',
      /integer from 2 to 100/,
    ],
    [
      'a baseline meanWindow over half the history',
      { kind: 'baseline', condition: undefined, field: 'heart_rate', historySize: 40, meanWindow: 30 },
      '/meanWindow',
      /half of historySize/,
    ],
    [
      'a baseline contextWindow over 100',
      { kind: 'baseline', condition: undefined, field: 'heart_rate', contextWindow: 500 },
      '/contextWindow',
      /integer from 2 to 100/,
    ],
    [
      'a negative baseline quietPeriod',
      { kind: 'baseline', condition: undefined, field: 'heart_rate', quietPeriod: -5 },
      '/quietPeriod',
      /integer from 0 to 10000/,
    ],
  ])('rejects %s with 400 naming %s', async (_what, patch, pointer, detail) => {
    const before = await stack.count('rule');
    const p = expectProblem(
      await stack.request('POST', `/businesses/${business.id}/rules`, {
        body: { ...rule, name: `r-${Math.random()}`, ...patch },
      }),
      400,
    );
    expect(p.errors).toEqual(expect.arrayContaining([{ pointer, detail: expect.stringMatching(detail) }]));
    expect(await stack.count('rule')).toBe(before);
  });

  it('rejects a taken name with 409 and an unknown business with 404', async () => {
    await stack.request('POST', `/businesses/${business.id}/rules`, { body: { ...rule, name: 'Unique' } });
    expectProblem(
      await stack.request('POST', `/businesses/${business.id}/rules`, { body: { ...rule, name: 'Unique' } }),
      409,
    );
    expectProblem(await stack.request('POST', '/businesses/no-such/rules', { body: rule }), 404);
  });

  it('rejects a bad PATCH and keeps the current version', async () => {
    const created = await stack.request('POST', `/businesses/${business.id}/rules`, {
      body: { ...rule, name: 'Patched' },
    });
    expectProblem(await stack.request('PATCH', `/rules/${created.body.id}`, { body: { condition: 'nope > 1' } }), 400);
    expect((await stack.request('GET', `/rules/${created.body.id}`)).body.version).toBe(1);
    expectProblem(await stack.request('PATCH', '/rules/not-a-uuid', { body: {} }), 400);
    expectProblem(await stack.request('PATCH', '/rules/00000000-0000-0000-0000-000000000000', { body: {} }), 404);
  });
});

describe('rule backtest (api + Postgres)', () => {
  const stack = new TestStack({ backtestMaxEvents: 20 });
  const business = businessBody();
  const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 8, minute)).toISOString();
  beforeAll(async () => {
    await stack.start();
    await stack.request('POST', '/businesses', { body: business });
    // One day of readings for two users; ann has a run of 6 fast readings at rest.
    const events = Array.from({ length: 12 }, (_, m) => ({
      timestamp: at(m),
      user_id: 'ann',
      heart_rate: m >= 3 && m < 9 ? 120 : 70,
      activity_level: 2,
    })).concat([{ timestamp: at(30), user_id: 'bob', heart_rate: 125, activity_level: 50 }]);
    expect((await stack.request('POST', `/ingest/${business.id}`, { body: events })).status).toBe(202);
  });
  afterAll(() => stack.stop());

  it('reports what an unsaved rule would have raised, per day and with its lifecycle, saving nothing', async () => {
    const rule = {
      name: 'Tachy',
      kind: 'sequence',
      condition: 'heart_rate > 100 && activity_level < 10',
      minCount: 5,
      groupBy: ['user_id'],
      severity: 'high',
      resolveAfter: '1m',
    };
    const r = await stack.request('POST', `/businesses/${business.id}/rules/backtest`, {
      body: { rule, from: at(0), to: at(60) },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      events: 13,
      matches: 6,
      alertsTotal: 1,
      resolved: 1,
      open: 0,
      perDay: [{ day: '2025-01-01', alerts: 1 }],
    });
    expect(r.body.alerts[0]).toMatchObject({
      count: 6,
      startTime: at(3),
      endTime: at(8),
      groupKey: { user_id: 'ann' },
      resolvedAt: at(10),
    });
    expect(await stack.count('rule')).toBe(0);
    expect(await stack.count('alert')).toBe(0);
  });

  it.each([
    ['an invalid rule', { rule: { name: 'x', kind: 'immediate', condition: 'pulse > 1' } }, 400, '/condition'],
    ['no rule', { from: at(0) }, 400, '/rule'],
    [
      'from after to',
      { rule: { name: 'x', kind: 'immediate', condition: 'heart_rate > 1' }, from: at(10), to: at(0) },
      400,
      '/from',
    ],
    [
      'a bad date',
      { rule: { name: 'x', kind: 'immediate', condition: 'heart_rate > 1' }, from: 'monday' },
      400,
      '/from',
    ],
  ])('rejects %s', async (_what, body, status, pointer) => {
    const p = expectProblem(await stack.request('POST', `/businesses/${business.id}/rules/backtest`, { body }), status);
    expect(p.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it('answers 422 naming the limit when the range holds too many events', async () => {
    await stack.request('POST', `/ingest/${business.id}`, {
      body: Array.from({ length: 10 }, (_, m) => ({ timestamp: at(40 + m), user_id: 'cy' })),
    });
    const p = expectProblem(
      await stack.request('POST', `/businesses/${business.id}/rules/backtest`, {
        body: { rule: { name: 'x', kind: 'immediate', condition: 'heart_rate > 1' }, from: at(0), to: at(60) },
      }),
      422,
    );
    expect(p.detail).toMatch(/more than 20 events/);
  });

  it('answers 404 for an unknown business', async () => {
    expectProblem(
      await stack.request('POST', '/businesses/nope/rules/backtest', {
        body: { rule: { name: 'x', kind: 'immediate', condition: 'a > 1' } },
      }),
      404,
    );
  });
});
