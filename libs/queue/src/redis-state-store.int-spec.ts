import IORedis from 'ioredis';
import { StoredJson } from '@anom/domain';
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
    await store.save(
      new Map<string, unknown>([
        ['r1:v1:a', { seq: 3, cur: [1, 2] }],
        ['r1:v1:b', 'x'],
        ['r1:v1:c', 0],
      ]),
    );
    expect(await store.load(['r1:v1:a', 'r1:v1:b', 'r1:v1:c', 'r1:v1:missing'])).toEqual(
      new Map<string, unknown>([
        ['r1:v1:a', { seq: 3, cur: [1, 2] }],
        ['r1:v1:b', 'x'],
        ['r1:v1:c', 0],
      ]),
    );
    const ttl = await redis.pttl(`${prefix}:state:r1:v1:a`);
    expect(ttl).toBeGreaterThan(STATE_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(STATE_TTL_MS);

    await store.save(
      new Map<string, unknown>([
        ['r1:v1:a', undefined],
        ['r1:v1:b', 'y'],
      ]),
    );
    expect(await store.load(['r1:v1:a', 'r1:v1:b', 'r1:v1:c'])).toEqual(
      new Map<string, unknown>([
        ['r1:v1:b', 'y'],
        ['r1:v1:c', 0],
      ]),
    );
  });

  it(
    "loads a versioned state's prev and cur as text parsed on demand, and writes loaded text back as it " + 'was',
    async () => {
      // Multi-byte and astral characters, and a string that looks like the layout's own separator.
      const prev = { values: [1.5, -0, 1e-7], note: 'é ☃ 𝄞 ,"cur":{}', nested: { a: null } };
      await store.save(new Map([['r3:v1:a', { seq: 7, prev, cur: null }]]));
      const first = (await store.load(['r3:v1:a'])).get('r3:v1:a') as { seq: number; prev: StoredJson; cur: unknown };
      expect(first.seq).toBe(7);
      expect(first.cur).toBeNull();
      expect(first.prev).toBeInstanceOf(StoredJson);
      expect(first.prev.parse()).toEqual(JSON.parse(JSON.stringify(prev)));

      await store.save(new Map([['r3:v1:a', { seq: 8, prev: first.prev, cur: { n: 1 } }]]));
      const raw = (await redis.get(`${prefix}:state:r3:v1:a`))!;
      expect(raw).toBe(`{"seq":8,"prevLength":${first.prev.text.length},"prev":${first.prev.text},"cur":{"n":1}}`);
      // Still JSON: any reader gets the state whole.
      expect(JSON.parse(raw)).toEqual({
        seq: 8,
        prevLength: first.prev.text.length,
        prev: JSON.parse(JSON.stringify(prev)),
        cur: { n: 1 },
      });
      const second = (await store.load(['r3:v1:a'])).get('r3:v1:a') as { prev: StoredJson; cur: StoredJson };
      expect(second.prev.text).toBe(first.prev.text);
      expect(second.cur.parse()).toEqual({ n: 1 });
    },
  );

  it('parses whole a state written before that layout, or one whose layout does not hold', async () => {
    await redis.set(`${prefix}:state:r4:v1:old`, JSON.stringify({ seq: 2, prev: null, cur: { n: 1 } }));
    await redis.set(`${prefix}:state:r4:v1:bad`, '{"seq":1,"prevLength":3,"prev":{"a":1},"cur":null}');
    const loaded = await store.load(['r4:v1:old', 'r4:v1:bad']);
    expect(loaded.get('r4:v1:old')).toEqual({ seq: 2, prev: null, cur: { n: 1 } });
    expect(loaded.get('r4:v1:bad')).toEqual({ seq: 1, prevLength: 3, prev: { a: 1 }, cur: null });
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

  it('keeps sorted indexes beside the state: counts, ranges by score, forgets idle groups and state', async () => {
    const changes = new Map<string, unknown>([
      ['r5:g:a', { n: 1 }],
      ['r5:g:b', { n: 2 }],
      ['r5:g:c', { n: 3 }],
    ]);
    const index = new Map([
      [
        'r5:groups',
        new Map<string, number | null>([
          ['r5:g:a', 100],
          ['r5:g:b', 200],
          ['r5:g:c', 300],
        ]),
      ],
      [
        'r5:due',
        new Map<string, number | null>([
          ['r5:g:a', 1_000],
          ['r5:g:b', 2_000],
          ['r5:g:c', 3_000],
        ]),
      ],
    ]);
    await store.save(changes, index);
    expect(await store.counts(['r5:groups', 'r5:due', 'r5:none'])).toEqual(
      new Map([
        ['r5:groups', 3],
        ['r5:due', 3],
        ['r5:none', 0],
      ]),
    );
    expect(await store.range('r5:due', 2_000, 10)).toEqual(['r5:g:a', 'r5:g:b']);
    expect(await store.range('r5:due', Infinity, 1)).toEqual(['r5:g:a']);
    expect(await redis.pttl(`${prefix}:index:r5:due`)).toBeGreaterThan(STATE_TTL_MS - 60_000);
    // null removes a member.
    await store.save(new Map(), new Map([['r5:due', new Map([['r5:g:a', null]])]]));
    expect(await store.range('r5:due', Infinity, 10)).toEqual(['r5:g:b', 'r5:g:c']);
    // Forgetting: idle members (score <= 200) leave both indexes, and their state goes.
    expect(await store.forget('r5:groups', 200, 10, ['r5:due'])).toBe(2);
    expect(await store.counts(['r5:groups', 'r5:due'])).toEqual(
      new Map([
        ['r5:groups', 1],
        ['r5:due', 1],
      ]),
    );
    expect([...(await store.load(['r5:g:a', 'r5:g:b', 'r5:g:c'])).keys()]).toEqual(['r5:g:c']);
  });
});
