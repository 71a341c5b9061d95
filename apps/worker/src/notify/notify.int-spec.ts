import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { SMTPServer } from 'smtp-server';
import { Webhook } from 'standardwebhooks';
import { NOTIFY_QUEUE } from '@anom/contracts';
import { TestStack, businessBody, expectProblem, waitUntil } from '../../../../test/harness';
import { REDIS_URL } from '../../../../test/env';
import { OutboxSweeper } from '../maintenance/outbox-sweeper.service';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local HTTP receiver: records every request; `/flaky` answers 503 twice then 200, `/gone` 410, `/down` 500. */
class Receiver {
  readonly requests: Received[] = [];
  private readonly server: Server;
  private flaky = 0;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        this.requests.push({ path: req.url ?? '', headers: req.headers, body });
        if (req.url === '/flaky') res.statusCode = ++this.flaky <= 2 ? 503 : 200;
        else if (req.url === '/gone') res.statusCode = 410;
        else if (req.url === '/down') res.statusCode = 500;
        else res.statusCode = 200;
        res.end(res.statusCode >= 400 ? 'nope' : 'ok');
      });
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A local SMTP sink that keeps every message it is given. */
class SmtpSink {
  readonly messages: { to: string[]; raw: string }[] = [];
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData: (stream, session, callback) => {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        this.messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const SECRET = `whsec_${Buffer.from('a test secret of 24 bytes').toString('base64')}`;

describe('notifications (api + worker + Postgres + Redis, local HTTP receiver and SMTP sink)', () => {
  const stack = new TestStack();
  const receiver = new Receiver();
  const smtp = new SmtpSink();
  let businessId = '';

  beforeAll(async () => {
    await Promise.all([receiver.start(), smtp.start()]);
    await stack.start();
    await stack.startWorker({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
    const b = businessBody({ name: 'Servers', fields: [...businessBody().fields, { name: 'cpu', type: 'number' }] });
    businessId = b.id;
    expect((await stack.request('POST', '/businesses', { body: b })).status).toBe(201);
    const rule = {
      name: 'CPU hot',
      kind: 'immediate',
      condition: 'cpu > 90',
      groupBy: ['user_id'],
      severity: 'high',
      escalations: [{ when: 'cpu > 95', severity: 'critical' }],
    };
    expect((await stack.request('POST', `/businesses/${businessId}/rules`, { body: rule })).status).toBe(201);
  });
  afterAll(async () => {
    await stack.stop();
    await Promise.all([receiver.stop(), smtp.stop()]);
  });

  const channel = async (body: Record<string, unknown>) => {
    const res = await stack.request('POST', `/businesses/${businessId}/channels`, { body });
    expect(res.status).toBe(201);
    return res.body;
  };
  const ingest = async (user: string, cpu: number) => {
    expect(
      (
        await stack.request('POST', `/ingest/${businessId}`, {
          body: { timestamp: new Date().toISOString(), user_id: user, cpu },
        })
      ).status,
    ).toBe(202);
    await stack.waitForEvaluation();
  };
  const alertOf = async (user: string) =>
    (await stack.request('GET', `/alerts?businessId=${businessId}`)).body.items.find(
      (a: any) => a.groupKey.user_id === user,
    );
  const notificationsOf = async (alertId: string) =>
    (await stack.request('GET', `/alerts/${alertId}`)).body.notifications as any[];

  describe('channel definitions', () => {
    it('creates a webhook channel, shows its signing secret once, and lists it without the secret', async () => {
      const created = await channel({
        name: 'generated secret',
        kind: 'webhook',
        config: { url: `${receiver.url}/unused` },
        enabled: false,
      });
      expect(created).toMatchObject({
        kind: 'webhook',
        events: ['opened', 'escalated', 'resolved'],
        minSeverity: 'info',
        enabled: false,
      });
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(created.config).toEqual({
        url: `${receiver.url}/unused`,
        secretPrefix: `${created.secret.slice(0, 10)}…`,
      });
      const listed = (await stack.request('GET', `/businesses/${businessId}/channels`)).body.items.find(
        (c: any) => c.id === created.id,
      );
      expect(listed.secret).toBeUndefined();
      expect(JSON.stringify(listed)).not.toContain(created.secret);
      const patched = await stack.request('PATCH', `/channels/${created.id}`, {
        body: { config: { url: `${receiver.url}/other` } },
      });
      expect(patched.body.config.secretPrefix).toBe(created.config.secretPrefix);
      expect((await stack.request('DELETE', `/channels/${created.id}`)).status).toBe(200);
      expect((await stack.request('GET', `/channels/${created.id}`)).status).toBe(404);
    });

    it.each([
      ['an unknown kind', { name: 'x', kind: 'pager', config: { url: 'http://h' } }, 400, '/kind'],
      ['a slack channel without url', { name: 'x', kind: 'slack', config: {} }, 400, '/config/url'],
      [
        'a url that is not http(s)',
        { name: 'x', kind: 'discord', config: { url: 'ftp://example.com/x' } },
        400,
        '/config/url',
      ],
      [
        'an email channel given a url',
        { name: 'x', kind: 'email', config: { to: ['a@example.com'], url: 'http://h' } },
        400,
        '/config/url',
      ],
      [
        'a recipient that is not an address',
        { name: 'x', kind: 'email', config: { to: ['not-an-address'] } },
        400,
        '/config/to',
      ],
      [
        'an unknown event',
        { name: 'x', kind: 'slack', config: { url: 'http://h' }, events: ['opened', 'exploded'] },
        400,
        '/events',
      ],
      [
        'an unknown severity',
        { name: 'x', kind: 'slack', config: { url: 'http://h' }, minSeverity: 'apocalyptic' },
        400,
        '/minSeverity',
      ],
      [
        'a malformed secret',
        { name: 'x', kind: 'webhook', config: { url: 'http://h', secret: 'hunter2' } },
        400,
        '/config/secret',
      ],
      ['no name', { kind: 'slack', config: { url: 'http://h' } }, 400, '/name'],
    ])('refuses %s with problem+json naming the field, storing nothing', async (_what, body, status, pointer) => {
      const before = await stack.count('notification_channel');
      const problem = expectProblem(
        await stack.request('POST', `/businesses/${businessId}/channels`, { body }),
        status,
      );
      expect(problem.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      expect(await stack.count('notification_channel')).toBe(before);
    });

    it('answers 409 for a taken name, 404 for an unknown business or channel, 400 for a malformed id', async () => {
      await channel({ name: 'twice', kind: 'slack', config: { url: `${receiver.url}/unused` }, enabled: false });
      expectProblem(
        await stack.request('POST', `/businesses/${businessId}/channels`, {
          body: { name: 'twice', kind: 'slack', config: { url: 'http://h' } },
        }),
        409,
      );
      expectProblem(
        await stack.request('POST', '/businesses/no-such-business/channels', {
          body: { name: 'x', kind: 'slack', config: { url: 'http://h' } },
        }),
        404,
      );
      expectProblem(
        await stack.request('PATCH', '/channels/8d1f5c1e-0000-4000-8000-000000000000', { body: { enabled: false } }),
        404,
      );
      expectProblem(await stack.request('GET', '/channels/not-a-uuid'), 400);
      expectProblem(
        await stack.request('PATCH', '/channels/8d1f5c1e-0000-4000-8000-000000000000', { body: { events: [] } }),
        400,
      );
    });

    it('needs an editor or an admin', async () => {
      expectProblem(await stack.request('GET', `/businesses/${businessId}/channels`, { token: null }), 401);
    });
  });

  describe('delivery', () => {
    beforeAll(async () => {
      await channel({
        name: 'signed webhook',
        kind: 'webhook',
        config: { url: `${receiver.url}/hook`, secret: SECRET },
        events: ['opened', 'escalated', 'acknowledged', 'resolved'],
      });
      await channel({ name: 'slack', kind: 'slack', config: { url: `${receiver.url}/slack` } });
      await channel({ name: 'discord', kind: 'discord', config: { url: `${receiver.url}/discord` } });
      await channel({ name: 'mail', kind: 'email', config: { to: ['oncall@example.com'] } });
      await channel({
        name: 'critical only',
        kind: 'webhook',
        config: { url: `${receiver.url}/critical` },
        minSeverity: 'critical',
      });
      await channel({ name: 'flaky', kind: 'webhook', config: { url: `${receiver.url}/flaky` }, events: ['opened'] });
    });

    it(
      'announces an opened alert on every channel kind, signed, formatted per kind, with each attempt on the ' +
        'alert',
      async () => {
        await ingest('ann', 92);
        const alert = await alertOf('ann');
        const notes = await waitUntil('deliveries', async () => {
          const n = await notificationsOf(alert.id);
          return n.length === 5 && n.every((x) => x.status === 'delivered') && n;
        });
        expect(notes.map((n) => n.channel.name).sort()).toEqual([
          'discord',
          'flaky',
          'mail',
          'signed webhook',
          'slack',
        ]);

        const [hook] = receiver.on('/hook');
        const verified = new Webhook(SECRET).verify(hook.body, hook.headers as Record<string, string>) as any;
        expect(verified).toMatchObject({
          type: 'alert.opened',
          data: {
            business: { id: businessId, name: 'Servers' },
            alert: { id: alert.id, severity: 'high', status: 'open', url: `http://anom.test/alerts/${alert.id}` },
          },
        });
        expect(hook.headers['webhook-id']).toBe(notes.find((n) => n.channel.name === 'signed webhook').id);
        // A body changed on the way fails verification.
        expect(() =>
          new Webhook(SECRET).verify(hook.body.replace('high', 'info'), hook.headers as Record<string, string>),
        ).toThrow();

        const slack = JSON.parse(receiver.on('/slack')[0].body);
        expect(slack.text).toBe('[HIGH] Alert opened in Servers: CPU hot: cpu=92 (user_id=ann)');
        expect(slack.attachments[0]).toMatchObject({
          color: '#ff5722',
          text: expect.stringContaining('Group: user_id=ann'),
        });
        const discord = JSON.parse(receiver.on('/discord')[0].body);
        expect(discord).toMatchObject({
          content: slack.text,
          embeds: [{ title: 'Alert opened: high', color: 0xff5722 }],
          allowed_mentions: { parse: [] },
        });

        const mail = smtp.messages.find((m) => m.raw.includes(alert.id))!;
        expect(mail.to).toEqual(['oncall@example.com']);
        expect(mail.raw).toContain('Subject: [HIGH] Alert opened in Servers: CPU hot: cpu=92 (user_id=ann)');

        // The flaky receiver answered 503 twice: three attempts, each recorded, then delivered.
        const flaky = notes.find((n) => n.channel.name === 'flaky');
        expect(flaky.attempts.map((a: any) => [a.ok, a.statusCode])).toEqual([
          [false, 503],
          [false, 503],
          [true, 200],
        ]);
        expect(flaky.attempts[0].error).toBe('HTTP 503');
        // Below its minimum severity, the critical-only channel heard nothing.
        expect(receiver.on('/critical')).toHaveLength(0);
      },
    );

    it('announces an escalation (to critical-only channels too), then a person acknowledging, resolving', async () => {
      await ingest('ann', 97);
      const alert = await alertOf('ann');
      expect(alert.severity).toBe('critical');
      await waitUntil(
        'escalation',
        // Every channel's escalation: the Slack one can land after the others.
        async () =>
          receiver.on('/critical').length === 1 &&
          receiver.on('/hook').length === 2 &&
          receiver.on('/slack').length === 2,
      );
      expect(JSON.parse(receiver.on('/critical')[0].body)).toMatchObject({
        type: 'alert.escalated',
        data: { alert: { severity: 'critical' } },
      });
      expect(JSON.parse(receiver.on('/slack')[1].body).text).toBe(
        '[CRITICAL] Alert escalated to CRITICAL in Servers: CPU hot: cpu=97 (user_id=ann)',
      );

      expect(
        (await stack.request('POST', `/alerts/${alert.id}/acknowledge`, { body: { note: 'looking' } })).status,
      ).toBe(200);
      expect(
        (await stack.request('POST', `/alerts/${alert.id}/resolve`, { body: { note: 'killed the runaway job' } }))
          .status,
      ).toBe(200);
      await waitUntil(
        'resolve notices',
        async () => receiver.on('/hook').length === 4 && receiver.on('/slack').length === 3,
      );
      expect(
        receiver
          .on('/hook')
          .slice(2)
          .map((r) => JSON.parse(r.body).type),
      ).toEqual(['alert.acknowledged', 'alert.resolved']);
      const resolved = JSON.parse(receiver.on('/hook')[3].body);
      expect(resolved.data).toMatchObject({
        actor: 'bootstrap',
        note: 'killed the runaway job',
        alert: { status: 'resolved' },
      });
      // Slack was not subscribed to acknowledgements.
      expect(JSON.parse(receiver.on('/slack')[2].body).text).toMatch(/^\[CRITICAL\] Alert resolved in Servers/);
      expect(JSON.parse(receiver.on('/slack')[2].body).attachments[0].text).toContain(
        'By bootstrap: killed the runaway job',
      );
    });

    it(
      'gives up on a dead channel (permanent at once, transient after the last retry) without holding up ' +
        'evaluation',
      async () => {
        const gone = await channel({ name: 'gone', kind: 'slack', config: { url: `${receiver.url}/gone` } });
        const down = await channel({ name: 'down', kind: 'webhook', config: { url: `${receiver.url}/down` } });
        await ingest('bob', 93);
        const bob = await alertOf('bob');
        // Evaluation went on while the dead channels were failing.
        await ingest('cy', 94);
        expect(await alertOf('cy')).toBeDefined();
        const notes = await waitUntil('dead channels to fail', async () => {
          const n = (await notificationsOf(bob.id)).filter((x) => x.channel.id === gone.id || x.channel.id === down.id);
          return n.length === 2 && n.every((x) => x.status === 'failed') && n;
        });
        const goneNote = notes.find((n) => n.channel.id === gone.id);
        expect(goneNote.attempts).toHaveLength(1); // 410 Gone is not worth retrying
        expect(goneNote.lastError).toBe('HTTP 410');
        const downNote = notes.find((n) => n.channel.id === down.id);
        expect(downNote.attempts.map((a: any) => a.statusCode)).toEqual([500, 500, 500, 500]); // notifyAttempts = 4
        await stack.request('PATCH', `/channels/${gone.id}`, { body: { enabled: false } });
        await stack.request('PATCH', `/channels/${down.id}`, { body: { enabled: false } });
      },
    );

    it('delivers a notification whose job was lost, through the sweeper', async () => {
      await stack.stopWorker();
      await stack.request('POST', `/ingest/${businessId}`, {
        body: { timestamp: new Date().toISOString(), user_id: 'dee', cpu: 99 },
      });
      await stack.startWorker({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` });
      await stack.waitForEvaluation();
      const dee = await alertOf('dee');
      await stack.stopWorker();
      const before = receiver.on('/hook').length;
      // The api enqueues the resolve notice; losing Redis's copy of it leaves only the outbox row.
      await stack.request('POST', `/alerts/${dee.id}/resolve`, { body: { note: 'lost job' } });
      const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: null });
      const queue = new Queue(NOTIFY_QUEUE, { connection: redis, prefix: stack.prefix });
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
      await stack.startWorker({ smtpUrl: `smtp://127.0.0.1:${smtp.port}`, notifySweepMinAgeMs: 0 });
      expect(await stack.worker!.get(OutboxSweeper).sweepNotifications()).toBeGreaterThan(0);
      await waitUntil('the swept notice', async () =>
        receiver
          .on('/hook')
          .slice(before)
          .some((r) => JSON.parse(r.body).type === 'alert.resolved' && JSON.parse(r.body).data.alert.id === dee.id),
      );
      expect(
        receiver
          .on('/hook')
          .filter((r) => JSON.parse(r.body).type === 'alert.resolved' && JSON.parse(r.body).data.alert.id === dee.id),
      ).toHaveLength(1);
    });
  });
});
