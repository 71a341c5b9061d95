import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PROFILE_MAX_EVENTS } from '@anom/contracts';
import { seed } from '@anom/db';
import { ADMIN_TOKEN, TestStack } from '../../../../test/harness';
import { startWebServer } from '../../../../test/web-server';
import { AnomClient } from '../api-client';
import { SIMULATED_BUSINESSES, Simulator, backfill, seededRandom } from './simulator';

const MIN = 60_000;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '../../../../test-output/e2e');
const LIVE_MINUTES = 10;

interface PendingSuggestion {
  key: string;
  kind: string;
  rule: Record<string, unknown> & { name: string; field?: string };
  rationale: string;
  backtest: { alertsPerDay: number };
}

// A fresh install as `npm run up` makes it: seeded businesses, the backfilled history (`anom backfill`),
// a profiling run each. Suggestions must then be waiting (payment-transactions may have none: its seeded
// rules already count bursts, and no amount threshold stays within the noise budget), and every one of them
// must hold on the live stream the simulator then sends: over its first 10 minutes of normal traffic, no
// suggestion raises an alert (the noise budget, 5 alerts a day, allows 0.035 in 10 minutes). Before the
// backfill was the live process itself (it sampled one second a minute), "Event burst" and "Rare message"
// fired there hundreds of times.
describe('first start: seeded history gives every seeded business suggestions that hold on live traffic', () => {
  // The production backtest limit (the suites' default is lower): a suggestion is previewed over the whole history.
  const stack = new TestStack({ backtestMaxEvents: 200_000 });
  beforeAll(async () => {
    await stack.start();
    // As in production: one profiling run reads up to PROFILE_MAX_EVENTS (the suites' default reads fewer). No
    // scheduled absence ticks: this history ends 15 minutes before the wall clock (so that the live minutes after it
    // are not in the future), a silence `npm run up` never has, which the heartbeat rule would rightly report.
    await stack.startWorker({ profileMaxEvents: PROFILE_MAX_EVENTS, tickEveryMs: 86_400_000 });
    await seed(stack.db);
    await stack.api.listen(0, '127.0.0.1');
  });
  afterAll(() => stack.stop());

  it('backfills through the api, the profiler proposes rules, and none of them fires on live traffic', async () => {
    const server = stack.api.getHttpServer();
    const client = new AnomClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, ADMIN_TOKEN);
    // History ends 15 minutes ago, so the 10 live minutes after it are in the past too (never future events).
    const end = new Date(Math.floor((Date.now() - 15 * MIN) / 1000) * 1000);
    // Four days, as `npm run up`: hour-of-day seasonality is judged on three days or more.
    const history = backfill([...SIMULATED_BUSINESSES], end, 4, 7);
    const runs: Record<string, string> = {};
    for (const [id, events] of history) {
      for (let i = 0; i < events.length; i += 1_000) await client.ingest(id, events.slice(i, i + 1_000));
      runs[id] = (await client.profile(id)).id;
    }
    // Normal traffic raises nothing, and a second backfill stores nothing twice.
    await stack.waitForEvaluation(180_000);
    const raised = await stack.db.pool.query('SELECT summary FROM alert');
    expect(raised.rows.map((r) => r.summary)).toEqual([]);
    const again = await client.ingest('service-logs', history.get('service-logs')!.slice(0, 100));
    expect(again).toMatchObject({ duplicates: 100, batchId: null });
    expect(await client.hasEventsBefore('service-logs', new Date(end.getTime() - 86_400_000))).toBe(true);

    const pending = new Map<string, PendingSuggestion[]>();
    for (const id of SIMULATED_BUSINESSES) {
      const deadline = Date.now() + 120_000;
      let run: { status: string } = { status: 'queued' };
      while (run.status !== 'done' && Date.now() < deadline) {
        run = (await stack.request('GET', `/businesses/${id}/profile/${runs[id]}`)).body;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect([id, run.status]).toEqual([id, 'done']);
      const items: PendingSuggestion[] = (await stack.request('GET', `/businesses/${id}/suggestions?status=pending`))
        .body.items;
      for (const s of items)
        expect(s).toMatchObject({
          rationale: expect.stringMatching(/\.$/),
          backtest: { alertsPerDay: expect.any(Number) },
        });
      pending.set(id, items);
    }
    // Service metrics follow a daily load curve: a seasonal baseline is among the suggestions.
    expect(
      pending
        .get('service-metrics')!
        .filter((s) => s.kind === 'baseline')
        .map((s) => s.rule.field)
        .sort(),
    ).toEqual(['cpu_percent', 'latency_ms']);

    // Then the simulator's live stream (another seed), normal traffic only: what a person sees between anomalies.
    const live = new Simulator([...SIMULATED_BUSINESSES], seededRandom(11)).normalOnly();
    for (let minute = 0; minute < LIVE_MINUTES; minute++) {
      const bodies = new Map<string, Record<string, unknown>[]>();
      for (let s = 0; s < 60; s++)
        for (const e of live.tick(new Date(end.getTime() + minute * MIN + s * 1000)).events)
          bodies.set(e.businessId, [...(bodies.get(e.businessId) ?? []), e.event]);
      for (const [id, body] of bodies)
        expect((await stack.request('POST', `/ingest/${id}`, { body })).status).toBe(202);
    }
    await stack.waitForEvaluation(60_000);

    // Each suggestion backtested as the rule editor's preview does, over the history and the live minutes: the
    // alerts it opens on live traffic are noise.
    const noisy: string[] = [];
    let checked = 0;
    for (const [id, items] of pending)
      for (const s of items) {
        const res = await stack.request('POST', `/businesses/${id}/rules/backtest`, {
          body: {
            rule: s.rule,
            from: new Date(end.getTime() - 4 * 86_400_000).toISOString(),
            to: new Date(end.getTime() + LIVE_MINUTES * MIN).toISOString(),
          },
        });
        expect([s.key, res.status, res.status === 200 ? null : res.body]).toEqual([s.key, 200, null]);
        const onLive = (res.body.alerts as { startTime: string }[]).filter((a) => Date.parse(a.startTime) >= +end);
        checked++;
        if (onLive.length > 0)
          noisy.push(`${id} ${s.rule.name}: ${onLive.length} alert(s), ${res.body.matches} matches`);
      }
    expect(checked).toBeGreaterThanOrEqual(10);
    expect(noisy).toEqual([]);
  }, 600_000);

  it('shows the first-start suggestions and every seeded view at 1 h and 7 d in Chromium', async () => {
    mkdirSync(SHOTS, { recursive: true });
    const password = 'correct horse battery staple';
    await stack.request('POST', '/users', {
      body: { email: 'ada@example.com', displayName: 'Ada Admin', role: 'admin', password },
    });
    const apiUrl = await stack.api.getUrl();
    const web = await startWebServer(apiUrl);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      page.setDefaultTimeout(30_000);
      const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
      await page.goto(`${web.url}/sign-in`);
      await page.getByLabel(/Email/).fill('ada@example.com');
      await page.getByLabel(/Password/).fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await shot('first-start-dashboard');

      // Opens on the business with the most suggestions waiting (health-vitals, 8 of them), evidence drawn.
      await page.getByRole('link', { name: 'Suggestions' }).click();
      await page.getByTestId('suggestion').first().waitFor();
      expect(page.url()).not.toContain('businessId=');
      await page.getByText(/Health vitals · \d+ pending/).waitFor();
      await page.getByRole('img', { name: 'quantiles and threshold' }).first().waitFor();
      await shot('first-start-suggestions');
      await page.goto(`${web.url}/suggestions?businessId=service-metrics&status=pending`);
      await page
        .getByTestId('suggestion-evidence')
        .getByText(/explains \d+% of cpu_percent/)
        .waitFor();
      await shot('first-start-suggestions-service-metrics');

      for (const id of ['health-vitals', 'service-logs', 'service-metrics', 'payment-transactions'])
        for (const range of ['1h', '7d']) {
          await page.goto(`${web.url}/businesses/${id}?tab=views&range=${range}`);
          const charts = page.getByTestId('series-chart');
          await charts.first().waitFor();
          // Each panel done loading: its chart drawn, or its empty state.
          for (let i = 0; i < (await charts.count()); i++)
            await charts
              .nth(i)
              .getByLabel(/^chart with \d+ series/)
              .or(charts.nth(i).getByText('No events in this range.'))
              .waitFor();
          // Every panel has data over the backfilled history and the live minutes.
          expect([id, range, await page.getByText('No events in this range.').count()]).toEqual([id, range, 0]);
          await shot(`view-${id}-${range}`);
        }
    } finally {
      await browser.close();
      await web.close();
    }
  }, 240_000);
});
