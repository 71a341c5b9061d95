import { Global, Inject, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import {
  AlertRepository,
  AuditRepository,
  BusinessRepository,
  Database,
  EventRepository,
  NotificationRepository,
  RuleRepository,
  SecretBox,
  UserRepository,
  SessionRepository,
  ApiKeyRepository,
  SilenceRepository,
  SourceRepository,
  SuggestionRepository,
  ViewRepository,
  EventArchiveRepository,
} from '@anom/db';
import { EvaluateQueues, MaintenanceSchedulers, NotifyQueue, ProfileQueue, createRedis } from '@anom/queue';
import type { ApiConfig } from '../config/api.config';
import { API_CONFIG } from './tokens';

export const REDIS = Symbol('REDIS');

const repositories: Provider[] = [
  BusinessRepository,
  SourceRepository,
  RuleRepository,
  AlertRepository,
  EventRepository,
  AuditRepository,
  SuggestionRepository,
  ViewRepository,
  SilenceRepository,
  UserRepository,
  SessionRepository,
  ApiKeyRepository,
  EventArchiveRepository,
].map((R) => ({
  provide: R,
  useFactory: (db: Database) => new R(db),
  inject: [Database],
}));

/** Storage and queue clients shared by every api module. */
@Global()
@Module({})
export class InfraModule implements OnApplicationShutdown {
  static forConfig(config: ApiConfig) {
    return {
      module: InfraModule,
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: Database, useFactory: () => new Database(config.databaseUrl, 20) },
        { provide: REDIS, useFactory: () => createRedis(config.redisUrl, { fast: true, name: 'anom-api' }) },
        {
          provide: EvaluateQueues,
          useFactory: (redis: Redis) => new EvaluateQueues(redis, config.evaluatePartitions, config.queuePrefix),
          inject: [REDIS],
        },
        {
          provide: NotifyQueue,
          useFactory: (redis: Redis) =>
            new NotifyQueue(redis, config.queuePrefix, {
              attempts: config.notifyAttempts,
              backoffMs: config.notifyBackoffMs,
            }),
          inject: [REDIS],
        },
        {
          provide: ProfileQueue,
          useFactory: (redis: Redis) => new ProfileQueue(redis, config.queuePrefix),
          inject: [REDIS],
        },
        {
          provide: MaintenanceSchedulers,
          useFactory: (redis: Redis) => new MaintenanceSchedulers(redis, config.queuePrefix),
          inject: [REDIS],
        },
        {
          provide: NotificationRepository,
          useFactory: (db: Database) =>
            new NotificationRepository(db, new SecretBox(config.secretKey, config.previousSecretKeys)),
          inject: [Database],
        },
        ...repositories,
      ],
      exports: [
        API_CONFIG,
        Database,
        REDIS,
        EvaluateQueues,
        NotifyQueue,
        ProfileQueue,
        MaintenanceSchedulers,
        NotificationRepository,
        ...repositories,
      ],
    };
  }

  constructor(
    private readonly db: Database,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly queues: EvaluateQueues,
    private readonly notify: NotifyQueue,
    private readonly profile: ProfileQueue,
    private readonly schedulers: MaintenanceSchedulers,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queues.close().catch(() => undefined);
    await this.notify.close().catch(() => undefined);
    await this.profile.close().catch(() => undefined);
    await this.schedulers.close().catch(() => undefined);
    this.redis.disconnect();
    await this.db.close();
  }
}
