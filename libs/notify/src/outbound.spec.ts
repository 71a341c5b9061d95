import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliver } from './deliver';
import { OutboundPolicy, OutboundRefused } from './outbound';
import { sampleNotice } from './notice.fixture';

describe('OutboundPolicy', () => {
  const policy = new OutboundPolicy([], ['redis://10.0.0.9:6379']);
  const refused = (url: string, resolve?: (h: string) => Promise<string[]>) =>
    policy.checkUrl(url, resolve).then(
      () => null,
      (e: OutboundRefused) => e.detail,
    );

  it.each([
    ['http://127.0.0.1/', /loopback/],
    ['http://[::1]/', /loopback/],
    ['http://[::ffff:7f00:1]/', /loopback/],
    ['http://0.0.0.0/', /unspecified/],
    ['http://169.254.169.254/', /linkLocal/],
    ['http://10.0.0.1/', /private/],
    ['http://192.168.1.1/', /private/],
    ['http://172.16.0.1/', /private/],
    ['http://100.64.0.1/', /carrierGradeNat/],
    ['http://[fd00::1]/', /uniqueLocal/],
    ['http://[fe80::1]/', /linkLocal/],
    ['http://224.0.0.1/', /multicast/],
    ['ftp://8.8.8.8/', /http or https only/],
    ['not a url', /not a valid URL/],
  ])('refuses %s', async (url, reason) => {
    expect(await refused(url)).toMatch(reason);
  });

  it('checks every address a name resolves to', async () => {
    expect(await refused('https://hooks.example/', async () => ['93.184.215.14', '10.0.0.7'])).toMatch(/private/);
    expect(await refused('https://hooks.example/', async () => ['93.184.215.14'])).toBeNull();
  });

  it('lets a public address through, and a name that does not resolve yet', async () => {
    expect(await refused('https://8.8.8.8/hook')).toBeNull();
    expect(
      await refused('https://nowhere.invalid/hook', async () => Promise.reject(new Error('ENOTFOUND'))),
    ).toBeNull();
  });

  it('allows listed IPs, ranges and names, but never the platform’s own services', async () => {
    const allowing = new OutboundPolicy(['127.0.0.1', '10.0.0.0/8', 'receiver.internal'], ['redis://10.0.0.9:6379']);
    await expect(allowing.checkUrl('http://127.0.0.1:8080/')).resolves.toBeUndefined();
    await expect(allowing.checkUrl('http://10.2.3.4/')).resolves.toBeUndefined();
    await expect(allowing.checkUrl('http://receiver.internal/', async () => ['192.168.0.5'])).resolves.toBeUndefined();
    await expect(allowing.checkUrl('http://10.0.0.9:6379/')).rejects.toThrow(/platform's own services/);
    expect(await refused('http://10.0.0.9:6379/')).toMatch(/own services/);
  });

  describe('at send, after DNS resolution', () => {
    let server: Server;
    let port = 0;
    let hits = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        hits++;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal secrets here');
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    const notice = sampleNotice();
    const target = (url: string) => ({ kind: 'webhook' as const, config: { url } });

    it('refuses a name that resolves to loopback without connecting, and does not retry', async () => {
      const r = await deliver(notice, target(`http://localhost:${port}/hook`), {
        timeoutMs: 2000,
        policy: new OutboundPolicy(['localhost-is-not-listed']),
      });
      expect(r).toMatchObject({ ok: false, retryable: false, error: expect.stringMatching(/outbound policy/) });
      expect(hits).toBe(0);
    });

    it('keeps only the status of a failed answer, never the receiver’s body', async () => {
      const r = await deliver(notice, target(`http://127.0.0.1:${port}/hook`), {
        timeoutMs: 2000,
        policy: new OutboundPolicy(['127.0.0.1']),
      });
      expect(r).toMatchObject({ ok: false, statusCode: 500, error: 'HTTP 500', retryable: true });
      expect(hits).toBe(1);
    });
  });
});
