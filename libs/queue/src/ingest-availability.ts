import type { Redis } from 'ioredis';
import type { IngestUptime } from '@anom/domain';

/** How often each api instance records that ingest is up (ms). */
export const INGEST_BEAT_MS = 10_000;
/** Ingest counts as down once no api instance has recorded a beat for this long (ms): three beats missed. */
export const INGEST_DOWN_AFTER_MS = 30_000;

/**
 * KEYS[1] last beat, KEYS[2] resumed-at; ARGV[1] now (epoch ms), ARGV[2]
 * down-after (ms). Atomic, so api instances starting together agree on one
 * resume. The last beat only moves forward (an instance whose clock is
 * behind does not pull it back). Returns the resumed-at time.
 */
const BEAT_SCRIPT = `
local now = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]))
if last == nil or now - last > tonumber(ARGV[2]) then redis.call('SET', KEYS[2], ARGV[1]) end
if last == nil or now > last then redis.call('SET', KEYS[1], ARGV[1]) end
return redis.call('GET', KEYS[2])`;

type WithBeat = Redis & {
  anomIngestBeat(lastKey: string, resumedKey: string, now: number, downAfterMs: number): Promise<string | null>;
};

/**
 * Whether the platform was accepting ingest, kept in Redis beside the queues
 * (`<prefix>:ingest:lastBeat`, `<prefix>:ingest:resumedAt`, epoch ms, no
 * expiry). Every api instance beats every INGEST_BEAT_MS from its start;
 * a beat that finds no beat from any instance within INGEST_DOWN_AFTER_MS
 * (or none ever) records itself as the time ingest resumed. The worker's
 * absence ticks read it: silence while no api accepted events is not the
 * sources' silence (see judgeAbsenceAsOf).
 */
export class IngestAvailability {
  private readonly redis: WithBeat;
  private readonly lastKey: string;
  private readonly resumedKey: string;

  constructor(
    redis: Redis,
    prefix: string,
    private readonly downAfterMs = INGEST_DOWN_AFTER_MS,
  ) {
    if (!('anomIngestBeat' in redis)) redis.defineCommand('anomIngestBeat', { numberOfKeys: 2, lua: BEAT_SCRIPT });
    this.redis = redis as WithBeat;
    this.lastKey = `${prefix}:ingest:lastBeat`;
    this.resumedKey = `${prefix}:ingest:resumedAt`;
  }

  /**
   * Records that ingest is up at `now` (epoch ms). Returns when ingest last resumed (epoch ms): `now` when this beat
   * ended a downtime.
   */
  async beat(now = Date.now()): Promise<number> {
    return Number(await this.redis.anomIngestBeat(this.lastKey, this.resumedKey, now, this.downAfterMs));
  }

  /**
   * Drops the record (an api started with the beats off): without it the
   * worker judges silence on the clock alone, where a last beat left from
   * before would read as ingest being down for good.
   */
  async forget(): Promise<void> {
    await this.redis.del(this.lastKey, this.resumedKey);
  }

  /** The last beat and the last resume (epoch ms; null where never recorded, e.g. before any api ran this version). */
  async read(): Promise<IngestUptime> {
    const [last, resumed] = await this.redis.mget(this.lastKey, this.resumedKey);
    return {
      lastBeat: last === null ? null : Number(last),
      resumedAt: resumed === null ? null : Number(resumed),
      downAfterMs: this.downAfterMs,
    };
  }
}
