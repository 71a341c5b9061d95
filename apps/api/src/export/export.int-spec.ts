import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import { ADMIN_TOKEN, TestStack, businessBody, expectProblem } from '../../../../test/harness';

const t = (minute: number) => new Date(Date.UTC(2025, 0, 1, 8, minute)).toISOString();

describe('exports (api + worker + Postgres)', () => {
  const stack = new TestStack();
  const business = businessBody({
    fields: [
      { name: 'timestamp', type: 'timestamp' },
      { name: 'user_id', type: 'string' },
      { name: 'note', type: 'string' },
      { name: 'amount', type: 'number' },
    ],
  });
  let url: string;

  beforeAll(async () => {
    await stack.start({ worker: true });
    await stack.api.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(stack.api.getHttpServer().address() as AddressInfo).port}`;
    expect((await stack.request('POST', '/businesses', { body: business })).status).toBe(201);
    const rule = { name: 'big amount', kind: 'immediate', condition: 'amount > 100', severity: 'high' };
    expect((await stack.request('POST', `/businesses/${business.id}/rules`, { body: rule })).status).toBe(201);
    const events = [
      { _id: 'a', timestamp: t(2), user_id: 'u1', note: 'plain', amount: 5 },
      { timestamp: t(0), user_id: 'u2', note: 'has, a comma\nand a line', amount: 500 },
      { _id: 'c', timestamp: t(1), user_id: 'u3', note: '=HYPERLINK("http://evil")', amount: -3 },
    ];
    expect((await stack.request('POST', `/ingest/${business.id}`, { body: events })).status).toBe(202);
    await stack.waitForEvaluation();
  });
  afterAll(() => stack.stop());

  const get = (path: string) => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  it('streams events as NDJSON in event-time order, each line as a client would send it again', async () => {
    const res = await get(`/businesses/${business.id}/events/export?from=${t(0)}&to=${t(60)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="[\w.-]+\.ndjson"$/);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.timestamp)).toEqual([t(0), t(1), t(2)]);
    // The client's _id where it sent one, else the stored id (a replay stores each event once).
    expect(lines[0]._id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.slice(1).map((l) => l._id)).toEqual(['c', 'a']);
    expect(lines[0]).toMatchObject({ user_id: 'u2', amount: 500 });
  });

  it('streams events as CSV with one column per field, quoting and formula-escaping text', async () => {
    const res = await get(`/businesses/${business.id}/events/export?format=csv&from=${t(0)}&to=${t(60)}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([
      '_id',
      'event_time',
      'received_at',
      'entity_key',
      'timestamp',
      'user_id',
      'note',
      'amount',
    ]);
    expect(rows.map((r) => r.note)).toEqual(['has, a comma\nand a line', `'=HYPERLINK("http://evil")`, 'plain']);
    // Numbers stay numbers, negative ones included.
    expect(rows.map((r) => r.amount)).toEqual(['500', '-3', '5']);
    expect(rows[0].event_time).toBe(new Date(t(0)).toISOString());
  });

  it('exports the alerts the list selects as CSV, with the same filters', async () => {
    const list = await stack.request('GET', `/alerts?businessId=${business.id}&status=open`);
    const res = await get(`/alerts/export?businessId=${business.id}&status=open`);
    expect(res.status).toBe(200);
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.id)).toEqual(list.body.items.map((a: { id: string }) => a.id));
    expect(rows[0]).toMatchObject({ business_id: business.id, status: 'open', severity: 'high', count: '1' });
    const none = await get(`/alerts/export?businessId=${business.id}&status=resolved`);
    expect((await none.text()).trim().split('\r\n')).toHaveLength(1); // the header only
  });

  it('gives an alert with the events involved on ?include=events, and refuses an unknown include', async () => {
    const [alert] = (await stack.request('GET', `/alerts?businessId=${business.id}`)).body.items;
    const plain = await stack.request('GET', `/alerts/${alert.id}`);
    expect(plain.body.events).toBeUndefined();
    const full = await stack.request('GET', `/alerts/${alert.id}?include=events`);
    expect(full.status).toBe(200);
    expect(full.body.events).toEqual([
      expect.objectContaining({ id: full.body.eventIds[0], payload: expect.objectContaining({ amount: 500 }) }),
    ]);
    expectProblem(await stack.request('GET', `/alerts/${alert.id}?include=everything`), 400);
  });

  it.each([
    [`/businesses/${'nope'}/events/export`, 404],
    [`/businesses/{b}/events/export?format=xml`, 400],
    [`/businesses/{b}/events/export?from=yesterday`, 400],
    [`/businesses/{b}/events/export?from=${t(5)}&to=${t(5)}`, 400],
    [`/alerts/export?status=closed`, 400],
    [`/alerts/export?format=ndjson`, 400],
  ])('answers %s with a %i problem', async (path, status) => {
    const res = await stack.request('GET', path.replace('{b}', business.id));
    expectProblem(res, status);
  });

  it('refuses an export without a credential', async () => {
    const res = await fetch(`${url}/businesses/${business.id}/events/export`);
    expect(res.status).toBe(401);
  });
});
