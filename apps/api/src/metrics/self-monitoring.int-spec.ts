import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, TestStack, businessBody } from '../../../../test/harness';
import { WorkerHttpServer } from '../../../worker/src/metrics/worker-http.server';

/** The value of one sample line of a Prometheus text exposition (`name{labels} value`), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const body = /\{(.*)\}/.exec(line)?.[1] ?? '';
    if (Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return undefined;
}

describe('self-monitoring: /metrics on api and worker, liveness and readiness, the queue dashboard', () => {
  const stack = new TestStack();
  const business = businessBody();
  let workerUrl: string;

  beforeAll(async () => {
    await stack.start();
    await stack.startWorker({ metricsToken: 'scrape-token-0123456789' });
    workerUrl = stack.worker!.get(WorkerHttpServer).url!;
    expect((await stack.request('POST', '/businesses', { body: business })).status).toBe(201);
    const rule = { name: 'u1 seen', kind: 'immediate', condition: 'user_id == "u1"', severity: 'low' };
    expect((await stack.request('POST', `/businesses/${business.id}/rules`, { body: rule })).status).toBe(201);
    const events = [
      { _id: 'm-1', timestamp: new Date().toISOString(), user_id: 'u1' },
      { _id: 'm-2', timestamp: new Date().toISOString(), user_id: 'u2' },
    ];
    expect((await stack.request('POST', `/ingest/${business.id}`, { body: events })).status).toBe(202);
    expect((await stack.request('POST', `/ingest/${business.id}`, { body: [events[0]] })).status).toBe(202);
    expect((await stack.request('POST', `/ingest/${business.id}`, { body: [{ user_id: 5 }, {}] })).status).toBe(422);
    await stack.waitForEvaluation();
  });
  afterAll(() => stack.stop());

  it("serves the api's metrics in Prometheus text format to a read key", async () => {
    const res = await stack.request('GET', '/metrics');
    expect(res.status).toBe(200);
    const text = res.body as string;
    const b = { business: business.id };
    expect(sample(text, 'anom_ingest_events_total', { ...b, outcome: 'accepted' })).toBe(2);
    expect(sample(text, 'anom_ingest_events_total', { ...b, outcome: 'duplicate' })).toBe(1);
    expect(sample(text, 'anom_ingest_events_total', { ...b, outcome: 'rejected' })).toBe(2);
    // Route templates, never raw URLs: label values stay bounded whatever a client sends.
    expect(
      sample(text, 'anom_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/ingest/:businessId',
        status_code: '202',
      }),
    ).toBe(2);
    expect(text).not.toContain(`route="/ingest/${business.id}"`);
    expect(sample(text, 'anom_pending_batches')).toBe(0);
    expect(sample(text, 'anom_pending_batch_oldest_age_seconds')).toBe(0);
    expect(sample(text, 'anom_queue_jobs', { queue: 'notify', state: 'waiting' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'anom_alerts', { ...b, status: 'open', severity: 'low' })).toBe(1);
    expect(sample(text, 'anom_redis_used_memory_bytes')).toBeGreaterThan(0);
    expect(sample(text, 'anom_process_cpu_seconds_total')).toBeGreaterThan(0);
    expect((await stack.request('GET', '/metrics', { token: null })).status).toBe(401);
  });

  it("serves the worker's metrics on its own port, behind its scrape token", async () => {
    expect((await fetch(`${workerUrl}/metrics`)).status).toBe(401);
    const res = await fetch(`${workerUrl}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(sample(text, 'anom_evaluation_lag_seconds_count', { business: business.id })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'anom_rule_evaluation_seconds_count', { kind: 'immediate' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'anom_alerts_opened_total', { business: business.id })).toBe(1);
    expect(sample(text, 'anom_pending_batches')).toBe(0);
    expect(text).toContain('anom_notification_deliveries_total');
    expect(text).toContain('anom_absence_tick_delay_seconds');
  });

  it('names in the shipped Prometheus rules and Grafana dashboard only metrics the processes expose', async () => {
    const api = (await stack.request('GET', '/metrics')).body as string;
    const worker = await (
      await fetch(`${workerUrl}/metrics`, { headers: { authorization: 'Bearer scrape-token-0123456789' } })
    ).text();
    const exposed = new Set([...`${api}\n${worker}`.matchAll(/^# TYPE (anom_\w+)/gm)].map((m) => m[1]));
    const dir = join(__dirname, '../../../../docs/monitoring');
    for (const file of ['prometheus-alerts.yml', 'grafana-dashboard.json']) {
      const used = new Set(
        [...readFileSync(join(dir, file), 'utf8').matchAll(/\banom_\w+/g)]
          .map((m) => m[0].replace(/_(bucket|count|sum)$/, ''))
          // Prometheus job names, not metrics.
          .filter((n) => !['anom_api', 'anom_worker'].includes(n)),
      );
      expect(used.size).toBeGreaterThan(5);
      expect([...used].filter((n) => !exposed.has(n))).toEqual([]);
    }
  });

  it('answers liveness and readiness separately on both processes', async () => {
    expect((await stack.request('GET', '/health/live', { token: null })).body).toEqual({ status: 'ok' });
    expect((await stack.request('GET', '/health/ready', { token: null })).status).toBe(200);
    const live = await fetch(`${workerUrl}/health/live`);
    expect(live.status).toBe(200);
    const ready = await fetch(`${workerUrl}/health/ready`);
    expect(await ready.json()).toEqual({ status: 'ok', postgres: 'up', redis: 'up' });
    expect((await fetch(`${workerUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${workerUrl}/health/live`, { method: 'POST' })).status).toBe(405);
  });

  it('serves the queue dashboard to admins only, read-only', async () => {
    expect((await stack.request('GET', '/admin/queues', { token: null })).status).toBe(401);
    const viewer = await stack.userSession('viewer');
    expect((await stack.request('GET', '/admin/queues', { as: viewer })).status).toBe(403);
    const admin = await stack.userSession('admin');
    const page = await stack.request('GET', '/admin/queues', { as: admin });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    // The UI's own API, under the /api prefix the api strips (so it works through the web app's origin too).
    const queues = await stack.request('GET', '/api/admin/queues/api/queues', { token: ADMIN_TOKEN });
    expect(queues.status).toBe(200);
    const names = (queues.body.queues as { name: string; readOnlyMode: boolean }[]).map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining(['evaluate-0', 'evaluate-1', 'notify', 'profile', 'maintenance']));
    expect((queues.body.queues as { readOnlyMode: boolean }[]).every((q) => q.readOnlyMode)).toBe(true);
  });
});
