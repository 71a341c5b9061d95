import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { BusinessRepository, EventRepository, SessionRepository } from '@anom/db';

/**
 * Batches deleted per retention transaction, and at most this many transactions per business per run (the next run
 * goes on).
 */
const RETENTION_CHUNK = 200;
const RETENTION_MAX_CHUNKS = 250;
const DAY_MS = 86_400_000;

/** What one retention run deleted for one business. */
export interface RetentionOutcome {
  businessId: string;
  batches: number;
  events: number;
  matches: number;
  clientIds: number;
}

/**
 * Retention: every business keeps its events `retentionDays` after they were
 * received (receipt, not event time, so a replay of old history is not
 * dropped on arrival).
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly businesses: BusinessRepository,
    private readonly events: EventRepository,
    private readonly sessions: SessionRepository,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext('RetentionService');
  }

  /**
   * Deletes evaluated batches received before each business's retention with
   * their events (and the events' rule_match rows), in chunks, and forgets
   * client event ids as old; pending batches stay until evaluated. Alerts and
   * their evidence are kept. Returns what was deleted, per business that lost
   * anything.
   */
  async applyRetention(now: Date = new Date()): Promise<RetentionOutcome[]> {
    const out: RetentionOutcome[] = [];
    for (const { id, retentionDays } of await this.businesses.retentionPolicies()) {
      const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
      const total: RetentionOutcome = { businessId: id, batches: 0, events: 0, matches: 0, clientIds: 0 };
      for (let i = 0; i < RETENTION_MAX_CHUNKS; i++) {
        const d = await this.events.deleteExpired(id, cutoff, RETENTION_CHUNK);
        total.batches += d.batches;
        total.events += d.events;
        total.matches += d.matches;
        if (d.batches < RETENTION_CHUNK) break;
      }
      total.clientIds = await this.events.deleteExpiredClientIds(id, cutoff);
      if (total.batches > 0 || total.clientIds > 0) {
        this.logger.info(total, 'retention: expired events deleted');
        out.push(total);
      }
    }
    await this.removeEndedSessions(now);
    return out;
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
