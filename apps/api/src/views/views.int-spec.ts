import { ADMIN_TOKEN, TestStack, businessBody, expectProblem, waitUntil } from '../../../../test/harness';

describe('views, series and the dashboard overview (api + Postgres)', () => {
  const stack = new TestStack();
  const business = businessBody();
  const t0 = Date.parse('2026-11-20T10:00:00Z');
  const at = (min: number) => new Date(t0 + min * 60_000).toISOString();

  beforeAll(async () => {
    await stack.start();
    await stack.request('POST', '/businesses', { body: business });
    // u1: 60, 70, 80 in the first 5-minute bucket; 100 in the second. u2: one event of 50.
    const events = [
      { timestamp: at(0), user_id: 'u1', heart_rate: 60 },
      { timestamp: at(1), user_id: 'u1', heart_rate: 70 },
      { timestamp: at(2), user_id: 'u1', heart_rate: 80 },
      { timestamp: at(6), user_id: 'u1', heart_rate: 100 },
      { timestamp: at(3), user_id: 'u2', heart_rate: 50 },
      { timestamp: at(4), user_id: 'u2' },
    ];
    expect((await stack.request('POST', `/ingest/${business.id}`, { body: events })).status).toBe(202);
  });
  afterAll(() => stack.stop());

  it('creates, lists, edits and deletes a view', async () => {
    const created = await stack.request('POST', `/businesses/${business.id}/views`, {
      body: { name: 'Vitals', panels: [{ field: 'heart_rate', agg: 'avg', groupBy: 'user_id' }] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Vitals',
      businessId: business.id,
      panels: [
        {
          title: 'avg(heart_rate)',
          field: 'heart_rate',
          agg: 'avg',
          groupBy: 'user_id',
          bucket: null,
          chart: 'line',
          filter: null,
        },
      ],
    });
    const id = created.body.id;
    expect(
      (await stack.request('GET', `/businesses/${business.id}/views`)).body.items.map((v: { id: string }) => v.id),
    ).toEqual([id]);
    const patched = await stack.request('PATCH', `/views/${id}`, {
      body: { name: 'Heart', panels: [{ agg: 'count', chart: 'bar' }] },
    });
    expect(patched.body).toMatchObject({ name: 'Heart', panels: [{ title: 'Events', agg: 'count', chart: 'bar' }] });
    expect((await stack.request('GET', `/views/${id}`)).body.name).toBe('Heart');
    expect((await stack.request('DELETE', `/views/${id}`)).status).toBe(200);
    expectProblem(await stack.request('GET', `/views/${id}`), 404);
  });

  it.each([
    ['no name', { panels: [{ agg: 'count' }] }, '/name'],
    ['no panels', { name: 'x', panels: [] }, '/panels'],
    ['an unknown field', { name: 'x', panels: [{ agg: 'avg', field: 'pulse' }] }, '/panels/0/field'],
    ['an average of a text field', { name: 'x', panels: [{ agg: 'avg', field: 'user_id' }] }, '/panels/0/field'],
    ['an unknown aggregation', { name: 'x', panels: [{ agg: 'median', field: 'heart_rate' }] }, '/panels/0/agg'],
    ['a bad bucket', { name: 'x', panels: [{ agg: 'count', bucket: 'hourly' }] }, '/panels/0/bucket'],
    ['a bad chart', { name: 'x', panels: [{ agg: 'count', chart: 'pie' }] }, '/panels/0/chart'],
    ['an unknown property', { name: 'x', panels: [{ agg: 'count' }], colour: 'red' }, '/colour'],
  ])('rejects a view with %s (400 naming %s) and stores nothing', async (_what, body, pointer) => {
    const before = await stack.count('view');
    const p = expectProblem(await stack.request('POST', `/businesses/${business.id}/views`, { body }), 400);
    expect(p.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
    expect(await stack.count('view')).toBe(before);
  });

  it('rejects a taken view name with 409 and an unknown business with 404', async () => {
    await stack.request('POST', `/businesses/${business.id}/views`, {
      body: { name: 'Once', panels: [{ agg: 'count' }] },
    });
    expectProblem(
      await stack.request('POST', `/businesses/${business.id}/views`, {
        body: { name: 'Once', panels: [{ agg: 'count' }] },
      }),
      409,
    );
    expectProblem(
      await stack.request('POST', '/businesses/no-such/views', { body: { name: 'x', panels: [{ agg: 'count' }] } }),
      404,
    );
    expectProblem(await stack.request('PATCH', '/views/not-a-uuid', { body: { name: 'x' } }), 400);
  });

  it('answers time-bucketed aggregations per group', async () => {
    const q = `from=${at(0)}&to=${at(10)}&bucket=5m`;
    const avg = await stack.request(
      'GET',
      `/businesses/${business.id}/series?agg=avg&field=heart_rate&groupBy=user_id&${q}`,
    );
    expect(avg.status).toBe(200);
    expect(avg.body).toMatchObject({ bucketMs: 300_000, agg: 'avg', field: 'heart_rate', groupBy: 'user_id' });
    expect(avg.body.series).toEqual([
      {
        group: 'u1',
        points: [
          { t: at(0), v: 70 },
          { t: at(5), v: 100 },
        ],
      },
      { group: 'u2', points: [{ t: at(0), v: 50 }] },
    ]);
    const count = await stack.request('GET', `/businesses/${business.id}/series?agg=count&${q}`);
    expect(count.body.series).toEqual([
      {
        group: null,
        points: [
          { t: at(0), v: 5 },
          { t: at(5), v: 1 },
        ],
      },
    ]);
    // count of a field counts the events carrying it; a filter keeps the listed values.
    const carrying = await stack.request(
      'GET',
      `/businesses/${business.id}/series?agg=count&field=heart_rate&filterField=user_id&filterValues=u2&${q}`,
    );
    expect(carrying.body.series).toEqual([{ group: null, points: [{ t: at(0), v: 1 }] }]);
    const p95 = await stack.request('GET', `/businesses/${business.id}/series?agg=p50&field=heart_rate&${q}`);
    expect(p95.body.series[0].points[0]).toEqual({ t: at(0), v: 65 });
    // Without a bucket, one is chosen from the range (10 minutes -> 5 s steps).
    expect(
      (await stack.request('GET', `/businesses/${business.id}/series?agg=count&from=${at(0)}&to=${at(10)}`)).body
        .bucketMs,
    ).toBe(5_000);
  });

  it.each([
    ['an unknown aggregation', 'agg=median&field=heart_rate', '/agg'],
    ['a missing field', 'agg=avg', '/field'],
    ['a text field', 'agg=max&field=user_id', '/field'],
    ['an unknown group', 'agg=count&groupBy=nope', '/groupBy'],
    ['an unknown filter field', 'agg=count&filterField=nope&filterValues=a', '/filterField'],
    ['a bad bucket', 'agg=count&bucket=hourly', '/bucket'],
    ['a bad time', 'agg=count&from=yesterday', '/from'],
    ['from after to', `agg=count&from=${at(10)}&to=${at(0)}`, '/from'],
    ['too many buckets', `agg=count&bucket=1s&from=${at(0)}&to=${at(600)}`, '/bucket'],
  ])('rejects a series with %s (400 naming %s)', async (_what, query, pointer) => {
    const p = expectProblem(await stack.request('GET', `/businesses/${business.id}/series?${query}`), 400);
    expect(p.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it('gives the dashboard every live business with rate, last event, alerts and a sparkline', async () => {
    const now = new Date();
    await stack.request('POST', `/ingest/${business.id}`, {
      body: [{ timestamp: now.toISOString(), user_id: 'u3', heart_rate: 72 }],
    });
    const o = await stack.request('GET', '/overview');
    expect(o.status).toBe(200);
    const item = o.body.items.find((i: { businessId: string }) => i.businessId === business.id);
    // Counted by receive time: the six events of beforeAll (event times days ago) were received just now too.
    expect(item).toMatchObject({
      name: business.name,
      eventsLastHour: 7,
      // 7 events received just now: 1.4 a minute over the last 5 minutes.
      ratePerMinute: 1.4,
      openAlerts: {},
      pendingSuggestions: 0,
    });
    expect(Date.parse(item.lastEventAt)).toBe(Date.parse(now.toISOString()));
    // The receipt clock is its own figure: an event dated years back was still received just now.
    const old = new Date(Date.now() - 3 * 365 * 86_400_000).toISOString();
    await stack.request('POST', `/ingest/${business.id}`, {
      body: [{ timestamp: old, user_id: 'u3', heart_rate: 70 }],
    });
    const again = (await stack.request('GET', '/overview')).body.items.find(
      (i: { businessId: string }) => i.businessId === business.id,
    );
    expect(Date.now() - Date.parse(again.lastReceivedAt)).toBeLessThan(60_000);
    expect(Date.parse(again.lastEventAt)).toBe(Date.parse(now.toISOString()));
    expect(item.spark.length).toBeGreaterThanOrEqual(36);
    expect(item.spark.reduce((n: number, p: { n: number }) => n + p.n, 0)).toBe(7);
  });
});

describe('live alert stream and bulk acknowledge (api + worker + Postgres + Redis)', () => {
  const stack = new TestStack();
  const business = businessBody();
  let base = '';

  beforeAll(async () => {
    await stack.start({ worker: true });
    await stack.api.listen(0, '127.0.0.1');
    base = await stack.api.getUrl();
    await stack.request('POST', '/businesses', { body: business });
    await stack.request('POST', `/businesses/${business.id}/rules`, {
      body: { name: 'High', kind: 'immediate', condition: 'heart_rate > 150', groupBy: ['user_id'], severity: 'high' },
    });
  });
  afterAll(() => stack.stop());

  it('streams an alert as it opens and as a person acknowledges it, as server-sent events', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${base}/stream/alerts?businessId=${business.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: ctrl.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const received: { event: string; data: any }[] = [];
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        buf += value;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          received.push({ event, data: data ? JSON.parse(data) : null });
        }
      }
    })();

    await stack.request('POST', `/ingest/${business.id}`, {
      body: { timestamp: new Date().toISOString(), user_id: 'u1', heart_rate: 170 },
    });
    const opened = await waitUntil('alert event', async () => received.find((m) => m.event === 'alert'));
    expect(opened.data).toMatchObject({
      businessId: business.id,
      status: 'open',
      severity: 'high',
      groupKey: { user_id: 'u1' },
    });

    await stack.request('POST', `/alerts/${opened.data.id}/acknowledge`, { body: { note: 'on it' } });
    const acked = await waitUntil('acknowledged event', async () =>
      received.find((m) => m.event === 'alert' && m.data.status === 'acknowledged'),
    );
    expect(acked.data).toMatchObject({ id: opened.data.id, acknowledgedBy: 'bootstrap', note: 'on it' });
    ctrl.abort();
    await pump;
  });

  it('listens again after its Postgres connection is cut, and streams the next alert', async () => {
    const listener =
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'anom-alert-stream' AND datname = current_database()";
    const before = (await stack.db.pool.query(listener)).rows.map((r) => r.pid);
    expect(before).toHaveLength(1);
    await stack.db.pool.query('SELECT pg_terminate_backend($1)', [before[0]]);
    await waitUntil('a new listener', async () => {
      const now = (await stack.db.pool.query(listener)).rows.map((r) => r.pid);
      return now.length === 1 && now[0] !== before[0];
    });
    const ctrl = new AbortController();
    const res = await fetch(`${base}/stream/alerts?businessId=${business.id}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      signal: ctrl.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const got = (async () => {
      while (!text.includes('"user_id":"u2"')) {
        const { value, done } = await reader.read();
        if (done) return;
        text += value;
      }
    })();
    await stack.request('POST', `/ingest/${business.id}`, {
      body: { timestamp: new Date().toISOString(), user_id: 'u2', heart_rate: 171 },
    });
    await Promise.race([
      got,
      new Promise((_r, reject) => setTimeout(() => reject(new Error(`no alert streamed; got ${text}`)), 15_000)),
    ]);
    expect(text).toMatch(/event: alert/);
    ctrl.abort();
  });

  it('refuses the stream without a token', async () => {
    const res = await fetch(`${base}/stream/alerts`);
    expect(res.status).toBe(401);
    await res.body?.cancel();
  });

  it('acknowledges many alerts at once and reports those it skipped', async () => {
    const now = Date.now();
    await stack.request('POST', `/ingest/${business.id}`, {
      body: ['u7', 'u8', 'u9'].map((u, i) => ({
        timestamp: new Date(now + i).toISOString(),
        user_id: u,
        heart_rate: 160,
      })),
    });
    const open = await waitUntil('three alerts', async () => {
      const r = await stack.request('GET', `/alerts?businessId=${business.id}&status=open`);
      const mine = r.body.items.filter((a: { groupKey: { user_id: string } }) =>
        ['u7', 'u8', 'u9'].includes(a.groupKey.user_id),
      );
      return mine.length === 3 ? mine : undefined;
    });
    const ids = open.map((a: { id: string }) => a.id);
    await stack.request('POST', `/alerts/${ids[0]}/resolve`, { body: {} });
    const missing = '00000000-0000-4000-8000-000000000000';
    const r = await stack.request('POST', '/alerts/acknowledge', {
      body: { ids: [...ids, missing], note: 'maintenance' },
    });
    expect(r.status).toBe(200);
    expect(r.body.acknowledged.map((a: { id: string }) => a.id).sort()).toEqual(ids.slice(1).sort());
    expect(
      r.body.acknowledged.every(
        (a: { note: string; status: string }) => a.note === 'maintenance' && a.status === 'acknowledged',
      ),
    ).toBe(true);
    expect(r.body.skipped.map((s: { id: string }) => s.id).sort()).toEqual([ids[0], missing].sort());
  });

  it.each([
    ['no ids', {}, '/ids'],
    ['an empty list', { ids: [] }, '/ids'],
    ['a bad id', { ids: ['nope'] }, '/ids'],
    ['a note that is not text', { ids: ['00000000-0000-4000-8000-000000000000'], note: 5 }, '/note'],
  ])('rejects a bulk acknowledge with %s (400 naming %s)', async (_what, body, pointer) => {
    const p = expectProblem(await stack.request('POST', '/alerts/acknowledge', { body }), 400);
    expect(p.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  it('filters alerts by first-seen time and rejects a bad time', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await stack.request('GET', `/alerts?businessId=${business.id}&from=${future}`)).body.items).toEqual([]);
    expect(
      (await stack.request('GET', `/alerts?businessId=${business.id}&to=${future}`)).body.items.length,
    ).toBeGreaterThan(0);
    expectProblem(await stack.request('GET', '/alerts?from=soon'), 400);
  });

  it('validates a rule body without saving it, naming the bad field', async () => {
    const ok = await stack.request('POST', `/businesses/${business.id}/rules/validate`, {
      body: { name: 'x', kind: 'immediate', condition: 'heart_rate > 1' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      valid: true,
      rule: { name: 'x', kind: 'immediate', severity: expect.any(String) },
    });
    const bad = expectProblem(
      await stack.request('POST', `/businesses/${business.id}/rules/validate`, {
        body: { name: 'x', kind: 'immediate', condition: 'hart_rate > 1' },
      }),
      400,
    );
    expect(bad.errors).toEqual([
      { pointer: '/condition', detail: expect.stringMatching(/unknown field 'hart_rate'.*did you mean 'heart_rate'/) },
    ]);
    expect(await stack.count('rule', 'name = $1', ['x'])).toBe(0);
  });
});
