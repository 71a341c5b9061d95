import type { Redis } from 'ioredis';
import { StoredJson, type IndexChanges, type StateStore } from '@anom/domain';

/** Idle rule state expires after this long (ms): a group silent for 30 days starts afresh. */
export const STATE_TTL_MS = 30 * 86_400_000;

/**
 * Sets or deletes every key of a save atomically, as MULTI/EXEC did, but as
 * one command: KEYS are the state keys, ARGV[1] the TTL (ms), ARGV[i + 1] the
 * JSON value of KEYS[i] or '' to delete it (no JSON text is empty). A batch
 * touches hundreds of group keys; one SET per key cost the worker an ioredis
 * command object, its encoding and its reply each (measured: the largest
 * share of the state save at 5k events/s).
 */
const SAVE_SCRIPT = `
local ttl = ARGV[1]
for i, key in ipairs(KEYS) do
  local value = ARGV[i + 1]
  if value == '' then redis.call('DEL', key) else redis.call('SET', key, value, 'PX', ttl) end
end
return #KEYS`;

/**
 * Applies index changes: KEYS are sorted sets, ARGV[1] the TTL (ms), then
 * (key number, member, score or '' to remove) triples. Each index touched
 * gets the state TTL again, so an index outlives no state it names by long.
 */
const INDEX_SCRIPT = `
local ttl = ARGV[1]
for i = 2, #ARGV, 3 do
  local key = KEYS[tonumber(ARGV[i])]
  if ARGV[i + 2] == '' then
    redis.call('ZREM', key, ARGV[i + 1])
  else
    redis.call('ZADD', key, ARGV[i + 2], ARGV[i + 1])
  end
end
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
return #KEYS`;

/**
 * Forgets idle groups: KEYS[1] the groups index, KEYS[2..] the other indexes
 * to remove them from; ARGV[1] the highest score forgotten, ARGV[2] at most
 * how many, ARGV[3] the prefix that makes a member (a state key) a Redis key.
 * Deleting a key not declared in KEYS is what a standalone Redis allows;
 * under Cluster the state keys would need a hash tag per rule.
 */
const FORGET_SCRIPT = `
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, m in ipairs(members) do
  redis.call('DEL', ARGV[3] .. m)
  for i = 1, #KEYS do redis.call('ZREM', KEYS[i], m) end
end
return #members`;

/** ioredis flattens array arguments: (number of keys, keys, TTL, values). */
type WithSave = Redis & {
  anomSaveState(numKeys: number, keys: string[], ttlMs: number, values: string[]): Promise<number>;
  anomSaveIndex(numKeys: number, keys: string[], ttlMs: number, ops: (string | number)[]): Promise<number>;
  anomForgetGroups(numKeys: number, keys: string[], maxScore: number, limit: number, prefix: string): Promise<number>;
};

/**
 * Keys per script call: bounds one call's size and how long it holds Redis.
 * Each key's value carries its own {seq, prev, cur}, so a save cut between
 * calls is as safe as one cut before it (DESIGN.md, exactly-once effect).
 */
const SAVE_CHUNK = 5_000;

/**
 * StateStore on Redis: JSON values under `<prefix>:state:<key>`, loaded with
 * one MGET and saved with one script call (atomic) per batch, sorted indexes
 * under `<prefix>:index:<name>`. Keys carry the rule version, so a rule edit
 * gets state of its own (the worker builds it from recent events) and old
 * versions simply expire.
 *
 * A VersionedState ({seq, prev, cur}) is written as
 * `{"seq":S,"prevLength":N,"prev":P,"cur":C}` — JSON still, N the length of
 * P's text — and loaded with `prev` and `cur` as StoredJson, cut out of the
 * text without parsing: an evaluation parses only the one it starts from and
 * writes `prev` back as the text it loaded (see StoredJson). Any other value,
 * or a state written before this layout, is parsed whole.
 */
export class RedisStateStore implements StateStore {
  private readonly redis: WithSave;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    // ioredis runs it by EVALSHA, loading it on a NOSCRIPT answer.
    if (!('anomSaveState' in redis)) redis.defineCommand('anomSaveState', { lua: SAVE_SCRIPT });
    if (!('anomSaveIndex' in redis)) redis.defineCommand('anomSaveIndex', { lua: INDEX_SCRIPT });
    if (!('anomForgetGroups' in redis)) redis.defineCommand('anomForgetGroups', { lua: FORGET_SCRIPT });
    this.redis = redis as WithSave;
  }

  async load(keys: readonly string[]): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    if (keys.length === 0) return out;
    const values = await this.redis.mget(keys.map((k) => this.key(k)));
    values.forEach((v, i) => {
      if (v !== null) out.set(keys[i], readVersioned(v) ?? JSON.parse(v));
    });
    return out;
  }

  /**
   * State first, then its index entries, issued back to back on the one
   * connection (Redis runs them in that order; one round trip in all): a
   * crash in between leaves state an index does not name yet, which the
   * re-evaluation of the same batches (they are not marked done) writes
   * again. Every index of the save goes in one script call (chunked by
   * SAVE_CHUNK changes), not one per rule.
   */
  async save(changes: ReadonlyMap<string, unknown>, index?: IndexChanges): Promise<void> {
    const calls: Promise<unknown>[] = [];
    const entries = [...changes];
    for (let i = 0; i < entries.length; i += SAVE_CHUNK) {
      const chunk = entries.slice(i, i + SAVE_CHUNK);
      calls.push(
        this.redis.anomSaveState(
          chunk.length,
          chunk.map(([k]) => this.key(k)),
          STATE_TTL_MS,
          chunk.map(([, v]) => (v === undefined ? '' : writeValue(v))),
        ),
      );
    }
    const names = [...(index?.keys() ?? [])];
    const keys = names.map((n) => this.indexKey(n));
    let ops: (string | number)[] = [];
    names.forEach((name, k) => {
      for (const [member, score] of index!.get(name)!) {
        ops.push(k + 1, member, score === null ? '' : score);
        if (ops.length >= 3 * SAVE_CHUNK) {
          calls.push(this.redis.anomSaveIndex(keys.length, keys, STATE_TTL_MS, ops));
          ops = [];
        }
      }
    });
    if (ops.length > 0) calls.push(this.redis.anomSaveIndex(keys.length, keys, STATE_TTL_MS, ops));
    await Promise.all(calls);
  }

  async counts(indexes: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (indexes.length === 0) return out;
    const replies = await this.redis.pipeline(indexes.map((name) => ['zcard', this.indexKey(name)])).exec();
    indexes.forEach((name, i) => {
      const [err, n] = replies![i];
      if (err) throw err;
      out.set(name, Number(n));
    });
    return out;
  }

  async range(index: string, maxScore: number, limit: number): Promise<string[]> {
    const max = Number.isFinite(maxScore) ? String(maxScore) : maxScore > 0 ? '+inf' : '-inf';
    return this.redis.zrangebyscore(this.indexKey(index), '-inf', max, 'LIMIT', 0, Number.isFinite(limit) ? limit : -1);
  }

  async forget(index: string, maxScore: number, limit: number, alsoFrom: readonly string[]): Promise<number> {
    const keys = [index, ...alsoFrom].map((name) => this.indexKey(name));
    return this.redis.anomForgetGroups(keys.length, keys, maxScore, limit, `${this.prefix}:state:`);
  }

  private key(k: string): string {
    return `${this.prefix}:state:${k}`;
  }

  private indexKey(name: string): string {
    return `${this.prefix}:index:${name}`;
  }
}

const VERSIONED_HEAD = /^\{"seq":(-?\d+),"prevLength":(\d+),"prev":/;
const CUR_KEY = ',"cur":';

/**
 * A value's text: a VersionedState in the layout above (StoredJson written back as its text), anything else as JSON.
 */
function writeValue(v: unknown): string {
  if (
    v === null ||
    typeof v !== 'object' ||
    !('seq' in v) ||
    !('prev' in v) ||
    !('cur' in v) ||
    !Number.isInteger(v.seq)
  )
    return JSON.stringify(v);
  const prev = textOf(v.prev);
  return `{"seq":${v.seq},"prevLength":${prev.length},"prev":${prev}${CUR_KEY}${textOf(v.cur)}}`;
}

function textOf(state: unknown): string {
  return state instanceof StoredJson ? state.text : (JSON.stringify(state) ?? 'null');
}

/**
 * {seq, prev, cur} with StoredJson parts (null stays null) from text in the layout above, or null for any other text.
 */
function readVersioned(text: string): { seq: number; prev: StoredJson | null; cur: StoredJson | null } | null {
  const head = VERSIONED_HEAD.exec(text);
  if (!head) return null;
  const start = head[0].length;
  const end = start + Number(head[2]);
  if (!text.startsWith(CUR_KEY, end) || !text.endsWith('}')) return null;
  const part = (t: string) => (t === 'null' ? null : new StoredJson(t));
  return { seq: Number(head[1]), prev: part(text.slice(start, end)), cur: part(text.slice(end + CUR_KEY.length, -1)) };
}
