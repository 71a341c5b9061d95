import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LoggerModule } from 'nestjs-pino';
import {
  AlertRepository,
  BusinessRepository,
  Database,
  EventRepository,
  EventStore,
  NotificationRepository,
  SecretBox,
  SessionRepository,
  RuleRepository,
  SuggestionRepository,
} from '@anom/db';
import { EvaluateQueues, NotifyQueue, ProfileQueue, createRedis } from '@anom/queue';
import type { WorkerConfig } from './config/worker.config';
import { PRODUCER_REDIS, STATE_REDIS, WORKER_CONFIG } from './infra/tokens';
import { MaintenanceProcessor } from './maintenance/maintenance.processor';
import { NotifyProcessor } from './notify/notify.processor';
import { ProfileProcessor } from './profile/profile.processor';
import { ProfileService } from './profile/profile.service';
import { AutoResolveService } from './maintenance/auto-resolve.service';
import { OutboxSweeper } from './maintenance/outbox-sweeper.service';
import { RetentionService } from './maintenance/retention.service';
import { AbsenceTicks } from './rule-engine/absence-ticks.service';
import { EvaluateProcessor } from './rule-engine/evaluate.processor';
import { EvaluateService } from './rule-engine/evaluate.service';
import { WorkerMetrics } from './metrics/worker-metrics';
import { WorkerHttpServer } from './metrics/worker-http.server';

const repositories: Provider[] = [
  BusinessRepository,
  RuleRepository,
  AlertRepository,
  EventRepository,
  SuggestionRepository,
  SessionRepository,
  EventStore,
].map((R) => ({
  provide: R,
  useFactory: (db: Database) => new R(db),
  inject: [Database],
}));

/** The worker: evaluate, notify and maintenance processors over shared storage. */
@Global()
@Module({})
export class WorkerModule implements OnApplicationShutdown {
  static forConfig(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            transport: config.prettyLogs ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
          },
        }),
      ],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        { provide: Database, useFactory: () => new Database(config.databaseUrl, 10) },
        {
          provide: NotificationRepository,
          useFactory: (db: Database) =>
            new NotificationRepository(db, new SecretBox(config.secretKey, config.previousSecretKeys)),
          inject: [Database],
        },
        {
          provide: PRODUCER_REDIS,
          useFactory: () => createRedis(config.redisUrl, { fast: true, name: 'anom-worker-producer' }),
        },
        { provide: STATE_REDIS, useFactory: () => createRedis(config.redisUrl, { name: 'anom-worker-state' }) },
        {
          provide: EvaluateQueues,
          useFactory: (redis: Redis) => new EvaluateQueues(redis, config.evaluatePartitions, config.queuePrefix),
          inject: [PRODUCER_REDIS],
        },
        {
          provide: ProfileQueue,
          useFactory: (redis: Redis) => new ProfileQueue(redis, config.queuePrefix),
          inject: [PRODUCER_REDIS],
        },
        {
          provide: NotifyQueue,
          useFactory: (redis: Redis) =>
            new NotifyQueue(redis, config.queuePrefix, {
              attempts: config.notifyAttempts,
              backoffMs: config.notifyBackoffMs,
            }),
          inject: [PRODUCER_REDIS],
        },
        ...repositories,
        EvaluateService,
        EvaluateProcessor,
        OutboxSweeper,
        RetentionService,
        AutoResolveService,
        AbsenceTicks,
        MaintenanceProcessor,
        NotifyProcessor,
        ProfileService,
        ProfileProcessor,
        WorkerMetrics,
        WorkerHttpServer,
      ],
    };
  }

  constructor(
    private readonly db: Database,
    private readonly queues: EvaluateQueues,
    private readonly notify: NotifyQueue,
    private readonly profile: ProfileQueue,
    @Inject(PRODUCER_REDIS) private readonly redis: Redis,
    @Inject(STATE_REDIS) private readonly stateRedis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close().catch(() => undefined);
    await this.notify.close().catch(() => undefined);
    await this.profile.close().catch(() => undefined);
    this.redis.disconnect();
    this.stateRedis.disconnect();
    await this.db.close();
  }
}
