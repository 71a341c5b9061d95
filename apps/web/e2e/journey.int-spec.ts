import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { randomUUID } from 'node:crypto';
import { SuggestionRepository } from '@anom/db';
import { ADMIN_TOKEN, TestStack, startOidcProvider, waitUntil } from '../../../test/harness';
import { startWebServer } from '../../../test/web-server';

/** Debian's Chromium (installed by .ci/run when missing); Playwright never downloads a browser here. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = join(__dirname, '../../../test-output/e2e');

jest.setTimeout(240_000);

describe('admin web app in Chromium (api + worker + Postgres + Redis)', () => {
  let stack: TestStack;
  let oidc: Awaited<ReturnType<typeof startOidcProvider>>;
  let web: Awaited<ReturnType<typeof startWebServer>>;
  let apiUrl = '';
  const PASSWORD = 'correct horse battery staple';
  /** Content-Security-Policy violations the app caused (the web server sends the app's CSP). */
  const cspViolations: string[] = [];
  let browser: Browser;
  let page: Page;
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The web server first: the identity provider redirects back to its URL, and the api is told about both.
    web = await startWebServer(() => apiUrl);
    oidc = await startOidcProvider([`${web.url}/api/auth/oidc/callback`]);
    stack = new TestStack({
      oidc: {
        issuer: oidc.issuer,
        clientId: oidc.clientId,
        clientSecret: oidc.clientSecret,
        redirectUrl: `${web.url}/api/auth/oidc/callback`,
        name: 'Clinic SSO',
        defaultRole: null,
        roleClaim: 'anom_role',
        allowInsecure: true,
      },
    });
    await stack.start({ worker: true });
    await stack.api.listen(0, '127.0.0.1');
    apiUrl = await stack.api.getUrl();
    // ANOM_ADMIN_TOKEN bootstraps the first admin; everything after is done by people.
    await stack.request('POST', '/users', {
      body: { email: 'ada@example.com', displayName: 'Ada Admin', role: 'admin', password: PASSWORD },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await stack?.stop();
    oidc?.stop();
  });

  it('signs in with email and password, refusing a wrong one, and shows who is signed in', async () => {
    await page.goto(`${web.url}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel(/Email/).fill('ada@example.com');
    await page.getByLabel(/Password/).fill('not the password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('The email or the password is wrong.').waitFor();
    await page.getByRole('link', { name: 'Sign in with Clinic SSO' }).waitFor();
    await shot('sign-in');
    await page.getByLabel(/Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByText('No businesses yet').first().waitFor();
    await page.getByTestId('signed-in-as').getByText('Ada Admin').waitFor();
    await page.getByRole('link', { name: 'Audit log' }).waitFor();
  });

  it('defines a business with two fields through the wizard', async () => {
    await page.getByRole('link', { name: 'Businesses' }).click();
    await page.getByRole('link', { name: 'New business' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('E2E Clinic');
    // Keyboard: Enter moves to the next step.
    await page.getByRole('textbox', { name: /^Name/ }).press('Enter');
    // The wizard starts with the timestamp field; add patient (string) and temperature (number).
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByLabel('field 2 name').fill('patient');
    await page.getByRole('combobox').nth(1).click();
    await page.getByRole('option', { name: 'string' }).click();
    await page.getByRole('button', { name: 'Add field' }).click();
    await page.getByLabel('field 3 name').fill('temperature');
    await page.getByRole('textbox', { name: 'Unit' }).nth(2).fill('°C');
    await shot('business-wizard');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('combobox', { name: /Entity keys/ }).click();
    await page.getByRole('option', { name: 'patient' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Next' }).click();
    // The review reads as a summary, not as the JSON body.
    const review = page.getByRole('table', { name: 'fields to create' });
    await review.getByRole('cell', { name: '°C' }).waitFor();
    expect(await page.getByRole('region', { name: 'business definition' }).innerText()).not.toContain('"fields"');
    await shot('business-wizard-review');
    await page.getByRole('button', { name: 'Create business' }).click();
    await page.waitForURL(/\/businesses\/e2e-clinic/);
    await page.getByRole('heading', { name: 'E2E Clinic' }).waitFor();
    await page.getByTestId('schema-version').getByText('schema v1').waitFor();
    const stored = await stack.request('GET', '/businesses/e2e-clinic');
    expect(stored.body.fields.map((f: { name: string; type: string }) => `${f.name}:${f.type}`)).toEqual([
      'timestamp:timestamp',
      'patient:string',
      'temperature:number',
    ]);
    expect(stored.body.entityKeyFields).toEqual(['patient']);
  });

  it('edits the schema and shows the version bump', async () => {
    await page.getByRole('tab', { name: 'schema' }).click();
    await page.getByRole('button', { name: 'edit field temperature' }).click();
    await page.getByRole('dialog').getByText('schema v1 → v2').waitFor();
    await page.getByRole('dialog').getByRole('spinbutton', { name: 'Max' }).fill('45');
    await page.getByRole('dialog').getByRole('button', { name: 'Save field' }).click();
    await page.getByText('Schema v1 → v2').waitFor();
    await page.getByTestId('schema-version').getByText('schema v2').waitFor();
    await shot('business-schema');
    const stored = await stack.request('GET', '/businesses/e2e-clinic');
    expect(stored.body).toMatchObject({
      schemaVersion: 2,
      fields: expect.arrayContaining([expect.objectContaining({ name: 'temperature', max: 45 })]),
    });
  });

  it('adds an immediate rule in the editor, showing the api’s inline error for a typo', async () => {
    await page.getByRole('tab', { name: 'rules' }).click();
    await page.getByRole('link', { name: 'New rule' }).click();
    await page.getByRole('textbox', { name: /^Name/ }).fill('Fever');
    const condition = page.getByRole('textbox', { name: 'condition' });
    await condition.fill('temprature > 38');
    // The field name and the reason appear under the input.
    await page.getByText(/unknown field 'temprature'.*did you mean 'temperature'/).waitFor();
    await shot('rule-editor-inline-error');
    await expect(page.getByRole('button', { name: 'Create rule' }).isDisabled()).resolves.toBe(true);
    await condition.fill('temperature > 38');
    await page.getByTestId('rule-valid').waitFor();
    await page.getByRole('button', { name: 'Preview' }).click();
    await page
      .getByTestId('preview-result')
      .getByText(/0\s*alerts over 0 events/)
      .waitFor();
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.waitForURL(/tab=rules/);
    await page.getByRole('table', { name: 'rules' }).getByText('Fever').waitFor();
    const rules = await stack.request('GET', '/businesses/e2e-clinic/rules');
    expect(rules.body.items).toEqual([
      expect.objectContaining({ name: 'Fever', kind: 'immediate', condition: 'temperature > 38', origin: 'user' }),
    ]);
  });

  it('shows an alert live when events arrive, and acknowledges it with a note', async () => {
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByText('No alerts match these filters.').waitFor();
    const res = await fetch(`${apiUrl}/ingest/e2e-clinic`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { timestamp: new Date(Date.now() - 2000).toISOString(), patient: 'p1', temperature: 37.1 },
        { timestamp: new Date().toISOString(), patient: 'p1', temperature: 39.4 },
      ]),
    });
    expect(res.status).toBe(202);
    // No reload: the alert arrives over the live stream.
    const row = page.getByRole('table', { name: 'alerts' }).getByRole('row').nth(1);
    await row.waitFor();
    await expect(row.getByTestId('alert-status').textContent()).resolves.toBe('open');
    await page.getByTestId('live-alerts').getByText('1').waitFor();
    await shot('alerts');
    await row.getByRole('link').click();
    await page.waitForURL(/\/alerts\/[0-9a-f-]{36}$/);
    await page.getByRole('table', { name: 'evidence' }).getByText('temperature=39.4').waitFor();
    await page
      .getByRole('table', { name: 'events involved' })
      .getByText(/"temperature":39.4/)
      .waitFor();
    await page.getByTestId('series-chart').first().waitFor();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('dialog').getByLabel('Note').fill('Called the patient');
    await page.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByTestId('alert-status').getByText('acknowledged').waitFor();
    await page.getByRole('table', { name: 'history' }).getByText('Called the patient').waitFor();
    await shot('alert-detail');
    const alerts = await stack.request('GET', '/alerts?businessId=e2e-clinic');
    expect(alerts.body.items).toEqual([
      expect.objectContaining({
        status: 'acknowledged',
        acknowledgedBy: 'user:ada@example.com',
        note: 'Called the patient',
        groupKey: {},
      }),
    ]);
  });

  it('silences the alert from its page, shows it muted, and expires the silence from the business', async () => {
    await page.getByRole('button', { name: 'Silence' }).click();
    await page
      .getByRole('dialog')
      .getByLabel(/Reason/)
      .fill('Thermometer being replaced');
    await page.getByRole('dialog').getByRole('button', { name: 'Silence' }).click();
    await page
      .getByText(/Notifications muted until .* by user:ada@example.com: “Thermometer being replaced”/)
      .waitFor();
    const [silence] = (await stack.request('GET', '/businesses/e2e-clinic/silences')).body.items;
    expect(silence).toMatchObject({ comment: 'Thermometer being replaced', state: 'active', groupKey: {} });
    expect(Date.parse(silence.endsAt) - Date.parse(silence.startsAt)).toBe(2 * 3_600_000);

    await page.goto(`${web.url}/businesses/e2e-clinic?tab=silences`);
    const silences = page.getByRole('table', { name: 'silences' });
    await silences.getByText('Thermometer being replaced').waitFor();
    await silences.getByText('Fever').waitFor();
    await shot('silences');
    await silences.getByRole('button', { name: 'Expire' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Expire' }).click();
    await page.getByText('No silences.', { exact: false }).waitFor();
    expect((await stack.request('GET', `/silences/${silence.id}`)).body.state).toBe('expired');
  });

  it('shows the dashboard, views, events, sources and suggestions pages', async () => {
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page
      .getByTestId('business-card-e2e-clinic')
      .getByText(/Received: .*\/min/)
      .waitFor();
    await page.getByTestId('live-feed').waitFor();
    await shot('dashboard');

    await page.goto(`${web.url}/businesses/e2e-clinic?tab=views`);
    await page.getByText('No views yet').waitFor();
    await page.getByRole('button', { name: 'Add view' }).click();
    await page.getByRole('dialog').getByRole('textbox', { name: /^Name/ }).fill('Temperatures');
    await page.getByRole('dialog').getByRole('button', { name: 'Save view' }).click();
    await page.getByTestId('series-chart').first().waitFor();
    await shot('business-views');

    await page.getByRole('tab', { name: 'events' }).click();
    await page.getByRole('table', { name: 'events' }).getByText('39.4').waitFor();
    await shot('business-events');

    await page.getByRole('tab', { name: 'sources' }).click();
    await page.getByLabel('New source name').fill('ward-3');
    await page.getByRole('button', { name: 'Create source' }).click();
    const token = await page.getByRole('dialog').getByLabel('Source token').inputValue();
    expect(token).toMatch(/^anom_/);
    await shot('source-token');
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('table', { name: 'sources' }).getByText('ward-3').waitFor();
    // The token works once shown.
    const ingest = await fetch(`${apiUrl}/ingest/e2e-clinic`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ timestamp: new Date().toISOString(), patient: 'p2', temperature: 36.6 }),
    });
    expect(ingest.status).toBe(202);
    // Revoking asks first; then the token stops working.
    await page.getByRole('table', { name: 'sources' }).getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('dialog')
      .getByText(/Its token stops working/)
      .waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page
      .getByRole('table', { name: 'sources' })
      .getByText(/^revoked/)
      .waitFor();
    const refused = await fetch(`${apiUrl}/ingest/e2e-clinic`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ timestamp: new Date().toISOString(), patient: 'p2', temperature: 36.6 }),
    });
    expect(refused.status).toBe(401);

    await page.getByRole('link', { name: 'Suggestions' }).click();
    await page.getByText(/No pending suggestions/).waitFor();
  });

  it('accepts a suggestion after editing it, and rejects another with a reason', async () => {
    // Two suggestions as a profiling run leaves them (written through the real repository).
    const backtest = {
      from: null,
      to: null,
      events: 3,
      alerts: 1,
      alertsPerDay: 1,
      perDay: [{ day: '2026-11-22', alerts: 1 }],
      resolved: 0,
    };
    await new SuggestionRepository(stack.db).insertMany([
      {
        id: randomUUID(),
        businessId: 'e2e-clinic',
        key: 'threshold:temperature:high',
        kind: 'threshold',
        rule: {
          name: 'temperature unusually high',
          kind: 'immediate',
          condition: 'temperature > 39',
          groupBy: ['patient'],
          severity: 'medium',
        },
        rationale: 'temperature was above 39 in 0.1% of 3 values over 1 day (p99.9). Alert above 39.',
        evidence: { p999: 39, values: 3 },
        backtest,
        runId: null,
      },
      {
        id: randomUUID(),
        businessId: 'e2e-clinic',
        key: 'absence:patient',
        kind: 'absence',
        rule: { name: 'No reading', kind: 'absence', window: '20m', groupBy: ['patient'], severity: 'high' },
        rationale: 'Typical reading for p1 is every 10 min (p95 12 min over 1 day). Alert if nothing arrives for 20m.',
        evidence: { p95GapMs: 720000 },
        backtest,
        runId: null,
      },
    ]);
    await page.reload();
    const threshold = page.getByTestId('suggestion').filter({ hasText: 'temperature unusually high' });
    await threshold.getByText(/above 39 in 0.1%/).waitFor();
    await shot('suggestions');
    await threshold.getByRole('button', { name: 'Edit first' }).click();
    const editor = threshold.getByLabel(/Rule \(edit before accepting\)/);
    await editor.fill((await editor.inputValue()).replace('"medium"', '"high"'));
    await threshold.getByRole('button', { name: 'Accept edited rule' }).click();
    await page.getByText('Created rule temperature unusually high').waitFor();
    await threshold.waitFor({ state: 'detached' });

    const absence = page.getByTestId('suggestion').filter({ hasText: 'No reading' });
    await absence.getByRole('button', { name: 'Reject' }).click();
    await page
      .getByRole('dialog')
      .getByLabel(/Reason/)
      .fill('Patients take the sensor off at night');
    await page.getByRole('dialog').getByRole('button', { name: 'Reject' }).click();
    await page.getByText(/No pending suggestions/).waitFor();

    const rules = await stack.request('GET', '/businesses/e2e-clinic/rules');
    expect(rules.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'temperature unusually high',
          origin: 'suggestion',
          severity: 'high',
          condition: 'temperature > 39',
        }),
      ]),
    );
    const rejected = await stack.request('GET', '/businesses/e2e-clinic/suggestions?status=rejected');
    expect(rejected.body.items).toEqual([
      expect.objectContaining({
        key: 'absence:patient',
        reason: 'Patients take the sensor off at night',
        decidedBy: 'user:ada@example.com',
      }),
    ]);
  });

  it('shows the audit log of what people did', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Actor').fill('user:ada@example.com');
    await page.getByRole('table', { name: 'audit log' }).getByText('acknowledge').first().waitFor();
    await shot('audit-log');
  });

  it('as a responder: acknowledges, is not offered rule editing, and the api refuses it', async () => {
    await stack.request('POST', '/users', {
      body: { email: 'rita@example.com', displayName: 'Rita Responder', role: 'responder', password: PASSWORD },
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const rita = await context.newPage();
    rita.setDefaultTimeout(20_000);
    await rita.goto(`${web.url}/sign-in`);
    await rita.getByLabel(/Email/).fill('rita@example.com');
    await rita.getByLabel(/Password/).fill(PASSWORD);
    await rita.getByRole('button', { name: 'Sign in', exact: true }).click();
    await rita.getByTestId('signed-in-as').getByText('responder', { exact: true }).waitFor();
    expect(await rita.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await rita.goto(`${web.url}/businesses/e2e-clinic`);
    await rita.getByRole('tab', { name: 'rules' }).click();
    await rita.getByRole('table', { name: 'rules' }).getByText('Fever').waitFor();
    expect(await rita.getByRole('link', { name: 'New rule' }).count()).toBe(0);
    expect(await rita.getByRole('link', { name: /^edit / }).count()).toBe(0);
    await rita.screenshot({ path: join(SHOTS, 'responder-rules.png'), fullPage: true });
    // A new alert to acknowledge, of its own rule and group.
    await stack.request('POST', '/businesses/e2e-clinic/rules', {
      body: {
        name: 'High fever',
        kind: 'immediate',
        condition: 'temperature > 40',
        groupBy: ['patient'],
        severity: 'high',
      },
    });
    const at = new Date().toISOString();
    await stack.request('POST', '/ingest/e2e-clinic', { body: { timestamp: at, patient: 'p9', temperature: 40.1 } });
    await stack.waitForEvaluation();
    const fresh = (await stack.request('GET', '/alerts?businessId=e2e-clinic&status=open')).body.items[0];
    await rita.goto(`${web.url}/alerts/${fresh.id}`);
    await rita.getByRole('button', { name: 'Acknowledge' }).click();
    await rita.getByRole('dialog').getByLabel('Note').fill('Rita on it');
    await rita.getByRole('dialog').getByRole('button', { name: 'Acknowledge' }).click();
    await rita.getByTestId('alert-status').getByText('acknowledged').waitFor();
    await rita.getByRole('table', { name: 'history' }).getByText('user:rita@example.com').first().waitFor();
    // The api refuses what the app does not offer, even with the session's own CSRF token.
    const rule = (await stack.request('GET', '/businesses/e2e-clinic/rules')).body.items[0];
    const refused = await rita.evaluate(async (ruleId) => {
      const s = (await (await fetch('/api/auth/session')).json()) as { csrfToken: string };
      const r = await fetch(`/api/rules/${ruleId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: JSON.stringify({ severity: 'info' }),
      });
      return r.status;
    }, rule.id);
    expect(refused).toBe(403);
    await context.close();
  });

  it('as an editor via single sign-on: signs in at the identity provider and may change a rule', async () => {
    await oidc.nextLogin({ sub: 'olga-1', email: 'olga@example.com', name: 'Olga Editor', anom_role: 'editor' });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const olga = await context.newPage();
    olga.setDefaultTimeout(20_000);
    await olga.goto(`${web.url}/businesses/e2e-clinic`);
    await olga.waitForURL(/\/sign-in\?next=/);
    await olga.getByRole('link', { name: 'Sign in with Clinic SSO' }).click();
    await olga.getByRole('heading', { name: 'E2E Clinic' }).waitFor();
    await olga.getByTestId('signed-in-as').getByText('Olga Editor').waitFor();
    await olga.getByTestId('signed-in-as').getByText('editor', { exact: true }).waitFor();
    await olga.getByRole('tab', { name: 'rules' }).click();
    await olga.getByRole('link', { name: 'New rule' }).waitFor();
    await olga.getByRole('link', { name: 'edit Fever' }).waitFor();
    await olga.screenshot({ path: join(SHOTS, 'editor-oidc.png'), fullPage: true });
    const me = await olga.evaluate(async () => (await fetch('/api/auth/session')).json());
    expect(me).toMatchObject({ actor: 'user:olga@example.com', user: { role: 'editor' } });
    await context.close();
  });

  it('sends a person back to sign-in when their session ends', async () => {
    await stack.db.pool.query(
      "DELETE FROM user_session WHERE user_id = (SELECT id FROM app_user WHERE email = 'ada@example.com')",
    );
    await page.getByRole('link', { name: 'Businesses' }).click();
    await page.waitForURL(/\/sign-in\?expired=1/);
    await page.getByText('Your session ended; sign in again.').waitFor();
  });

  it('switches to the dark theme', async () => {
    await page.getByLabel(/Email/).fill('ada@example.com');
    await page.getByLabel(/Password/).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'toggle dark theme' }).click();
    await waitUntil(
      'dark background',
      async () => (await page.evaluate('getComputedStyle(document.body).backgroundColor')) === 'rgb(18, 18, 18)',
    );
    await shot('dashboard-dark');
  });

  it('works on a 390 px phone: drawer navigation, no sideways scrolling, every business tab reachable', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // Page-side code as a string: this file is type-checked without the DOM library.
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    await page.goto(`${web.url}/`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot('phone-dashboard');
    // The top bar holds the menu button; the navigation is in the drawer.
    await page.getByRole('button', { name: 'open navigation' }).click();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('table', { name: 'alerts' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await shot('phone-alerts');
    await page.goto(`${web.url}/businesses/e2e-clinic`);
    await page.getByRole('heading', { name: 'E2E Clinic' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    // The last tabs scroll into reach.
    await page.getByRole('tab', { name: 'silences' }).click();
    await page.waitForURL(/tab=silences/);
    await shot('phone-business');
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('broke none of its own Content-Security-Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});
