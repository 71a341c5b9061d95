import IORedis from 'ioredis';
import { REDIS_URL } from '../../../test/env';
import { RedisStateStore, STATE_TTL_MS } from './redis-state-store';

describe('RedisStateStore (real Redis)', () => {
  const redis = new IORedis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const prefix = `anom-state-test-${process.pid}-${Date.now()}`;
  const store = new RedisStateStore(redis, prefix);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('saves JSON values with the state TTL, loads them back, and deletes keys saved as undefined', async () => {
    await store.save(new Map<string, unknown>([['r1:v1:a', { seq: 3, cur: [1, 2] }], ['r1:v1:b', 'x'], ['r1:v1:c', 0]]));
    expect(await store.load(['r1:v1:a', 'r1:v1:b', 'r1:v1:c', 'r1:v1:missing'])).toEqual(new Map<string, unknown>([['r1:v1:a', { seq: 3, cur: [1, 2] }], ['r1:v1:b', 'x'], ['r1:v1:c', 0]]));
    const ttl = await redis.pttl(`${prefix}:state:r1:v1:a`);
    expect(ttl).toBeGreaterThan(STATE_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(STATE_TTL_MS);

    await store.save(new Map<string, unknown>([['r1:v1:a', undefined], ['r1:v1:b', 'y']]));
    expect(await store.load(['r1:v1:a', 'r1:v1:b', 'r1:v1:c'])).toEqual(new Map<string, unknown>([['r1:v1:b', 'y'], ['r1:v1:c', 0]]));
  });

  it('saves more keys than one script call takes', async () => {
    const changes = new Map<string, unknown>(Array.from({ length: 12_345 }, (_, i) => [`r2:v1:g${i}`, { n: i }]));
    await store.save(changes);
    const loaded = await store.load([...changes.keys()]);
    expect(loaded.size).toBe(12_345);
    expect(loaded.get('r2:v1:g0')).toEqual({ n: 0 });
    expect(loaded.get('r2:v1:g12344')).toEqual({ n: 12_344 });
  });

  it('shares one script definition between stores on the same connection', async () => {
    const other = new RedisStateStore(redis, `${prefix}-other`);
    await other.save(new Map([['k', 1]]));
    expect(await other.load(['k'])).toEqual(new Map([['k', 1]]));
    await redis.del(`${prefix}-other:state:k`);
  });
});
