import IORedis from 'ioredis';
import { REDIS_URL } from '../../../test/env';
import { INGEST_DOWN_AFTER_MS, IngestAvailability } from './ingest-availability';

describe('IngestAvailability (real Redis)', () => {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const prefix = `anom-ingest-test-${process.pid}-${Date.now()}`;
  const availability = new IngestAvailability(redis, prefix);
  const T = Date.UTC(2026, 0, 1, 12);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('knows nothing before the first beat, and takes the first beat as ingest resuming', async () => {
    expect(await availability.read()).toEqual({ lastBeat: null, resumedAt: null, downAfterMs: INGEST_DOWN_AFTER_MS });
    expect(await availability.beat(T)).toBe(T);
    expect(await availability.read()).toEqual({ lastBeat: T, resumedAt: T, downAfterMs: INGEST_DOWN_AFTER_MS });
  });

  it('keeps the resume while beats come within the limit, moves it after a longer gap', async () => {
    expect(await availability.beat(T + 10_000)).toBe(T);
    expect(await availability.beat(T + 10_000 + INGEST_DOWN_AFTER_MS)).toBe(T);
    const back = T + 10_000 + 2 * INGEST_DOWN_AFTER_MS + 1;
    expect(await availability.beat(back)).toBe(back);
    expect(await availability.read()).toMatchObject({ lastBeat: back, resumedAt: back });
  });

  it('does not let an instance whose clock is behind pull the last beat back', async () => {
    const { lastBeat, resumedAt } = await availability.read();
    expect(await availability.beat(lastBeat! - 5_000)).toBe(resumedAt);
    expect(await availability.read()).toMatchObject({ lastBeat, resumedAt });
  });

  it('agrees on one resume when instances start together', async () => {
    const other = new IngestAvailability(redis, `${prefix}-together`);
    const starts = await Promise.all([T, T + 1, T + 2].map((t) => other.beat(t)));
    expect(new Set(starts).size).toBe(1);
  });

  it('forgets the record when told (an api started with the beats off)', async () => {
    const other = new IngestAvailability(redis, `${prefix}-forget`);
    await other.beat(T);
    await other.forget();
    expect(await other.read()).toEqual({ lastBeat: null, resumedAt: null, downAfterMs: INGEST_DOWN_AFTER_MS });
  });
});
