import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestStack, businessBody } from '../../../../test/harness';

jest.setTimeout(120_000);

const business = businessBody({ id: 'edge' });

describe('a server safe to expose (api + Postgres + Redis)', () => {
  describe('rate limits', () => {
    // Behind a proxy, X-Forwarded-For tells the addresses apart.
    const stack = new TestStack({
      rateLimitPerMinute: 20,
      ingestRateLimitPerMinute: 30,
      authFailuresPerMinute: 5,
      trustProxy: true,
    });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    beforeAll(async () => {
      await stack.start();
      await stack.request('POST', '/businesses', { body: business });
    });
    afterAll(() => stack.stop());

    it('stops an address guessing tokens after five failures, before any lookup, with Retry-After', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push(
          (
            await stack.request('GET', '/alerts', {
              token: `anomk_guess-${i}`,
              headers: from('1.2.3.4'),
            })
          ).status,
        );
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      const limited = await stack.request('GET', '/alerts', { token: 'anomk_guess-9', headers: from('1.2.3.4') });
      expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Wrong passwords count against the same address.
      const signIn = await stack.request('POST', '/auth/sign-in', {
        token: null,
        body: { email: 'x@example.com', password: 'whatever-it-is' },
        headers: from('1.2.3.4'),
      });
      expect(signIn.status).toBe(429);
      // Another address is not blocked.
      expect((await stack.request('GET', '/alerts', { headers: from('9.9.9.9') })).status).toBe(200);
    });

    it('limits requests per key, with ingest counted on its own budget', async () => {
      const key = (await stack.request('POST', '/api-keys', { body: { name: 'busy', scopes: ['write'] } })).body.token;
      const reads: number[] = [];
      for (let i = 0; i < 22; i++) reads.push((await stack.request('GET', '/businesses', { token: key })).status);
      expect(reads.filter((s) => s === 200)).toHaveLength(20);
      const limited = await stack.request('GET', '/businesses', { token: key });
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const ingest = await stack.request('POST', `/ingest/${business.id}`, {
        token: key,
        body: { timestamp: new Date().toISOString(), user_id: 'u1' },
      });
      expect(ingest.status).toBe(202);
      // Another key is not slowed by this one.
      const other = (await stack.request('POST', '/api-keys', { body: { name: 'calm', scopes: ['read'] } })).body.token;
      expect((await stack.request('GET', '/businesses', { token: other })).status).toBe(200);
      expect((await stack.request('GET', '/health', { token: null })).status).toBe(200);
    });
  });

  describe('headers, CORS and outbound URLs', () => {
    const stack = new TestStack({ corsOrigins: ['https://ops.example.com'], outboundAllow: [] });
    beforeAll(async () => {
      await stack.start();
      await stack.request('POST', '/businesses', { body: business });
    });
    afterAll(() => stack.stop());

    it('sends security headers and a CSP', async () => {
      const res = await stack.request('GET', '/health', { token: null });
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
      });
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    });

    it('answers CORS only for configured origins', async () => {
      const pre = (origin: string) =>
        stack.request('OPTIONS', '/businesses', {
          token: null,
          headers: { origin, 'access-control-request-method': 'GET' },
        });
      expect((await pre('https://ops.example.com')).headers['access-control-allow-origin']).toBe(
        'https://ops.example.com',
      );
      expect((await pre('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
    });

    it.each([
      ['loopback', 'http://127.0.0.1:8080/hook'],
      ['localhost', 'http://localhost:8080/hook'],
      ['the unspecified address', 'http://0.0.0.0/hook'],
      ['IPv6 loopback', 'http://[::1]:8080/hook'],
      ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hook'],
      ['cloud metadata', 'http://169.254.169.254/latest/meta-data/'],
      ['a private network', 'http://10.1.2.3/hook'],
      ['the platform’s own Redis', 'http://127.0.0.1:6379/'],
    ])('refuses a channel to %s at save', async (_what, url) => {
      const before = await stack.count('notification_channel');
      const r = await stack.request('POST', `/businesses/${business.id}/channels`, {
        body: { name: `c-${Math.random()}`, kind: 'webhook', config: { url } },
      });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([{ pointer: '/config/url', detail: expect.stringMatching(/outbound policy/) }]);
      expect(await stack.count('notification_channel')).toBe(before);
    });

    it('stores channel credentials encrypted, and shows them decrypted to the api', async () => {
      const url = 'https://hooks.slack.com/services/T000/B000/secret-part';
      const created = await stack.request('POST', `/businesses/${business.id}/channels`, {
        body: { name: 'slack', kind: 'slack', config: { url } },
      });
      expect(created.status).toBe(201);
      const row = await stack.db.pool.query<{ config: { url: string } }>(
        'SELECT config FROM notification_channel WHERE id = $1',
        [created.body.id],
      );
      expect(row.rows[0]!.config.url).toMatch(/^enc:v1:[0-9a-f]{8}:/);
      expect(JSON.stringify(row.rows[0])).not.toContain('secret-part');
      expect((await stack.request('GET', `/channels/${created.body.id}`)).body.config.url).toBe(url);
      // Nor does the audit log, kept in the clear, hold the URL's secret part.
      const audit = await stack.request('GET', `/audit?entityType=channel&entityId=${created.body.id}`);
      expect(audit.body.items[0].after.config.url).toBe('https://hooks.slack.com/…');
      expect(await stack.count('audit_log', "after::text LIKE '%secret-part%'")).toBe(0);
    });
  });

  describe('TLS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anom-tls-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    const stack = new TestStack({ tls: { certPath: cert, keyPath: key }, secureCookies: true });
    beforeAll(async () => {
      await stack.start();
      await stack.api.listen(0, '127.0.0.1');
    });
    afterAll(async () => {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves HTTPS with the given certificate, HSTS and Secure cookies', async () => {
      const port = Number(new URL(await stack.api.getUrl()).port);
      const res = await new Promise<{ status: number; headers: Record<string, unknown>; cert: unknown }>(
        (resolve, reject) => {
          const req = httpsRequest(
            { host: '127.0.0.1', port, path: '/health', ca: readFileSync(cert), servername: 'localhost' },
            (r) => {
              const peer = (r.socket as TLSSocket).getPeerCertificate();
              r.resume();
              r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers, cert: peer.subject?.CN }));
            },
          );
          req.on('error', reject);
          req.end();
        },
      );
      expect(res).toMatchObject({ status: 200, cert: 'localhost' });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
      await stack.request('POST', '/users', {
        body: { email: 'tls@example.com', displayName: 't', role: 'viewer', password: 'correct horse battery staple' },
      });
      const signIn = await stack.request('POST', '/auth/sign-in', {
        token: null,
        body: { email: 'tls@example.com', password: 'correct horse battery staple' },
      });
      expect(String(signIn.headers['set-cookie'])).toMatch(/Secure/);
    });
  });
});
