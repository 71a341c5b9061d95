import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import {
  BusinessRepository,
  EventArchiver,
  EventRepository,
  EventStore,
  SessionRepository,
  archiveStoreOf,
  type ChunkDropOutcome,
  type StoragePolicy,
} from '@anom/db';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';

/**
 * Batches deleted per retention transaction, and at most this many transactions per business per run (the next run
 * goes on).
 */
const RETENTION_CHUNK = 200;
const RETENTION_MAX_CHUNKS = 250;
const DAY_MS = 86_400_000;

/** What one retention run deleted for one business (row deletes). */
export interface RetentionOutcome {
  businessId: string;
  batches: number;
  events: number;
  matches: number;
  clientIds: number;
  /** Events written to the archive before they were deleted. */
  archived: number;
}

/** What one storage run did: row deletes per business, chunks compressed and dropped (TimescaleDB). */
export interface StorageOutcome {
  deleted: RetentionOutcome[];
  compressed: string[];
  dropped: ChunkDropOutcome[];
  /** Businesses with `archive` on whose events were kept because no ARCHIVE_URL is configured. */
  archiveUnconfigured: string[];
}

/**
 * Retention, compression and archiving of events. Every business keeps its
 * events `retentionDays` after they were received (receipt, not event time,
 * so a replay of old history is not dropped on arrival), and an event is
 * deleted only once evaluated.
 *
 * On TimescaleDB (see EventStore) whole day chunks are dropped once every
 * event in them is past the longest retention of any business — rows are
 * deleted only for businesses whose retention is shorter than that — and
 * chunks are compressed once older than the `compressAfterDays` of every
 * business with events in them. On a plain table rows are deleted per
 * business. Either way a business with `archive` on has its events written to
 * the archive (ARCHIVE_URL) before they go, and keeps them while no archive
 * is configured: nothing is deleted that was not archived.
 */
@Injectable()
export class RetentionService {
  private readonly archiver: EventArchiver | null;

  constructor(
    private readonly businesses: BusinessRepository,
    private readonly events: EventRepository,
    private readonly store: EventStore,
    private readonly sessions: SessionRepository,
    private readonly logger: PinoLogger,
    @Inject(WORKER_CONFIG) config: WorkerConfig,
  ) {
    logger.setContext('RetentionService');
    const archive = archiveStoreOf(config.archive);
    this.archiver = archive ? new EventArchiver(archive) : null;
  }

  /** Runs retention (rows, then chunks), then compression; see the class. Returns what it did. */
  async applyStorage(now: Date = new Date()): Promise<StorageOutcome> {
    const policies = await this.businesses.retentionPolicies();
    const unconfigured = this.archiver ? [] : policies.filter((p) => p.archive).map((p) => p.id);
    if (unconfigured.length > 0)
      this.logger.warn(
        { businesses: unconfigured },
        'retention: archive is on but ARCHIVE_URL is not set; their expired events are kept',
      );
    const hyper = await this.store.isHypertable();
    const longest = Math.max(0, ...policies.map((p) => p.retentionDays));
    // On a hypertable the longest retention is served by dropping chunks; rows go only for shorter ones.
    const rowPolicies = hyper ? policies.filter((p) => p.retentionDays < longest) : policies;
    const deleted = await this.deleteRows(rowPolicies, now, new Set(unconfigured));
    for (const p of policies) {
      const clientIds = await this.events.deleteExpiredClientIds(
        p.id,
        new Date(now.getTime() - p.retentionDays * DAY_MS),
      );
      if (clientIds === 0) continue;
      const row = deleted.find((d) => d.businessId === p.id);
      if (row) row.clientIds = clientIds;
      else deleted.push({ businessId: p.id, batches: 0, events: 0, matches: 0, clientIds, archived: 0 });
    }
    let dropped: ChunkDropOutcome[] = [];
    let compressed: string[] = [];
    if (hyper && policies.length > 0) {
      dropped = await this.dropChunks(policies, now, longest, unconfigured);
      compressed = await this.compress(policies, now);
    }
    await this.removeEndedSessions(now);
    return { deleted, compressed, dropped, archiveUnconfigured: unconfigured };
  }

  /** Retention only, as `applyStorage` does it; returns the row deletes per business that lost anything. */
  async applyRetention(now: Date = new Date()): Promise<RetentionOutcome[]> {
    return (await this.applyStorage(now)).deleted;
  }

  private async deleteRows(policies: StoragePolicy[], now: Date, keep: Set<string>): Promise<RetentionOutcome[]> {
    const out: RetentionOutcome[] = [];
    for (const { id, retentionDays, archive } of policies) {
      if (keep.has(id)) continue;
      const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
      const total: RetentionOutcome = { businessId: id, batches: 0, events: 0, matches: 0, clientIds: 0, archived: 0 };
      for (let i = 0; i < RETENTION_MAX_CHUNKS; i++) {
        const d = await this.events.deleteExpired(id, cutoff, RETENTION_CHUNK, archive ? this.archiver : null);
        total.batches += d.batches;
        total.events += d.events;
        total.matches += d.matches;
        total.archived += d.archived;
        if (d.batches < RETENTION_CHUNK) break;
      }
      if (total.batches > 0) {
        this.logger.info(total, 'retention: expired events deleted');
        out.push(total);
      }
    }
    return out;
  }

  private async dropChunks(
    policies: StoragePolicy[],
    now: Date,
    longestDays: number,
    unconfigured: string[],
  ): Promise<ChunkDropOutcome[]> {
    const cutoff = new Date(now.getTime() - longestDays * DAY_MS);
    if (unconfigured.length > 0) {
      // A chunk holding events of a business that must archive first cannot go while there is nowhere to archive.
      const blocked = new Set(unconfigured);
      const chunks = (await this.store.chunks()).filter((c) => c.rangeEnd <= cutoff);
      for (const c of chunks) if ((await this.store.businessesIn(c)).some((b) => blocked.has(b))) return [];
    }
    const archiving = new Set(policies.filter((p) => p.archive).map((p) => p.id));
    const { dropped, held } = await this.store.dropExpiredChunks(cutoff, { archiving, archiver: this.archiver });
    for (const d of dropped) this.logger.info(d, 'retention: expired chunk dropped');
    if (held.length > 0) this.logger.debug({ held }, 'retention: expired chunks kept this run');
    return dropped;
  }

  private async compress(policies: StoragePolicy[], now: Date): Promise<string[]> {
    const after = new Map(policies.map((p) => [p.id, p.compressAfterDays]));
    const done = await this.store.compressChunks(now, async (chunk) => {
      const present = await this.store.businessesIn(chunk);
      const ages = present.map((b) => after.get(b) ?? null);
      if (ages.length === 0 || ages.some((a) => a === null)) return false;
      return chunk.rangeEnd.getTime() <= now.getTime() - Math.max(...(ages as number[])) * DAY_MS;
    });
    if (done.length > 0) this.logger.info({ chunks: done }, 'storage: chunks compressed');
    return done;
  }

  /**
   * Deletes browser sessions past their idle time-out (already refused at
   * sign-in checks; this only keeps the table small). Returns how many went.
   */
  async removeEndedSessions(now: Date = new Date()): Promise<number> {
    const n = await this.sessions.removeExpired(now);
    if (n > 0) this.logger.info({ sessions: n }, 'retention: ended sessions deleted');
    return n;
  }
}
