import { randomUUID } from 'node:crypto';
import { TestStack, businessBody } from '../../../../test/harness';

/**
 * Every definition change commits with its audit row or not at all: a trigger
 * makes one table's inserts or updates fail, and each service call must then
 * leave neither the change nor the audit row behind.
 */
describe('a change and its audit row commit together (api + Postgres)', () => {
  const stack = new TestStack();
  let businessId: string;
  beforeAll(async () => {
    await stack.start();
    businessId = (await stack.request('POST', '/businesses', { body: businessBody() })).body.id;
    await stack.db.pool.query(`CREATE FUNCTION anom_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused by the test'; END $$`);
  });
  afterAll(() => stack.stop());

  /** Runs `fn` while every INSERT (or UPDATE) into `table` fails. */
  async function failing<T>(table: string, op: 'INSERT' | 'UPDATE', fn: () => Promise<T>): Promise<T> {
    await stack.db.pool.query(
      `CREATE TRIGGER anom_test_refuse BEFORE ${op} ON ${table} FOR EACH ROW EXECUTE FUNCTION anom_test_refuse()`,
    );
    try {
      return await fn();
    } finally {
      await stack.db.pool.query(`DROP TRIGGER anom_test_refuse ON ${table}`);
    }
  }
  const audits = () => stack.count('audit_log');
  const failed = (r: { status: number }) => expect(r.status).toBeGreaterThanOrEqual(500);

  it('leaves no business, field or schema change when its audit row cannot be written', async () => {
    const before = await audits();
    const body = businessBody();
    await failing('audit_log', 'INSERT', async () => {
      failed(await stack.request('POST', '/businesses', { body }));
      // Details and schema in one PATCH: two writes before the audit row, both rolled back.
      const patch = { name: 'Renamed', entityKeyFields: [] };
      failed(await stack.request('PATCH', `/businesses/${businessId}`, { body: patch }));
      failed(await stack.request('POST', `/businesses/${businessId}/fields`, { body: { name: 'x', type: 'number' } }));
      failed(await stack.request('DELETE', `/businesses/${businessId}`));
    });
    expect(await stack.count('business', 'id = $1', [body.id])).toBe(0);
    const b = (await stack.request('GET', `/businesses/${businessId}`)).body;
    expect(b).toMatchObject({ name: 'Vitals', entityKeyFields: ['user_id'], schemaVersion: 1, archivedAt: null });
    expect(b.fields.map((f: { name: string }) => f.name)).not.toContain('x');
    expect(await audits()).toBe(before);
  });

  it('leaves no rule, rule version, view, silence, channel or source change when the audit fails', async () => {
    const rule = (
      await stack.request('POST', `/businesses/${businessId}/rules`, {
        body: { name: 'fast', kind: 'immediate', condition: 'heart_rate > 150' },
      })
    ).body;
    const source = (await stack.request('POST', `/businesses/${businessId}/sources`, { body: { name: 's' } })).body;
    const silence = (
      await stack.request('POST', `/businesses/${businessId}/silences`, { body: { duration: '1h', comment: 'c' } })
    ).body;
    const before = await audits();
    await failing('audit_log', 'INSERT', async () => {
      const r = { name: 'slow', kind: 'immediate', condition: 'heart_rate < 40' };
      failed(await stack.request('POST', `/businesses/${businessId}/rules`, { body: r }));
      failed(await stack.request('PATCH', `/rules/${rule.id}`, { body: { severity: 'critical' } }));
      failed(await stack.request('DELETE', `/rules/${rule.id}`));
      const view = { name: 'v', panels: [{ title: 'n', agg: 'count' }] };
      failed(await stack.request('POST', `/businesses/${businessId}/views`, { body: view }));
      failed(
        await stack.request('POST', `/businesses/${businessId}/silences`, { body: { duration: '1h', comment: 'c' } }),
      );
      failed(await stack.request('POST', `/silences/${silence.id}/expire`));
      const channel = { name: 'hook', kind: 'webhook', config: { url: 'https://example.com/hook' } };
      failed(await stack.request('POST', `/businesses/${businessId}/channels`, { body: channel }));
      failed(await stack.request('POST', `/businesses/${businessId}/sources`, { body: { name: 't' } }));
      failed(await stack.request('DELETE', `/businesses/${businessId}/sources/${source.id}`));
    });
    expect(await stack.count('rule', 'business_id = $1', [businessId])).toBe(1);
    expect(await stack.count('rule_version', 'rule_id = $1', [rule.id])).toBe(1);
    expect((await stack.request('GET', `/rules/${rule.id}`)).body).toMatchObject({ severity: 'medium', version: 1 });
    expect(await stack.count('view', 'business_id = $1', [businessId])).toBe(0);
    expect(await stack.count('silence', 'business_id = $1', [businessId])).toBe(1);
    expect((await stack.request('GET', `/silences/${silence.id}`)).body.state).toBe('active');
    expect(await stack.count('notification_channel', 'business_id = $1', [businessId])).toBe(0);
    expect(await stack.count('api_key', 'business_id = $1 AND revoked_at IS NULL', [businessId])).toBe(1);
    expect(await audits()).toBe(before);
  });

  it('rolls back the new rule and its audit row when the write after them fails (accepting a suggestion)', async () => {
    const id = randomUUID();
    const rule = { name: 'suggested', kind: 'immediate', condition: 'heart_rate > 180' };
    await stack.db.pool.query(
      `INSERT INTO suggestion (id, business_id, key, kind, rule, rationale, evidence, backtest)
       VALUES ($1, $2, $3, 'threshold', $4, 'why', '{}', '{}')`,
      [id, businessId, `k-${id}`, JSON.stringify(rule)],
    );
    const before = await audits();
    // The rule and its audit row are written first; marking the suggestion accepted then fails.
    await failing('suggestion', 'UPDATE', async () => {
      failed(await stack.request('POST', `/suggestions/${id}/accept`, { body: {} }));
    });
    expect(await stack.count('rule', 'business_id = $1 AND name = $2', [businessId, 'suggested'])).toBe(0);
    expect(await audits()).toBe(before);
    expect(await stack.count('suggestion', "id = $1 AND status = 'pending'", [id])).toBe(1);

    const accepted = await stack.request('POST', `/suggestions/${id}/accept`, { body: {} });
    expect(accepted.status).toBe(201);
    expect(await stack.count('rule', 'business_id = $1 AND name = $2', [businessId, 'suggested'])).toBe(1);
    // The rule's creation and the decision, each with its row.
    expect(await audits()).toBe(before + 2);
  });
});
