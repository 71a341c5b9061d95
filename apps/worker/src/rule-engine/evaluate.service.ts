import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import {
  lifecycleCandidates,
  batchStateKeys,
  compileRule,
  dueIndex,
  evaluateBatch,
  forgetAfterMs,
  groupIndexes,
  groupLimitMatch,
  groupsIndex,
  isStateful,
  judgeAbsenceAsOf,
  legacyAbsenceKey,
  loadAbsenceTick,
  episodePhases,
  splitLegacyAbsence,
  tickAbsenceRules,
  type CompiledRule,
  type IndexChanges,
  type StateStore,
} from '@anom/domain';
import {
  AlertRepository,
  BusinessRepository,
  Database,
  EventRepository,
  RuleRepository,
  type ApplyOutcome,
  type BatchRecord,
  type BusinessRecord,
} from '@anom/db';
import { GroupLimitCounter, IngestAvailability, NotifyQueue, RedisStateStore } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { STATE_REDIS, WORKER_CONFIG } from '../infra/tokens';
import { WorkerMetrics } from '../metrics/worker-metrics';

export type EvaluateOutcome =
  | { status: 'skipped'; reason: 'batch-missing' | 'already-done' | 'business-missing' }
  | ({
      status: 'done';
      batches: number;
      events: number;
      matches: number;
      failures: number;
      late: number;
      ms: number;
      /** Ids of every batch this job evaluated (its own among them). */ batchIds: string[];
    } & ApplyOutcome);

const MAX_COMPILED = 5_000;

/**
 * Evaluates ingest batches and absence ticks of a business.
 *
 * Order: a batch job evaluates the pending batches of its business in `seq`
 * order (commit order, see EventRepository.insertBatch) until its own batch
 * is done, so per-group order holds even when a failed job is retried after
 * later ones. A session advisory lock per business serialises
 * evaluation across worker processes whatever the queue does.
 *
 * Exactly-once effect: rule state (Redis) is saved as {seq, prev, cur} before
 * the Postgres transaction that applies the batch's alerts and marks it done;
 * if the process dies in between, the batch is evaluated again from `prev`
 * with the same result, and `rule_match` keeps counts from doubling.
 */
@Injectable()
export class EvaluateService {
  private readonly compiled = new Map<string, CompiledRule | Error>();
  /** When this process last wrote a group's touch to its groups index (state key -> ms); see thinTouches. */
  private readonly touchedAt = new Map<string, number>();
  /** When this process last forgot idle groups of a rule version (groupsIndex -> ms). */
  private readonly lastForget = new Map<string, number>();
  private readonly state: StateStore;
  private readonly ingest: IngestAvailability;
  private readonly groupLimits: GroupLimitCounter;

  constructor(
    private readonly db: Database,
    private readonly events: EventRepository,
    private readonly businesses: BusinessRepository,
    private readonly rules: RuleRepository,
    private readonly alerts: AlertRepository,
    private readonly logger: PinoLogger,
    private readonly notify: NotifyQueue,
    @Inject(STATE_REDIS) redis: Redis,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
    private readonly metrics: WorkerMetrics,
  ) {
    logger.setContext('EvaluateService');
    this.state = new RedisStateStore(redis, config.queuePrefix);
    this.ingest = new IngestAvailability(redis, config.queuePrefix);
    this.groupLimits = new GroupLimitCounter(redis, config.queuePrefix);
  }

  async evaluateBatch(batchId: string, now: () => Date = () => new Date()): Promise<EvaluateOutcome> {
    const started = performance.now();
    const batch = await this.events.findBatch(batchId);
    if (!batch) return { status: 'skipped', reason: 'batch-missing' };
    if (batch.status === 'done') return { status: 'skipped', reason: 'already-done' };
    const business = await this.businesses.findById(batch.businessId);
    if (!business) return { status: 'skipped', reason: 'business-missing' };

    return this.withBusinessLock(business.id, async () => {
      const total: EvaluateOutcome & { status: 'done' } = {
        status: 'done',
        batches: 0,
        events: 0,
        matches: 0,
        failures: 0,
        late: 0,
        ms: 0,
        batchIds: [],
        opened: [],
        updated: [],
        escalated: [],
        alreadyCounted: 0,
        suppressed: 0,
        notifications: [],
      };
      const rules = await this.activeRules(business);
      // Pending batches are evaluated oldest first, in runs of consecutive
      // batches (one state round trip and one transaction per run), until
      // this job's batch is done. A run may reach past it: the later batches'
      // own jobs then find them done. Under a backlog this turns one job per
      // batch into one evaluation per run.
      let reached = false;
      while (!reached) {
        const pending = await this.events.pendingOf(business.id, PENDING_PAGE);
        if (!pending.some((b) => b.id === batch.id) && !pending.some((b) => b.seq < batch.seq)) break;
        const group = firstRun(pending);
        reached = group.some((b) => b.id === batch.id);
        const r = await this.evaluateGroup(group, business, rules, now);
        if (!r) continue;
        total.batchIds.push(...group.map((b) => b.id));
        total.events += r.events;
        total.matches += r.matches;
        total.failures += r.failures;
        total.late += r.late;
        total.opened.push(...r.opened);
        total.updated.push(...r.updated);
        total.escalated.push(...r.escalated);
        total.alreadyCounted += r.alreadyCounted;
        total.suppressed += r.suppressed;
        total.notifications.push(...r.notifications);
      }
      total.batches = total.batchIds.length;
      total.ms = Math.round(performance.now() - started);
      if (total.opened.length || total.escalated.length) {
        this.logger.info(
          { businessId: business.id, batchId, opened: total.opened.length, escalated: total.escalated.length },
          'alerts raised',
        );
      }
      return total;
    });
  }

  /**
   * Absence tick of one business at wall-clock `at`. Returns the alerts opened.
   *
   * Silence is judged as of `at`, or as of the receipt of the business's
   * oldest batch still pending evaluation when there is one: the events that
   * end a silence may sit in that backlog (a worker was down, or their jobs
   * were lost and wait for the sweeper), and a group is not silent because
   * its events have not been evaluated yet. Under normal load the oldest
   * pending batch is milliseconds old. Likewise for the api: while no api
   * instance is up silence is judged as of the last one's beat, and after
   * such a downtime a group's silence counts from when ingest resumed
   * (IngestAvailability, judgeAbsenceAsOf).
   */
  async tick(businessId: string, at: Date): Promise<string[]> {
    const business = await this.businesses.findById(businessId);
    if (!business) return [];
    return this.withBusinessLock(businessId, async () => {
      const all = await this.activeRules(business);
      const rules = all.filter((r) => r.definition.kind === 'absence');
      if (rules.length === 0) return [];
      const backlog = await this.events.oldestPendingReceipt(businessId);
      const ingest = judgeAbsenceAsOf(at.getTime(), await this.ingest.read());
      const asOf = new Date(Math.min(at.getTime(), backlog?.getTime() ?? Infinity, ingest.asOf));
      // Every stateful rule's, not only the absence rules': the marker covers the business.
      if ((await this.state.load([warmKey(businessId)])).get(warmKey(businessId)) !== stateVersion(all))
        await this.rebuildState(business, all, Date.now());
      // Only the expected groups and those due: a tick costs what fires, not every group watched.
      const loaded = await loadAbsenceTick(this.state, rules, asOf.getTime(), ingest.countFrom);
      const { matches, saves, index } = tickAbsenceRules(rules, loaded, asOf, ingest.countFrom);
      // Alerts first, then state: a tick repeated after a crash re-fires the
      // same synthetic match ids, which rule_match counts once.
      const outcome = await this.db.transaction((tx) =>
        this.alerts.applyCandidates(tx, businessId, lifecycleCandidates(matches, rules), at),
      );
      await this.notify.enqueue(outcome.notifications);
      await this.state.save(saves, index);
      if (outcome.opened.length) {
        this.logger.info({ businessId, opened: outcome.opened.length }, 'absence alerts raised');
        this.metrics.alertsOpened.inc({ business: businessId }, outcome.opened.length);
      }
      return outcome.opened;
    });
  }

  private async evaluateGroup(
    batches: BatchRecord[],
    business: BusinessRecord,
    rules: CompiledRule[],
    now: () => Date,
  ) {
    const events = await this.events.loadBatchesEvents(batches);
    const keys = batchStateKeys(rules, events);
    // The warm marker rides along in the same MGET (no round trip of its own); without stateful rules there is nothing
    // to build.
    const version = stateVersion(rules);
    const stateful = version !== STATELESS;
    let [loaded, groupCounts] = await Promise.all([
      this.state.load(stateful ? [...keys, warmKey(business.id)] : keys),
      this.state.counts(groupIndexes(rules)),
    ]);
    if (stateful && loaded.get(warmKey(business.id)) !== version) {
      await this.rebuildState(business, rules, now().getTime());
      [loaded, groupCounts] = await Promise.all([this.state.load(keys), this.state.counts(groupIndexes(rules))]);
    }
    const touched = now().getTime();
    const result = evaluateBatch(
      rules,
      events,
      loaded,
      { first: batches[0].seq, last: batches[batches.length - 1].seq },
      { groupCounts, now: touched },
    );
    const batchIds = batches.map((b) => b.id);
    if (result.failures.length > 0)
      this.logger.warn(
        { businessId: business.id, batchIds, failures: result.failures.length, first: result.failures[0] },
        'rule evaluation errors',
      );
    if (result.late.length > 0)
      this.logger.info(
        { businessId: business.id, batchIds, late: result.late.length },
        'events too late for stateful rules: stored, not evaluated',
      );
    const byId = new Map(rules.map((r) => [r.ruleId, r]));
    for (const o of result.overflow) {
      this.logger.warn({ businessId: business.id, batchIds, ...o }, 'group limit reached: new groups not evaluated');
      // A re-run after a crash may count these again: the metric is a rate to watch, the alert counts once.
      await this.groupLimits.add(business.id, o.ruleId, o.untracked);
      result.matches.push(groupLimitMatch(byId.get(o.ruleId)!, o, batches[0].seq, new Date(touched)));
    }
    await this.state.save(result.saves, this.thinTouches(result.index, rules, touched));
    // Several episodes of a group in these batches (history sent faster than it happened) are applied in turn.
    const { phases, trailing } = episodePhases(result.matches, result.clears, rules);
    const lateByBatch = new Map<string, number>();
    const batchOf = new Map(events.map((e) => [e.id, e.batchId]));
    for (const l of result.late)
      lateByBatch.set(batchOf.get(l.eventId)!, (lateByBatch.get(batchOf.get(l.eventId)!) ?? 0) + 1);
    const applied = await this.db.transaction(async (tx) => {
      // Another process may have committed these batches meanwhile: then nothing here counts.
      if (!(await this.events.lockAllPending(tx, batchIds))) return null;
      const at = now();
      let outcome: ApplyOutcome = emptyOutcome();
      for (const phase of phases) {
        await this.alerts.applyClears(tx, phase.clears, at);
        const o = await this.alerts.applyCandidates(tx, business.id, lifecycleCandidates(phase.matches, rules), at);
        outcome = mergeOutcomes(outcome, o);
      }
      await this.alerts.applyClears(tx, trailing, at);
      await this.events.markBatchesDone(
        tx,
        batchIds.map((id) => ({ id, lateEvents: lateByBatch.get(id) ?? 0 })),
        at,
      );
      return outcome;
    });
    if (!applied) return null;
    this.metrics.evaluated(business.id, batches, result.kindMs, new Date());
    if (applied.opened.length > 0) this.metrics.alertsOpened.inc({ business: business.id }, applied.opened.length);
    // After commit: a notification is durable before its job exists; the sweeper covers a crash in between.
    await this.notify.enqueue(applied.notifications);
    // Housekeeping after the alerts are committed, off the ingest-to-alert path.
    await this.forgetIdleGroups(rules, touched);
    return {
      ...applied,
      events: events.length,
      matches: result.matches.length,
      failures: result.failures.length,
      late: result.late.length,
    };
  }

  /**
   * Drops from `index` the touches (groups-index entries) of groups this
   * process touched less than TOUCH_EVERY_MS ago: idle expiry works in hours,
   * and rewriting every touched group's score on every batch doubled the
   * cost of a state save. New groups are always written (maxGroups counts
   * them); absence deadlines always (they move with every event).
   */
  private thinTouches(index: IndexChanges, rules: readonly CompiledRule[], now: number): IndexChanges {
    if (this.touchedAt.size >= MAX_TOUCHED) this.touchedAt.clear();
    for (const name of groupIndexes(rules)) {
      const members = index.get(name);
      if (!members) continue;
      for (const member of [...members.keys()]) {
        if ((this.touchedAt.get(member) ?? -Infinity) > now - TOUCH_EVERY_MS) members.delete(member);
        else this.touchedAt.set(member, now);
      }
    }
    return index;
  }

  /**
   * Forgets the groups of `rules` idle for their forgetAfter (as of `now`,
   * ms), at most FORGET_LIMIT per rule and once a minute per rule version
   * in this process: idle groups go away steadily without a round trip per batch.
   */
  private async forgetIdleGroups(rules: readonly CompiledRule[], now: number): Promise<void> {
    const due = rules.filter(
      (r) => isStateful(r) && (this.lastForget.get(groupsIndex(r)) ?? -Infinity) <= now - FORGET_EVERY_MS,
    );
    if (due.length === 0) return;
    if (this.lastForget.size >= MAX_COMPILED) this.lastForget.clear();
    for (const rule of due) this.lastForget.set(groupsIndex(rule), now);
    const forgotten = await Promise.all(
      due.map((r) =>
        this.state.forget(
          groupsIndex(r),
          now - forgetAfterMs(r),
          FORGET_LIMIT,
          r.definition.kind === 'absence' ? [dueIndex(r)] : [],
        ),
      ),
    );
    due.forEach((rule, i) => {
      if (forgotten[i] > 0)
        this.logger.info(
          { ruleId: rule.ruleId, version: rule.version, forgotten: forgotten[i] },
          'idle groups forgotten',
        );
    });
  }

  /**
   * Rule state lives in Redis; when Redis lost it (restarted without
   * persistence, flushed, evicted) windows and groups would start empty: a
   * burst straddling the loss never reaches its threshold, a silent group is
   * never missed. The same holds for a rule version that has just been
   * created: its groups would be only those seen after. A business whose
   * warm marker is missing or names other rule versions (stateVersion) has
   * its state rebuilt before its next evaluation or tick: its most recent evaluated
   * batches (at most REBUILD_MAX_EVENTS events) run through the same
   * evaluator from empty state, their matches dropped (they were counted
   * when those batches were evaluated), and the states of the keys Redis no
   * longer holds are saved (keys it still holds are kept: evaluateBatch skips
   * a state saved after the run, and the run is numbered below every batch). Rebuilt absence
   * groups fire again only as the same synthetic matches, which rule_match
   * counts once. Then the marker is set.
   */
  private async rebuildState(business: BusinessRecord, rules: readonly CompiledRule[], now: number): Promise<void> {
    const stateful = rules.filter(isStateful);
    // First what an older version kept (an upgrade leaves no marker): the replay keeps keys that exist.
    await this.convertLegacyAbsence(
      stateful.filter((r) => r.definition.kind === 'absence'),
      now,
    );
    let events = 0;
    if (stateful.length > 0) {
      const recent = await this.events.recentDoneBatches(business.id, REBUILD_MAX_BATCHES);
      const batches: BatchRecord[] = [];
      for (const b of recent) {
        if (batches.length > 0 && events + b.eventCount > REBUILD_MAX_EVENTS) break;
        batches.push(b);
        events += b.eventCount;
      }
      batches.sort((a, b) => a.seq - b.seq);
      const parts = Math.ceil(batches.length / GROUP_MAX_BATCHES);
      for (let p = 0; p < parts; p++) {
        const part = await this.events.loadBatchesEvents(
          batches.slice(p * GROUP_MAX_BATCHES, (p + 1) * GROUP_MAX_BATCHES),
        );
        const [existing, groupCounts] = await Promise.all([
          this.state.load(batchStateKeys(stateful, part)),
          this.state.counts(groupIndexes(stateful)),
        ]);
        // Runs numbered -parts..-1: each part starts from the one before, all before any real batch (seq >= 1).
        const r = evaluateBatch(stateful, part, existing, p - parts, { groupCounts, now });
        await this.state.save(r.saves, r.index);
      }
    }
    await this.state.save(new Map([[warmKey(business.id), stateVersion(rules)]]));
    // Missing (Redis lost it, or an upgrade) or for other rule versions (a rule was added or edited).
    this.logger.warn({ businessId: business.id, events }, 'rule state built from stored events');
  }

  /**
   * Absence rules kept all their groups in one value before per-group keys:
   * converts such a value once (in the rebuild the missing marker of an
   * upgraded install causes), so no group watched before the upgrade is lost.
   */
  private async convertLegacyAbsence(rules: readonly CompiledRule[], now: number): Promise<void> {
    if (rules.length === 0) return;
    const legacy = await this.state.load(rules.map(legacyAbsenceKey));
    for (const rule of rules) {
      const value = legacy.get(legacyAbsenceKey(rule));
      if (value === undefined) continue;
      const { saves, index } = splitLegacyAbsence(rule, value, now);
      await this.state.save(saves, index);
      this.logger.info(
        { ruleId: rule.ruleId, version: rule.version, groups: saves.size - 1 },
        'absence state converted to one key per group',
      );
    }
  }

  private async activeRules(business: BusinessRecord): Promise<CompiledRule[]> {
    const records = await this.rules.listActive(business.id);
    return records.map((r) => this.compile(r, business)).filter((r): r is CompiledRule => r !== null);
  }

  /** Runs `fn` holding a Postgres session advisory lock on the business. */
  private withBusinessLock<T>(businessId: string, fn: () => Promise<T>): Promise<T> {
    return this.db.withSessionLock(`anom:evaluate:${businessId}`, fn);
  }

  private compile(
    rule: { id: string; version: number; name: string; definition: CompiledRule['definition'] },
    business: BusinessRecord,
  ): CompiledRule | null {
    const key = `${rule.id}@${rule.version}/${business.schemaVersion}/${business.timezone}`;
    let c = this.compiled.get(key);
    if (!c) {
      try {
        c = compileRule(rule, business.fields, business.timezone);
      } catch (err) {
        c = err as Error;
        this.logger.error(
          { ruleId: rule.id, version: rule.version, err },
          'rule does not compile against the current schema; skipped',
        );
      }
      if (this.compiled.size >= MAX_COMPILED) this.compiled.clear();
      this.compiled.set(key, c);
    }
    return c instanceof Error ? null : c;
  }
}

const PENDING_PAGE = 200;
/** Bounds of a state rebuild after Redis lost its data: the most recent evaluated events of a business. */
const REBUILD_MAX_EVENTS = 50_000;
const REBUILD_MAX_BATCHES = 2_000;

/**
 * State key holding the stateVersion the business's rule state was last
 * built for (see EvaluateService.rebuildState): missing when Redis lost its
 * data, different when a stateful rule was added or edited since.
 */
function warmKey(businessId: string): string {
  return `business:${businessId}:warm`;
}

/**
 * The enabled stateful rule versions of a business, as one short string: a
 * new or edited rule changes it, so its state is built from stored events
 * (an absence rule knows the groups seen before it existed, an edited
 * aggregate keeps its window) instead of starting empty.
 */
function stateVersion(rules: readonly CompiledRule[]): string {
  const ids = rules.filter(isStateful).map((r) => `${r.ruleId}@${r.version}`);
  return ids.length === 0 ? STATELESS : createHash('sha256').update(ids.sort().join(',')).digest('hex').slice(0, 16);
}

/** stateVersion of a business without stateful rules. */
const STATELESS = 'stateless';
/** Idle groups forgotten per rule version and pass (FORGET_EVERY_MS apart). */
const FORGET_LIMIT = 2_000;
const FORGET_EVERY_MS = 60_000;
/** A group's touch is written at most this often per process (ms), and remembered for this many groups. */
const TOUCH_EVERY_MS = 60_000;
const MAX_TOUCHED = 200_000;
const GROUP_MAX_BATCHES = 50;
const GROUP_MAX_EVENTS = 10_000;

/**
 * The oldest pending batches that fit in one evaluation (at most GROUP_MAX_BATCHES batches and GROUP_MAX_EVENTS events,
 * and always at least one).
 */
function firstRun(pending: readonly BatchRecord[]): BatchRecord[] {
  const run: BatchRecord[] = [];
  let events = 0;
  for (const b of pending) {
    if (run.length > 0 && (run.length >= GROUP_MAX_BATCHES || events + b.eventCount > GROUP_MAX_EVENTS)) break;
    run.push(b);
    events += b.eventCount;
  }
  return run;
}

function emptyOutcome(): ApplyOutcome {
  return { opened: [], updated: [], escalated: [], alreadyCounted: 0, suppressed: 0, notifications: [] };
}

/** Two phases' outcomes as one: an alert updated in both is listed once. */
function mergeOutcomes(a: ApplyOutcome, b: ApplyOutcome): ApplyOutcome {
  return {
    opened: [...a.opened, ...b.opened],
    updated: [...new Set([...a.updated, ...b.updated])],
    escalated: [...new Set([...a.escalated, ...b.escalated])],
    alreadyCounted: a.alreadyCounted + b.alreadyCounted,
    suppressed: a.suppressed + b.suppressed,
    notifications: [...a.notifications, ...b.notifications],
  };
}
