import { Inject, Injectable } from '@nestjs/common';
import { RuleRepository } from '@anom/db';
import { EvaluateQueues } from '@anom/queue';
import type { WorkerConfig } from '../config/worker.config';
import { WORKER_CONFIG } from '../infra/tokens';

/** Absence rules fire on silence, not on events: each tick asks every business that has one to judge its groups. */
@Injectable()
export class AbsenceTicks {
  constructor(
    private readonly rules: RuleRepository,
    private readonly queues: EvaluateQueues,
    @Inject(WORKER_CONFIG) private readonly config: WorkerConfig,
  ) {}

  /** Enqueues an absence tick for every live business with an enabled absence rule; returns how many. */
  async enqueueTicks(now: Date = new Date()): Promise<number> {
    const ids = await this.rules.businessesWithLiveRulesOf('absence');
    for (const id of ids) await this.queues.enqueueTick(id, now.getTime(), this.config.tickEveryMs);
    return ids.length;
  }
}
