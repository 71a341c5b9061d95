/** One simulated event for one seeded business. */
export interface SimEvent {
  businessId: string;
  event: Record<string, unknown>;
}

/** The anomaly patterns the simulator injects, each meant to raise its seeded rule's alert. */
export const PATTERNS = {
  tachycardia: 'health-vitals',
  hypoxia: 'health-vitals',
  fever: 'health-vitals',
  'failed-uploads': 'service-logs',
  'fatal-error': 'service-logs',
  'slow-and-hot': 'service-metrics',
  'heartbeat-lost': 'service-metrics',
  'large-transaction': 'payment-transactions',
  'rapid-transactions': 'payment-transactions',
} as const;
export type Pattern = keyof typeof PATTERNS;

/**
 * The seeded rules each pattern raises (and only these), by rule name. The
 * simulator's specs hold it to this, against the engine alone and through
 * the pipeline. A lost heartbeat raises its absence rule on the next tick.
 */
export const PATTERN_ALERTS: Record<Pattern, string[]> = {
  tachycardia: ['Tachycardia at rest'],
  hypoxia: ['Hypoxia'],
  fever: ['Fever'],
  'failed-uploads': ['Error burst', 'Failure logged', 'User error spike'],
  'fatal-error': ['Fatal error'],
  'slow-and-hot': ['CPU and latency both high', 'Slow responses', 'Sustained high CPU'],
  'heartbeat-lost': ['Metrics heartbeat lost'],
  'large-transaction': ['Large transaction'],
  'rapid-transactions': ['Rapid transactions'],
};

export const SIMULATED_BUSINESSES = [
  'health-vitals',
  'service-logs',
  'service-metrics',
  'payment-transactions',
] as const;

const USERS = ['u-001', 'u-002', 'u-003', 'u-004', 'u-005'];
// Many payers, so normal traffic stays far below the per-user rate rule (0.3 payments per payer per 5 min).
const PAYERS = Array.from({ length: 500 }, (_, i) => `p-${String(i + 1).padStart(3, '0')}`);
/** Seconds a lost heartbeat lasts: longer than the seeded 2-minute absence window. */
export const HEARTBEAT_GAP_S = 150;
const SERVICES = ['api', 'billing', 'auth'];
const MERCHANTS = ['grocer', 'rail', 'books', 'cafe', 'pharmacy', 'electronics'];
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF'];

/** mulberry32: a small seeded PRNG, so a simulation can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Live rates, per business: each wearable every 15 s, each service's metrics every 10 s, a log line and a
 * payment with these chances per second. 0.33, 0.5, 0.3 and 0.25 events/s: four days of each stay under
 * what one profiling run reads (PROFILE_MAX_EVENTS, 200,000), so the history the profiler learns from is
 * the live process itself (see backfill).
 */
export const SIM_RATES = { vitalsEveryS: 15, metricsEveryS: 10, logChance: 0.5, paymentChance: 0.25 } as const;

/**
 * Streams realistic events for the seeded businesses and injects one anomaly
 * pattern every `anomalyEveryMs`, round-robin. `tick(now)` is called once a
 * second and returns that second's events; time and randomness come in, so
 * a run is deterministic for a seed.
 */
export class Simulator {
  private readonly businesses: Set<string>;
  private patterns: Pattern[];
  private nextPattern = 0;
  private nextAnomalyAt: number | null = null;
  /** Scripted anomaly events still to emit, one group per tick. */
  private script: SimEvent[][] = [];
  private tickCount = 0;
  /** Users and services in an injected pattern: their normal traffic pauses so the pattern's run is not broken. */
  private readonly busy = new Map<string, number>();

  constructor(
    businesses: readonly string[],
    private readonly rng: () => number = seededRandom(42),
    private readonly anomalyEveryMs = 120_000,
  ) {
    this.businesses = new Set(businesses);
    this.patterns = (Object.keys(PATTERNS) as Pattern[]).filter((p) => this.businesses.has(PATTERNS[p]));
  }

  /** Restricts injection to one pattern (tests, demos of one rule). */
  injectOnly(pattern: Pattern): this {
    this.patterns = [pattern];
    return this;
  }

  /** Normal traffic only, no anomaly patterns (history backfill). */
  normalOnly(): this {
    this.patterns = [];
    return this;
  }

  /** Events for the second ending at `now`; `injected` names a pattern started this tick. */
  tick(now: Date): { events: SimEvent[]; injected: Pattern | null } {
    const events: SimEvent[] = [];
    const ts = now.toISOString();
    this.tickCount++;
    const idle = (entity: string) => (this.busy.get(entity) ?? 0) < this.tickCount;
    if (this.businesses.has('health-vitals') && this.tickCount % SIM_RATES.vitalsEveryS === 0) {
      for (const user of USERS)
        if (idle(user)) events.push({ businessId: 'health-vitals', event: this.vitals(ts, user) });
    }
    if (this.businesses.has('service-logs') && this.rng() < SIM_RATES.logChance) {
      events.push({ businessId: 'service-logs', event: this.log(ts) });
    }
    if (this.businesses.has('service-metrics') && this.tickCount % SIM_RATES.metricsEveryS === 0) {
      // A daily load curve under the noise: the profiler finds the hour-of-day seasonality a real service has.
      const load = dailyLoad(now);
      for (const service of SERVICES)
        if (idle(service))
          events.push({
            businessId: 'service-metrics',
            event: {
              timestamp: ts,
              service,
              cpu_percent: round(20 + 25 * load + this.rng() * 15),
              latency_ms: round(80 + 120 * load + this.rng() * 100),
            },
          });
    }
    if (this.businesses.has('payment-transactions') && this.rng() < SIM_RATES.paymentChance) {
      events.push({
        businessId: 'payment-transactions',
        event: {
          timestamp: ts,
          user_id: this.pick(PAYERS),
          amount: round(Math.exp(2 + this.rng() * 4)),
          currency: this.pick(CURRENCIES),
          merchant: this.pick(MERCHANTS),
        },
      });
    }

    let injected: Pattern | null = null;
    this.nextAnomalyAt ??= now.getTime() + Math.min(this.anomalyEveryMs, 20_000);
    if (this.patterns.length > 0 && now.getTime() >= this.nextAnomalyAt) {
      injected = this.patterns[this.nextPattern++ % this.patterns.length];
      const { entity, groups } = this.plan(injected);
      this.script.push(...groups);
      // Pause the entity's normal traffic for the pattern (a lost heartbeat is all pause).
      this.busy.set(
        entity,
        this.tickCount + (injected === 'heartbeat-lost' ? HEARTBEAT_GAP_S : this.script.length + 1),
      );
      this.nextAnomalyAt = now.getTime() + this.anomalyEveryMs;
    }
    const due = this.script.shift();
    if (due) for (const e of due) events.push({ businessId: e.businessId, event: { ...e.event, timestamp: ts } });
    return { events, injected };
  }

  /** The events of one pattern, one group per tick (timestamps are set when emitted). */
  scriptFor(p: Pattern): SimEvent[][] {
    return this.plan(p).groups;
  }

  /** A pattern's events and the user or service it concerns. */
  private plan(p: Pattern): { entity: string; groups: SimEvent[][] } {
    const user = this.pick(USERS);
    const service = this.pick(SERVICES);
    const payer = this.pick(PAYERS);
    const entity = PATTERNS[p] === 'health-vitals' ? user : PATTERNS[p] === 'payment-transactions' ? payer : service;
    return { entity, groups: this.groupsFor(p, user, service, payer) };
  }

  private groupsFor(p: Pattern, user: string, service: string, payer: string): SimEvent[][] {
    const vitals = (patch: Record<string, unknown>) => [
      { businessId: 'health-vitals', event: { ...this.vitals('', user), ...patch } },
    ];
    switch (p) {
      case 'tachycardia':
        return [112, 118, 124, 131, 136, 127].map((hr) =>
          vitals({ heart_rate: hr, activity_level: 3, steps_per_minute: 0, posture: 'sitting' }),
        );
      case 'hypoxia':
        return [93, 91.5, 89.5, 90.5].map((spo2) => vitals({ spo2_percent: spo2 }));
      case 'fever':
        return [37.9, 38.3, 38.7, 38.9].map((t) => vitals({ skin_temp_c: t }));
      case 'failed-uploads':
        return Array.from({ length: 5 }, () =>
          Array.from({ length: 5 }, () => ({
            businessId: 'service-logs',
            event: { service, level: 'ERROR', message: 'upload to object store failed: timeout', user_id: user },
          })),
        );
      case 'fatal-error':
        return [
          [
            {
              businessId: 'service-logs',
              event: { service, level: 'FATAL', message: 'out of memory; process exiting' },
            },
          ],
        ];
      case 'slow-and-hot':
        return [1200, 1500, 1800, 1650, 1400].map((latency) => [
          {
            businessId: 'service-metrics',
            event: { service, cpu_percent: round(88 + this.rng() * 8), latency_ms: latency },
          },
        ]);
      case 'heartbeat-lost':
        return [];
      case 'large-transaction':
        return [
          [
            {
              businessId: 'payment-transactions',
              event: { user_id: payer, amount: 14_250, currency: 'EUR', merchant: 'electronics' },
            },
          ],
        ];
      case 'rapid-transactions':
        return Array.from({ length: 7 }, () => [
          {
            businessId: 'payment-transactions',
            event: {
              user_id: payer,
              amount: round(20 + this.rng() * 80),
              currency: 'EUR',
              merchant: this.pick(MERCHANTS),
            },
          },
        ]);
    }
  }

  private vitals(ts: string, user: string): Record<string, unknown> {
    const active = this.rng() < 0.15;
    const activity = active ? round(40 + this.rng() * 40) : round(this.rng() * 8);
    return {
      timestamp: ts,
      user_id: user,
      device_sources: 'watch,ring',
      heart_rate: round(active ? 105 + this.rng() * 40 : 58 + this.rng() * 22),
      hrv_ms: round(30 + this.rng() * 40),
      spo2_percent: round(96 + this.rng() * 3),
      skin_temp_c: round(36.2 + this.rng() * 0.9),
      respiratory_rate: round(12 + this.rng() * 6),
      activity_level: activity,
      steps_per_minute: active ? Math.round(90 + this.rng() * 70) : 0,
      posture: active ? this.pick(['walking', 'running']) : this.pick(['lying', 'sitting', 'standing']),
    };
  }

  private log(ts: string): Record<string, unknown> {
    const r = this.rng();
    // 1 % errors: far below the per-service burst (20 in 3 min) and per-user spike (10 in 5 min) rules.
    const level = r < 0.85 ? 'INFO' : r < 0.99 ? 'WARN' : 'ERROR';
    const messages: Record<string, string[]> = {
      INFO: ['request served', 'user signed in', 'cache refreshed', 'job completed'],
      WARN: ['slow query', 'retrying request', 'deprecated endpoint used'],
      ERROR: ['timeout contacting database', 'upstream returned 502'],
    };
    return {
      timestamp: ts,
      service: this.pick(SERVICES),
      level,
      message: this.pick(messages[level]),
      user_id: this.pick(USERS),
    };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)];
  }
}

/**
 * A service's load through the day, 0 (03:00 UTC) to 1 (15:00 UTC), a
 * raised cosine: normal CPU then spans 20–60 % and latency 80–300 ms, as
 * before the curve, below every seeded threshold.
 */
export function dailyLoad(t: Date): number {
  const hours = (t.getTime() / 3_600_000) % 24;
  return (1 - Math.cos((2 * Math.PI * (hours - 3)) / 24)) / 2;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * History for a fresh install: `days` of the live simulator's normal traffic (every second of it, the
 * same rates, load curve and entities; no injected patterns) ending at `end`, per business, each event
 * with a client event id (`_id`) so a repeated backfill stores nothing twice. Compressed in wall time
 * only: the profiler learns the process the simulator then sends live, so what it proposes holds on
 * the live stream (backfill.int-spec backtests every first-start suggestion on live traffic).
 */
export function backfill(
  businesses: readonly string[],
  end: Date,
  days: number,
  seed: number,
): Map<string, Record<string, unknown>[]> {
  const sim = new Simulator(businesses, seededRandom(seed)).normalOnly();
  const out = new Map<string, Record<string, unknown>[]>(businesses.map((b) => [b, []]));
  for (let t = end.getTime() - days * 86_400_000; t < end.getTime(); t += 1000) {
    sim
      .tick(new Date(t))
      .events.forEach((e, i) => out.get(e.businessId)?.push({ ...e.event, _id: `backfill-${t}-${i}` }));
  }
  return out;
}
