import { TestStack, businessBody } from '../../../test/harness';
import { emptyDraft, toRuleBody, type RuleDraft } from '../src/features/rules/rule-form';

// The rule editor's forms build bodies with toRuleBody; each kind's body, as a
// person would fill the form, must be one the api takes — and a kind changed
// on a saved rule must clear what the old kind had.
describe('rule editor bodies against the api (api + Postgres)', () => {
  const stack = new TestStack();
  const business = businessBody();
  beforeAll(async () => {
    await stack.start();
    await stack.request('POST', '/businesses', { body: business });
  });
  afterAll(() => stack.stop());

  const draft = (patch: Partial<RuleDraft>): RuleDraft => ({
    ...emptyDraft(),
    name: `r-${Math.random()}`,
    groupBy: ['user_id'],
    ...patch,
  });

  it.each([
    [
      'immediate',
      {
        kind: 'immediate',
        condition: 'heart_rate > 120',
        escalations: [{ when: 'heart_rate > 160', severity: 'critical' }],
        cooldown: '10m',
        resolveAfter: '5m',
      },
    ],
    [
      'sequence',
      { kind: 'sequence', condition: 'heart_rate > 100 && activity_level < 10', minCount: '5', within: '5m' },
    ],
    ['absence', { kind: 'absence', window: '20m', expectedGroups: 'u1, u2' }],
    [
      'aggregate over a window',
      { kind: 'aggregate', condition: 'heart_rate > 100', window: '3m', op: '>=', threshold: '20' },
    ],
    [
      'aggregate over a day',
      { kind: 'aggregate', aggFn: 'avg', aggField: 'heart_rate', period: 'day', op: '>', threshold: '90' },
    ],
    [
      'baseline',
      {
        kind: 'baseline',
        field: 'heart_rate',
        sensitivity: '4',
        seasonality: 'hour_of_day',
        meanWindow: '12',
        volatilityWindow: '24',
      },
    ],
    [
      'baseline with history and new extremes',
      {
        kind: 'baseline',
        field: 'heart_rate',
        sensitivity: '6',
        seasonality: 'auto',
        historySize: '1000',
        newExtremesOnly: true,
        meanWindow: '12',
        volatilityWindow: '24',
      },
    ],
  ] as const)('the %s form builds a body the api takes', async (_what, patch) => {
    const res = await stack.request('POST', `/businesses/${business.id}/rules/validate`, {
      body: toRuleBody(draft(patch as Partial<RuleDraft>)),
    });
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 200, body: { valid: true } });
  });

  it('changes a saved rule’s kind without leftovers of the old kind', async () => {
    const created = await stack.request('POST', `/businesses/${business.id}/rules`, {
      body: toRuleBody(draft({ kind: 'sequence', condition: 'heart_rate > 100', minCount: '3', within: '2m' })),
    });
    expect(created.status).toBe(201);
    const patched = await stack.request('PATCH', `/rules/${created.body.id}`, {
      body: toRuleBody(draft({ name: created.body.name, kind: 'absence', window: '15m' }), true),
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ kind: 'absence', window: '15m', version: 2 });
    expect(patched.body.minCount ?? null).toBeNull();
    expect(patched.body.within ?? null).toBeNull();
  });

  it('clears an option emptied in an edit of the same kind', async () => {
    const created = await stack.request('POST', `/businesses/${business.id}/rules`, {
      body: toRuleBody(
        draft({ kind: 'sequence', condition: 'heart_rate > 100', minCount: '3', within: '2m', description: 'old' }),
      ),
    });
    const patched = await stack.request('PATCH', `/rules/${created.body.id}`, {
      body: toRuleBody(
        draft({ name: created.body.name, kind: 'sequence', condition: 'heart_rate > 100', minCount: '4', within: '' }),
        true,
      ),
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ minCount: 4, within: null });
    expect(patched.body.description).toBeUndefined();
  });
});
