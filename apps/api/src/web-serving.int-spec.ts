import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestStack } from '../../../test/harness';

/** Production serving: with WEB_DIST the api serves the built admin app at / and the API under /api as well. */
describe('the api serving the built admin app (api + Postgres + Redis)', () => {
  const dist = mkdtempSync(join(tmpdir(), 'anom-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Anom app</title><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("app")');
  const stack = new TestStack({ webDist: dist });
  const html = { accept: 'text/html,application/xhtml+xml' };

  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it("serves the app's page to a browser on / and on any app route, with the CSP", async () => {
    for (const path of ['/', '/alerts', '/businesses/health-vitals?tab=rules']) {
      const res = await stack.request('GET', path, { token: null, headers: html });
      expect(res.status).toBe(200);
      expect(String(res.body)).toContain('<title>Anom app</title>');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it("serves the app's files, and the API to everything that is not a page", async () => {
    const js = await stack.request('GET', '/assets/index-abc123.js', { token: null });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toContain('javascript');
    // An API client (no text/html) reaches the API on the same paths…
    expect((await stack.request('GET', '/alerts', { token: null })).status).toBe(401);
    expect((await stack.request('GET', '/alerts')).status).toBe(200);
    // …and under /api, as the app calls it.
    expect((await stack.request('GET', '/api/alerts')).status).toBe(200);
    expect((await stack.request('GET', '/api/health', { token: null })).body).toMatchObject({ status: 'ok' });
    // The api's own pages stay the api's.
    const docs = await stack.request('GET', '/docs', { token: null, headers: html });
    expect(String(docs.body)).not.toContain('<title>Anom app</title>');
    // Writes never fall through to the app.
    expect((await stack.request('POST', '/alerts/acknowledge', { token: null, headers: html, body: {} })).status).toBe(
      401,
    );
  });

  it('answers a missing file under /assets with a 404, not the page', async () => {
    const res = await stack.request('GET', '/assets/missing.js', { token: null });
    expect(res.status).toBe(404);
  });
});
