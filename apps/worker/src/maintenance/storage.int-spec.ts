import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import {
  EventArchiver,
  EventStore,
  S3ArchiveStore,
  openArchiveStore,
  type ArchiveObject,
  type ArchiveStore,
} from '@anom/db';
import { ADMIN_TOKEN, TestStack, businessBody, startS3Server } from '../../../../test/harness';
import { AnomClient } from '../../../cli/src/api-client';
import { replay } from '../../../cli/src/replay';
import type { ApiConfig } from '../../../api/src/config/api.config';
import { RetentionService } from './retention.service';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const timescale = (process.env.ANOM_TIMESCALE ?? '').toLowerCase() !== 'off';
/** Noon UTC `days` days ago. */
const dayAgo = (days: number, minute = 0) => {
  const d = new Date(Date.now() - days * DAY);
  d.setUTCHours(12, minute, 0, 0);
  return d;
};

/** Lines of a gzip NDJSON archive file. */
function ndjson(gz: Buffer): Record<string, unknown>[] {
  return gunzipSync(gz)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Makes everything of a business's events on `day` look received `daysAgo` ago. */
async function ageReceipt(stack: TestStack, businessId: string, daysAgo: number): Promise<void> {
  const at = new Date(Date.now() - daysAgo * DAY);
  await stack.db.pool.query('UPDATE event SET received_at = $2 WHERE business_id = $1', [businessId, at]);
  await stack.db.pool.query('UPDATE ingest_batch SET created_at = $2 WHERE business_id = $1', [businessId, at]);
}

// The plain-Postgres run (ANOM_TIMESCALE=off) has no chunks: it checks that the chunk side stands aside, and the
// row-retention suite below covers retention and archiving there.
if (!timescale)
  describe('event storage on a plain table (Postgres)', () => {
    const stack = new TestStack();
    beforeAll(() => stack.start());
    afterAll(() => stack.stop());

    it('has no chunks to compress or drop', async () => {
      const store = new EventStore(stack.db);
      expect(await store.isHypertable()).toBe(false);
      expect(await store.chunks()).toEqual([]);
      expect(await store.compressChunks(new Date(), async () => true)).toEqual([]);
      expect(await store.dropExpiredChunks(new Date())).toEqual({ dropped: [], held: [] });
    });
  });
else
  describe('event storage on TimescaleDB (worker + Postgres/TimescaleDB + S3-compatible archive)', () => {
    // The api reads the same archive (listing, download); its settings exist once the S3 server runs.
    const apiOverrides: Partial<ApiConfig> = {};
    const stack = new TestStack(apiOverrides);
    let s3: Awaited<ReturnType<typeof startS3Server>>;
    let url: string;
    const archived = businessBody({ retentionDays: 3, compressAfterDays: 1, archive: true });
    const kept = businessBody({ retentionDays: 3, compressAfterDays: 2 });
    const day = dayAgo(6);
    const events = (n: number, minute0 = 0) =>
      Array.from({ length: n }, (_, i) => ({
        _id: `e-${minute0 + i}`,
        timestamp: new Date(day.getTime() + (minute0 + i) * 60_000).toISOString(),
        user_id: `u${i % 3}`,
      }));

    beforeAll(async () => {
      s3 = await startS3Server();
      apiOverrides.archive = { url: `s3://${s3.bucket}/events`, s3: s3.settings };
      await stack.start();
      await stack.startWorker({ archive: { url: `s3://${s3.bucket}/events`, s3: s3.settings } });
      await stack.api.listen(0, '127.0.0.1');
      url = `http://127.0.0.1:${(stack.api.getHttpServer().address() as AddressInfo).port}`;
      for (const b of [archived, kept])
        expect((await stack.request('POST', '/businesses', { body: b })).status).toBe(201);
      for (const b of [archived, kept])
        expect((await stack.request('POST', `/ingest/${b.id}`, { body: events(20) })).status).toBe(202);
      await stack.waitForEvaluation();
    });
    afterAll(async () => {
      await stack.stop();
      await s3.close();
    });

    const store = () => new EventStore(stack.db);
    const chunkOfDay = async () =>
      (await store().chunks()).find((c) => c.rangeStart <= day && c.rangeEnd > day) ?? null;
    const countDay = async (businessId: string) =>
      stack.count('event', 'business_id = $1 AND event_time >= $2 AND event_time < $3', [
        businessId,
        new Date(day.getTime() - 12 * 3_600_000),
        new Date(day.getTime() + 12 * 3_600_000),
      ]);

    it(
      "compresses a day's chunk once older than every business's compressAfterDays, and reads and late events " +
        'still work',
      async () => {
        // The worker's own storage run (its scheduler fires at start-up) may have got there first: the end state
        // is what counts, whoever ran.
        await stack.worker!.get(RetentionService).applyStorage();
        const chunk = await chunkOfDay();
        expect(chunk!.compressed).toBe(true);
        // Received just now: nothing is dropped however old the event times are (retention counts from receipt).
        expect([await countDay(archived.id), await countDay(kept.id)]).toEqual([20, 20]);

        // A late event into the compressed chunk is accepted, stored and read back with the rest.
        const late = await stack.request('POST', `/ingest/${kept.id}`, { body: events(1, 300) });
        expect(late.status).toBe(202);
        await stack.waitForEvaluation();
        expect(await countDay(kept.id)).toBe(21);
        const from = encodeURIComponent(new Date(day.getTime() - 3_600_000).toISOString());
        const listed = await stack.request('GET', `/businesses/${kept.id}/events?from=${from}&limit=1000`);
        expect(listed.status).toBe(200);
        expect(listed.body.items).toHaveLength(21);
        // The export reads the compressed chunk in event-time order.
        const exported = await fetch(`${url}/businesses/${kept.id}/events/export?format=ndjson`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        const lines = (await exported.text()).trim().split('\n');
        expect(lines.map((l) => JSON.parse(l)._id)).toEqual([...events(20).map((e) => e._id), 'e-300']);
      },
    );

    it('keeps an expired chunk while a batch with events in it waits for evaluation', async () => {
      await stack.stopWorker();
      expect((await stack.request('POST', `/ingest/${kept.id}`, { body: events(1, 400) })).status).toBe(202);
      await ageReceipt(stack, kept.id, 4);
      await ageReceipt(stack, archived.id, 4);
      const { dropped, held } = await store().dropExpiredChunks(new Date(Date.now() - 3 * DAY));
      expect(dropped).toEqual([]);
      expect(held).toEqual([{ chunk: (await chunkOfDay())!.name, why: 'pending-batch' }]);
      // Fresh receipts again while a worker evaluates the batch (its start-up storage run must find nothing to
      // drop), then no worker while the next case drives the store by hand.
      await ageReceipt(stack, kept.id, 0);
      await ageReceipt(stack, archived.id, 0);
      await stack.startWorker({ archive: { url: `s3://${s3.bucket}/events`, s3: s3.settings } });
      await stack.waitForEvaluation();
      await stack.stopWorker();
      await ageReceipt(stack, kept.id, 4);
      await ageReceipt(stack, archived.id, 4);
    });

    it(
      'drops nothing when the archive write fails or fails after the file is stored (a crash between the ' + 'two)',
      async () => {
        const real = new S3ArchiveStore(s3.bucket, 'events', s3.settings);
        const failing: ArchiveStore = {
          location: real.location,
          get: (k) => real.get(k),
          list: (p) => real.list(p),
          // The file is durable, then the process "dies" before the drop commits.
          put: async (key: string, body: Readable): Promise<ArchiveObject> => {
            await real.put(key, body);
            throw new Error('killed after the upload');
          },
        };
        await expect(
          store().dropExpiredChunks(new Date(Date.now() - 3 * DAY), {
            archiving: new Set([archived.id]),
            archiver: new EventArchiver(failing),
          }),
        ).rejects.toThrow('killed after the upload');
        expect(await countDay(archived.id)).toBe(20);
        expect(await countDay(kept.id)).toBe(22);
        expect(await stack.count('event_archive')).toBe(0);
      },
    );

    it(
      'drops a chunk once all of it was received before the longest retention, archiving first, and replays ' + 'it',
      async () => {
        const chunk = (await chunkOfDay())!;
        const key = `${archived.id}/${chunk.rangeStart.toISOString().slice(0, 10)}/${chunk.name}.ndjson.gz`;
        // The worker's start-up storage run may drop the chunk before this call does: the end state is checked.
        await stack.startWorker({ archive: { url: `s3://${s3.bucket}/events`, s3: s3.settings } });
        const outcome = await stack.worker!.get(RetentionService).applyStorage();
        expect(outcome.dropped.filter((d) => d.chunk === chunk.name).every((d) => d.events === 42)).toBe(true);
        expect((await stack.db.pool.query('SELECT key, events FROM event_archive')).rows).toEqual([
          { key, events: 20 },
        ]);
        expect((await store().chunks()).some((c) => c.name === chunk.name)).toBe(false);
        expect(await countDay(archived.id)).toBe(0);
        expect(await countDay(kept.id)).toBe(0);
        // The earlier attempt's object was overwritten: one object, one row.
        const objects = await new S3ArchiveStore(s3.bucket, 'events', s3.settings).list(`${archived.id}/`);
        expect(objects).toHaveLength(1);

        const list = await stack.request('GET', `/businesses/${archived.id}/archives`);
        expect(list.status).toBe(200);
        expect(list.body).toEqual([expect.objectContaining({ key, events: 20, location: `s3://${s3.bucket}/events` })]);
        const file = await fetch(`${url}/businesses/${archived.id}/archives/${list.body[0].id}`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        });
        expect(file.headers.get('content-type')).toBe('application/gzip');
        const lines = ndjson(Buffer.from(await file.arrayBuffer()));
        expect(lines.map((l) => l._id)).toEqual(events(20).map((e) => e._id));

        // `anom replay --archive` downloads the file and posts it back: the events return, once each.
        const client = new AnomClient(url, ADMIN_TOKEN);
        const path = join(mkdtempSync(join(tmpdir(), 'anom-replay-')), 'events.ndjson.gz');
        await client.downloadArchive(archived.id, list.body[0].id, path);
        const summary = await replay(client, {
          file: path,
          business: archived.id,
          map: {},
          set: {},
          batch: 500,
          speed: 'max',
        });
        expect(summary).toMatchObject({ read: 20, accepted: 20, rejected: 0 });
        expect(await countDay(archived.id)).toBe(20);
      },
    );

    it('keeps the events of a business that archives while no archive is configured', async () => {
      await ageReceipt(stack, archived.id, 4);
      await stack.stopWorker();
      await stack.startWorker({ archive: null });
      const outcome = await stack.worker!.get(RetentionService).applyStorage();
      expect(outcome.archiveUnconfigured).toEqual([archived.id]);
      expect(outcome.dropped).toEqual([]);
      expect(await countDay(archived.id)).toBe(20);
    });

    it('answers bad archive requests with problems', async () => {
      expect((await stack.request('GET', `/businesses/nope/archives`)).status).toBe(404);
      expect((await stack.request('GET', `/businesses/${archived.id}/archives/not-a-uuid`)).status).toBe(400);
      const missing = await stack.request(
        'GET',
        `/businesses/${archived.id}/archives/00000000-0000-4000-8000-000000000000`,
      );
      expect(missing.status).toBe(404);
      expect((await stack.request('GET', `/businesses/${archived.id}/archives?from=yesterday`)).status).toBe(400);
    });
  });

describe('row retention with archiving (worker + Postgres + a local archive directory)', () => {
  const stack = new TestStack();
  const dir = mkdtempSync(join(tmpdir(), 'anom-archive-'));
  const short = businessBody({ retentionDays: 2, archive: true });
  const long = businessBody({ retentionDays: 30 });

  beforeAll(async () => {
    await stack.start();
    await stack.startWorker({ archive: { url: `file://${dir}`, s3: {} } });
    for (const b of [short, long]) expect((await stack.request('POST', '/businesses', { body: b })).status).toBe(201);
  });
  afterAll(() => stack.stop());

  it('writes the expired events of an archiving business to the directory before deleting them', async () => {
    const body = [0, 1, 2].map((i) => ({ _id: `r-${i}`, timestamp: dayAgo(1, i).toISOString(), user_id: 'u1' }));
    expect((await stack.request('POST', `/ingest/${short.id}`, { body })).status).toBe(202);
    expect((await stack.request('POST', `/ingest/${long.id}`, { body })).status).toBe(202);
    await stack.waitForEvaluation();
    await ageReceipt(stack, short.id, 3);
    await ageReceipt(stack, long.id, 3);

    const outcome = await stack.worker!.get(RetentionService).applyStorage();
    expect(outcome.deleted).toEqual([
      expect.objectContaining({ businessId: short.id, batches: 1, events: 3, archived: 3 }),
    ]);
    expect(await stack.count('event', 'business_id = $1', [short.id])).toBe(0);
    expect(await stack.count('event', 'business_id = $1', [long.id])).toBe(3);
    const [file] = (await stack.request('GET', `/businesses/${short.id}/archives`)).body;
    expect(file).toMatchObject({ events: 3, location: `file://${dir}` });
    const lines = ndjson(readFileSync(join(dir, file.key)));
    expect(lines.map((l) => l._id)).toEqual(['r-0', 'r-1', 'r-2']);
    // Listing through the store sees the file and never a half-written one.
    writeFileSync(join(dir, `${file.key}.partial`), 'x');
    expect((await openArchiveStore(`file://${dir}`).list(`${short.id}/`)).map((o) => o.key)).toEqual([file.key]);
    // This api has no archive configured: it lists the file but cannot serve it.
    expect((await stack.request('GET', `/businesses/${short.id}/archives/${file.id}`)).status).toBe(409);
    expect(await bytesOf(await openArchiveStore(`file://${dir}`).get(file.key))).toEqual(
      readFileSync(join(dir, file.key)),
    );
  });
});
