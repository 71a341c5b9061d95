import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { DomainError } from '@anom/domain';
import { PinoLogger } from 'nestjs-pino';
import { AuditRepository, Database, NotificationRepository, type ChannelConfig, type ChannelRecord } from '@anom/db';
import type { AlertEvent, ChannelKind, Severity } from '@anom/contracts';
import { OutboundPolicy, OutboundRefused, newWebhookSecret } from '@anom/notify';
import { API_CONFIG } from '../infra/tokens';
import type { ApiConfig } from '../config/api.config';
import { BusinessesService } from '../business-def/businesses.service';
import type { ChannelConfigDto, CreateChannelDto, UpdateChannelDto } from './dto/channel.dto';

/** A channel as the API shows it: a webhook's secret is never shown again after creation, only its first characters. */
export type ChannelView = Omit<ChannelRecord, 'config'> & {
  config: Omit<ChannelConfig, 'secret'> & { secretPrefix?: string };
};

const DEFAULT_EVENTS: AlertEvent[] = ['opened', 'escalated', 'resolved'];

/**
 * Notification channels of a business. Which config keys a kind takes:
 * webhook `{url, secret?}` (a secret is generated when omitted and returned
 * once), slack and discord `{url}` (their incoming-webhook URL), email `{to}`.
 */
@Injectable()
export class ChannelsService implements OnApplicationBootstrap {
  constructor(
    private readonly channels: NotificationRepository,
    private readonly businesses: BusinessesService,
    private readonly audit: AuditRepository,
    private readonly db: Database,
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly logger: PinoLogger,
  ) {
    const self = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
    this.policy = new OutboundPolicy(config.outboundAllow, [config.databaseUrl, config.redisUrl, self]);
  }

  private readonly policy: OutboundPolicy;

  /** Seals channel credentials still in plain text or under a rotated-out key (see SecretBox). */
  async onApplicationBootstrap(): Promise<void> {
    // Best effort: the api starts (and answers health) with the database down; the next start seals them.
    await this.channels.resealChannels().catch((err: Error) => this.logger.warn({ err }, 'channel re-seal skipped'));
  }

  async create(
    businessId: string,
    dto: CreateChannelDto,
    actor: string,
    id: string = randomUUID(),
  ): Promise<ChannelView & { secret?: string }> {
    await this.businesses.getLive(businessId);
    const kind = dto.kind as ChannelKind;
    const config = checkConfig(kind, dto.config);
    if (kind === 'webhook' && !config.secret) config.secret = newWebhookSecret();
    if (await this.channels.findChannelByName(businessId, dto.name))
      throw new DomainError(
        'CHANNEL_NAME_TAKEN',
        `business '${businessId}' already has a channel named '${dto.name}'`,
        [{ pointer: '/name', detail: 'already taken' }],
      );
    await this.checkDestination(config);
    const input = {
      id,
      businessId,
      name: dto.name,
      kind,
      config,
      events: (dto.events as AlertEvent[] | undefined) ?? DEFAULT_EVENTS,
      minSeverity: (dto.minSeverity as Severity | undefined) ?? 'info',
      enabled: dto.enabled ?? true,
    };
    const channel = await this.db.transaction(async (tx) => {
      const created = await this.channels.createChannel(input, tx);
      const entry = { actor, action: 'create', entityType: 'channel' as const, entityId: created.id };
      await this.audit.record({ ...entry, after: auditView(created) }, tx);
      return created;
    });
    return kind === 'webhook' ? { ...view(channel), secret: config.secret } : view(channel);
  }

  async list(businessId: string): Promise<{ items: ChannelView[]; nextCursor: null }> {
    await this.businesses.get(businessId);
    return { items: (await this.channels.listChannels(businessId)).map(view), nextCursor: null };
  }

  async get(id: string): Promise<ChannelView> {
    return view(await this.find(id));
  }

  async update(id: string, dto: UpdateChannelDto, actor: string): Promise<ChannelView> {
    const before = await this.find(id);
    if (
      dto.name !== undefined &&
      dto.name !== before.name &&
      (await this.channels.findChannelByName(before.businessId, dto.name))
    ) {
      throw new DomainError(
        'CHANNEL_NAME_TAKEN',
        `business '${before.businessId}' already has a channel named '${dto.name}'`,
        [{ pointer: '/name', detail: 'already taken' }],
      );
    }
    let config: ChannelConfig | undefined;
    if (dto.config) {
      config = checkConfig(before.kind, dto.config);
      await this.checkDestination(config);
      if (before.kind === 'webhook' && !config.secret) config.secret = before.config.secret;
    }
    const patch = {
      name: dto.name,
      config,
      events: dto.events as AlertEvent[] | undefined,
      minSeverity: dto.minSeverity as Severity | undefined,
      enabled: dto.enabled,
    };
    return this.db.transaction(async (tx) => {
      const after = await this.channels.updateChannel(id, patch, new Date(), tx);
      const entry = { actor, action: 'update', entityType: 'channel' as const, entityId: id };
      await this.audit.record({ ...entry, before: auditView(before), after: auditView(after) }, tx);
      return view(after);
    });
  }

  /** Deletes the channel and its delivery history. */
  async remove(id: string, actor: string): Promise<ChannelView> {
    const before = await this.find(id);
    await this.db.transaction(async (tx) => {
      await this.channels.deleteChannel(id, tx);
      const entry = {
        actor,
        action: 'delete',
        entityType: 'channel' as const,
        entityId: id,
        before: auditView(before),
      };
      await this.audit.record(entry, tx);
    });
    return view(before);
  }

  /** Refuses a URL the outbound policy refuses (422 at /config/url), as the worker refuses it at send. */
  private async checkDestination(config: ChannelConfig): Promise<void> {
    if (!config.url) return;
    try {
      await this.policy.checkUrl(config.url);
    } catch (err) {
      if (!(err instanceof OutboundRefused)) throw err;
      throw new DomainError('CHANNEL_INVALID', err.message, [{ pointer: '/config/url', detail: err.message }]);
    }
  }

  private async find(id: string): Promise<ChannelRecord> {
    const c = await this.channels.findChannel(id);
    if (!c) throw new DomainError('CHANNEL_NOT_FOUND', `no notification channel '${id}'`);
    return c;
  }
}

/** The config keys `kind` needs, and no others. Throws CHANNEL_INVALID naming each offending key. */
function checkConfig(kind: ChannelKind, config: ChannelConfigDto): ChannelConfig {
  const errors: { pointer: string; detail: string }[] = [];
  const allowed: Record<ChannelKind, (keyof ChannelConfigDto)[]> = {
    webhook: ['url', 'secret'],
    slack: ['url'],
    discord: ['url'],
    email: ['to'],
  };
  const required: Record<ChannelKind, keyof ChannelConfigDto> = {
    webhook: 'url',
    slack: 'url',
    discord: 'url',
    email: 'to',
  };
  if (config[required[kind]] === undefined)
    errors.push({ pointer: `/config/${required[kind]}`, detail: `required for a ${kind} channel` });
  for (const key of Object.keys(config) as (keyof ChannelConfigDto)[]) {
    if (config[key] !== undefined && !allowed[kind].includes(key))
      errors.push({
        pointer: `/config/${key}`,
        detail: `not a setting of a ${kind} channel (it takes ${allowed[kind].join(', ')})`,
      });
  }
  if (errors.length > 0) throw new DomainError('CHANNEL_INVALID', `invalid ${kind} channel config`, errors);
  const out: ChannelConfig = {};
  for (const key of allowed[kind]) if (config[key] !== undefined) (out as Record<string, unknown>)[key] = config[key];
  return out;
}

function view(c: ChannelRecord): ChannelView {
  const { secret, ...config } = c.config;
  return { ...c, config: secret ? { ...config, secretPrefix: `${secret.slice(0, 10)}…` } : config };
}

/**
 * A channel as its audit rows keep it: without the secret and with the URL cut
 * to its origin, since a Slack or Discord webhook URL is itself a credential
 * (sealed at rest) and the audit log is kept in the clear.
 */
function auditView(c: ChannelRecord): ChannelView {
  const v = view(c);
  if (!v.config.url) return v;
  let shown: string;
  try {
    shown = `${new URL(v.config.url).origin}/…`;
  } catch {
    shown = '…';
  }
  return { ...v, config: { ...v.config, url: shown } };
}
