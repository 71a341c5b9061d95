import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PROFILE_JOB, PROFILE_QUEUE, profileJobId, type ProfileJobData } from '@anom/contracts';

/**
 * Producer side of the profile queue. `enqueue` never throws: the run is
 * already a `queued` row, and the maintenance sweep enqueues runs still
 * queued after a minute (Redis was away). Returns whether it was enqueued.
 */
export class ProfileQueue {
  private readonly queue: Queue<ProfileJobData>;

  constructor(
    private readonly connection: Redis,
    prefix: string,
  ) {
    this.queue = new Queue<ProfileJobData>(PROFILE_QUEUE, { connection, prefix });
    this.queue.on('error', () => undefined);
  }

  async enqueue(data: ProfileJobData): Promise<boolean> {
    if (this.connection.status !== 'ready') return false;
    try {
      await this.queue.add(PROFILE_JOB, data, {
        jobId: profileJobId(data.runId),
        attempts: 1,
        removeOnComplete: { count: 100 },
        removeOnFail: { count: 100 },
      });
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
