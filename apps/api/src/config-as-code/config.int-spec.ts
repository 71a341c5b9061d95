import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse, stringify } from 'yaml';
import { SEED_BUSINESSES, seed } from '@anom/db';
import { TestStack, expectProblem } from '../../../../test/harness';
import { formatPlan, readConfigDocument } from '../../../cli/src/config-as-code';
import { ProvisioningService } from './provisioning.service';

jest.setTimeout(120_000);

/**
 * Rules and businesses as code: the seeded platform exported, applied to an
 * empty install and exported again gives the same document; a changed rule
 * shows exactly that change and its backtest; prune, secrets, bad documents
 * and a provisioning folder.
 */
describe('rules and businesses as code (two installs: api + Postgres)', () => {
  const source = new TestStack();
  const target = new TestStack();
  const env = {
    ANOM_HEALTH_VITALS_ON_CALL_URL: 'http://127.0.0.1:9/hook',
    ANOM_HEALTH_VITALS_ON_CALL_SECRET: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXQ=',
  };
  let exported: Record<string, any>;

  beforeAll(async () => {
    await source.start();
    await target.start();
    await seed(source.db, SEED_BUSINESSES);
    const channel = {
      name: 'On call',
      kind: 'webhook',
      config: { url: 'http://127.0.0.1:9/hook' },
      minSeverity: 'high',
    };
    expect((await source.request('POST', '/businesses/health-vitals/channels', { body: channel })).status).toBe(201);
    const silence = { comment: 'maintenance window', duration: '2h' };
    expect((await source.request('POST', '/businesses/health-vitals/silences', { body: silence })).status).toBe(201);
  });
  afterAll(async () => {
    await source.stop();
    await target.stop();
  });

  it('exports the seeded platform as a document the published JSON Schema accepts, secrets as ${ENV}', async () => {
    const res = await source.request('GET', '/config/export');
    expect(res.status).toBe(200);
    exported = res.body;
    expect(exported.businesses.map((b: { id: string }) => b.id)).toEqual(SEED_BUSINESSES.map((b) => b.id).sort());
    const vitals = exported.businesses.find((b: { id: string }) => b.id === 'health-vitals');
    expect(vitals.rules.length).toBeGreaterThan(0);
    expect(vitals.fields.find((f: { name: string }) => f.name === 'heart_rate')).toMatchObject({
      loinc: '8867-4',
      ucum: '/min',
    });
    expect(vitals.channels).toEqual([
      expect.objectContaining({
        name: 'On call',
        config: { url: '${ANOM_HEALTH_VITALS_ON_CALL_URL}', secret: '${ANOM_HEALTH_VITALS_ON_CALL_SECRET}' },
      }),
    ]);
    expect(JSON.stringify(exported)).not.toContain('127.0.0.1:9');
    const schema = await source.request('GET', '/schemas/anom-config.json', { token: null });
    expect(schema.status).toBe(200);
    const validate = addFormats(new Ajv2020({ strict: false })).compile(schema.body);
    expect(validate(exported) ? [] : validate.errors).toEqual([]);
    // The YAML form is the same document.
    const yaml = await source.request('GET', '/config/export?format=yaml');
    expect(yaml.headers['content-type']).toBe('application/yaml; charset=utf-8');
    expect(parse(String(yaml.body))).toEqual(exported);
  });

  it('applies the export to an empty install, and exporting that gives the same document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anom-config-'));
    const file = join(dir, 'anom.yaml');
    writeFileSync(file, stringify(exported));
    expect(() => readConfigDocument(file, {})).toThrow(
      'ANOM_HEALTH_VITALS_ON_CALL_SECRET, ANOM_HEALTH_VITALS_ON_CALL_URL',
    );
    const doc = readConfigDocument(file, env);
    const dry = await target.request('POST', '/config/apply?dryRun=true', { body: doc });
    expect(dry.status).toBe(200);
    expect(dry.body.summary).toMatchObject({ update: 0, delete: 0, unchanged: 0 });
    expect(await target.count('business')).toBe(0);
    const applied = await target.request('POST', '/config/apply', { body: doc });
    expect(applied.status).toBe(200);
    expect(applied.body.summary.create).toBe(dry.body.summary.create);
    const again = await target.request('GET', '/config/export');
    expect(again.body).toEqual(exported);
    // Applying the same document again changes nothing.
    const idempotent = await target.request('POST', '/config/apply', { body: doc });
    expect(idempotent.body.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
  });

  it(
    'shows exactly a changed rule, with its backtest over the last 7 days, and applies it as a new ' + 'version',
    async () => {
      const vitals = (await target.request('GET', '/businesses/health-vitals/rules')).body.items;
      const rule = vitals.find((r: { kind: string; condition?: string }) => r.kind === 'sequence' && r.condition);
      const now = Date.now();
      const events = Array.from({ length: 12 }, (_, i) => ({
        timestamp: new Date(now - (12 - i) * 60_000).toISOString(),
        user_id: 'u1',
        heart_rate: 150,
        spo2_percent: 85,
        skin_temp_c: 39.5,
        activity_level: 2,
      }));
      expect((await target.request('POST', '/ingest/health-vitals', { body: events })).status).toBe(202);
      const doc = structuredClone(exported);
      const mine = doc.businesses.find((b: { id: string }) => b.id === 'health-vitals');
      const target_rule = mine.rules.find((r: { id: string }) => r.id === rule.id);
      target_rule.minCount = (target_rule.minCount ?? 3) + 1;
      for (const c of mine.channels)
        c.config = { url: env.ANOM_HEALTH_VITALS_ON_CALL_URL, secret: env.ANOM_HEALTH_VITALS_ON_CALL_SECRET };
      const plan = await target.request('POST', '/config/apply?dryRun=true', { body: doc });
      expect(plan.status).toBe(200);
      const changed = plan.body.items.filter((i: { action: string }) => i.action !== 'unchanged');
      expect(changed).toEqual([
        expect.objectContaining({
          object: 'rule',
          id: rule.id,
          action: 'update',
          changes: [{ path: 'minCount', from: target_rule.minCount - 1, to: target_rule.minCount }],
          backtest: expect.objectContaining({
            days: 7,
            events: 12,
            summary: expect.stringMatching(/^would have fired \d+ time\(s\) over the last 7 days/),
          }),
        }),
      ]);
      expect(formatPlan(plan.body).join('\n')).toContain(
        `minCount: ${target_rule.minCount - 1} → ${target_rule.minCount}`,
      );
      expect((await target.request('GET', `/rules/${rule.id}`)).body.version).toBe(rule.version);
      const applied = await target.request('POST', '/config/apply', { body: doc });
      expect(applied.body.summary).toMatchObject({ update: 1, create: 0, delete: 0 });
      const after = (await target.request('GET', `/rules/${rule.id}`)).body;
      expect(after).toMatchObject({ version: rule.version + 1, minCount: target_rule.minCount });
    },
  );

  it('deletes what the document lacks only with prune, and never prints a secret', async () => {
    const doc = structuredClone(exported);
    const mine = doc.businesses.find((b: { id: string }) => b.id === 'health-vitals');
    const dropped = mine.views.pop();
    mine.channels[0].config = { url: 'http://127.0.0.1:10/other', secret: env.ANOM_HEALTH_VITALS_ON_CALL_SECRET };
    const noPrune = await target.request('POST', '/config/apply?dryRun=true', { body: doc });
    expect(noPrune.body.items.find((i: { id: string }) => i.id === dropped.id)).toBeUndefined();
    const channel = noPrune.body.items.find((i: { object: string }) => i.object === 'channel');
    expect(channel).toMatchObject({
      action: 'update',
      changes: [{ path: 'config.url', from: '(secret)', to: '(secret)' }],
    });
    const pruned = await target.request('POST', '/config/apply?prune=true', { body: doc });
    expect(pruned.body.items.find((i: { id: string }) => i.id === dropped.id)).toMatchObject({ action: 'delete' });
    expect((await target.request('GET', `/views/${dropped.id}`)).status).toBe(404);
  });

  it.each([
    ['a document of another version', { apiVersion: 'anom/v0', businesses: [] }, '/apiVersion'],
    ['a business without fields', { apiVersion: 'anom/v1', businesses: [{ id: 'x1', name: 'X' }] }, '/businesses/0'],
    [
      'an unknown property',
      {
        apiVersion: 'anom/v1',
        businesses: [{ id: 'x1', name: 'X', fields: [{ name: 'a', type: 'number' }], color: 1 }],
      },
      '/businesses/0',
    ],
    [
      'a secret left as a reference',
      {
        apiVersion: 'anom/v1',
        businesses: [
          {
            id: 'x1',
            name: 'X',
            fields: [{ name: 'a', type: 'number' }],
            channels: [
              { id: '00000000-0000-4000-8000-000000000001', name: 'c', kind: 'slack', config: { url: '${SLACK_URL}' } },
            ],
          },
        ],
      },
      '/businesses/0/channels/0/config/url',
    ],
  ])('refuses %s with a 400 naming the place', async (_what, body, pointer) => {
    const res = await target.request('POST', '/config/apply?dryRun=true', { body });
    const problem = expectProblem(res, 400);
    expect(problem.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it('refuses a rule that does not compile, naming it, and an unknown business on export', async () => {
    const doc = {
      apiVersion: 'anom/v1',
      businesses: [
        {
          id: 'x2',
          name: 'X',
          fields: [{ name: 'a', type: 'number' }],
          rules: [{ id: '00000000-0000-4000-8000-000000000002', name: 'bad', kind: 'immediate', condition: 'b > 1' }],
        },
      ],
    };
    const refused = expectProblem(await target.request('POST', '/config/apply?dryRun=true', { body: doc }), 400);
    expect(refused.code).toBe('RULE_INVALID');
    expect(refused.detail).toContain('b');
    expect(await target.count('business', 'id = $1', ['x2'])).toBe(0);
    expectProblem(await target.request('GET', '/config/export?businessId=nope'), 404);
    expectProblem(await target.request('POST', '/config/apply?dryRun=maybe', { body: exported }), 400);
  });

  it('applies a provisioning folder at start-up and marks what it manages as provisioned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anom-provisioning-'));
    const doc = {
      apiVersion: 'anom/v1',
      businesses: [
        {
          id: 'provisioned-one',
          name: 'From a folder',
          fields: [{ name: 'a', type: 'number' }],
          rules: [
            { id: '00000000-0000-4000-8000-000000000003', name: 'a high', kind: 'immediate', condition: 'a > 1' },
          ],
        },
      ],
    };
    writeFileSync(join(dir, '10-one.yaml'), stringify(doc));
    writeFileSync(join(dir, '20-broken.yaml'), 'apiVersion: anom/v1\nbusinesses: [{ id: nope }]\n');
    const results = await target.api.get(ProvisioningService).provision(dir);
    expect(results.map((r) => [r.file, r.error === undefined])).toEqual([
      ['10-one.yaml', true],
      ['20-broken.yaml', false],
    ]);
    expect((await target.request('GET', '/businesses/provisioned-one')).body.provisioned).toBe(true);
    expect((await target.request('GET', '/rules/00000000-0000-4000-8000-000000000003')).body.provisioned).toBe(true);
    expect((await target.request('GET', '/businesses/health-vitals')).body.provisioned).toBe(false);
  });
});
