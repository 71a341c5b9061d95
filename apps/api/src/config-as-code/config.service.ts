import { Injectable } from '@nestjs/common';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import diff from 'microdiff';
import {
  BusinessRepository,
  Database,
  NotificationRepository,
  RuleRepository,
  SilenceRepository,
  ViewRepository,
  type BusinessRecord,
} from '@anom/db';
import { CONFIG_API_VERSION, CONFIG_JSON_SCHEMA, type InputErrorDetail } from '@anom/contracts';
import { DomainError, type FieldDefinition } from '@anom/domain';
import { BusinessesService } from '../business-def/businesses.service';
import type { FieldDto } from '../business-def/dto/business.dto';
import { ChannelsService } from '../notifications/channels.service';
import type { CreateChannelDto } from '../notifications/dto/channel.dto';
import { RulesService } from '../rules/rules.service';
import { SilencesService } from '../silences/silences.service';
import { ViewsService } from '../views/views.service';

/** A rules-as-code document (see CONFIG_JSON_SCHEMA). */
export interface ConfigDocument {
  apiVersion: typeof CONFIG_API_VERSION;
  businesses: BusinessDoc[];
}

export interface BusinessDoc {
  id: string;
  name: string;
  description?: string;
  timezone?: string;
  timestampField?: string | null;
  entityKeyFields?: string[];
  retentionDays?: number;
  compressAfterDays?: number | null;
  archive?: boolean;
  fields: FieldDefinition[];
  rules?: ({ id: string } & Record<string, unknown>)[];
  views?: { id: string; name: string; description?: string; position?: number; panels: unknown[] }[];
  channels?: ChannelDoc[];
  silences?: SilenceDoc[];
}

interface ChannelDoc {
  id: string;
  name: string;
  kind: string;
  enabled?: boolean;
  events?: string[];
  minSeverity?: string;
  config: { url?: string; secret?: string; to?: string[] };
}

interface SilenceDoc {
  id: string;
  comment: string;
  ruleId?: string | null;
  groupKey?: Record<string, string | number | boolean>;
  startsAt: string;
  endsAt: string;
}

/** One object's fate in an apply: what changed (secrets shown as `(secret)`), and for rules the backtest. */
export interface PlanItem {
  object: 'business' | 'rule' | 'view' | 'channel' | 'silence';
  businessId: string;
  id: string;
  name: string;
  action: 'create' | 'update' | 'delete' | 'unchanged';
  changes: { path: string; from?: unknown; to?: unknown }[];
  /** New or changed rules: what the definition would have raised over the last 7 days of stored events. */
  backtest?: { days: number; events: number; alerts: number; perDay: number; summary: string } | { error: string };
}

export interface ApplyResult {
  dryRun: boolean;
  prune: boolean;
  items: PlanItem[];
  summary: { create: number; update: number; delete: number; unchanged: number };
}

const SECRET_KEYS = new Set(['url', 'secret']);
const ENV_REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/;

/**
 * Rules and businesses as code: export the platform's definitions as a
 * document, and apply a document idempotently by id (create what is missing,
 * update what differs, with `prune` delete what the listed businesses hold
 * and the document does not), showing a diff per object and, for each new or
 * changed rule, a backtest over the last 7 days. A dry run computes the same
 * plan and writes nothing. Channel secrets (webhook URLs, signing secrets) are
 * never exported: the export writes `${ENV}` references, which `anom apply`
 * fills from its environment; a document that still holds one is refused.
 *
 * Modelled on Grafana's file provisioning and Terraform's plan/apply: the
 * document is the desired state, the answer is the plan.
 */
@Injectable()
export class ConfigService {
  private readonly validateDoc = addFormats(new Ajv2020({ allErrors: true, strict: false })).compile(
    CONFIG_JSON_SCHEMA as object,
  );

  constructor(
    private readonly db: Database,
    private readonly businessRepo: BusinessRepository,
    private readonly ruleRepo: RuleRepository,
    private readonly viewRepo: ViewRepository,
    private readonly channelRepo: NotificationRepository,
    private readonly silenceRepo: SilenceRepository,
    private readonly businesses: BusinessesService,
    private readonly rules: RulesService,
    private readonly views: ViewsService,
    private readonly channels: ChannelsService,
    private readonly silences: SilencesService,
  ) {}

  /**
   * The definitions of `businessIds` (every live business when empty), in a
   * stable order and shape: exporting, applying to an empty install and
   * exporting again gives the same document. Throws BUSINESS_NOT_FOUND.
   */
  async export(businessIds: string[] = []): Promise<ConfigDocument> {
    const list = businessIds.length
      ? await Promise.all(businessIds.map((id) => this.businesses.getLive(id)))
      : await this.businessRepo.listLive();
    const out: BusinessDoc[] = [];
    for (const b of list.sort((x, y) => x.id.localeCompare(y.id))) out.push(await this.exportBusiness(b));
    return { apiVersion: CONFIG_API_VERSION, businesses: out };
  }

  private async exportBusiness(b: BusinessRecord): Promise<BusinessDoc> {
    const rules = await this.ruleRepo.listByBusiness(b.id);
    const views = await this.viewRepo.listByBusiness(b.id);
    const channels = await this.channelRepo.listChannels(b.id);
    const silences = await this.silenceRepo.list(b.id, ['active', 'pending'], new Date());
    return {
      id: b.id,
      name: b.name,
      description: b.description,
      timezone: b.timezone,
      timestampField: b.timestampField,
      entityKeyFields: b.entityKeyFields,
      retentionDays: b.retentionDays,
      compressAfterDays: b.compressAfterDays,
      archive: b.archive,
      fields: b.fields,
      rules: rules.sort(byName).map((r) => ({ id: r.id, ...r.definition })),
      views: views.sort(byName).map((v) => ({
        id: v.id,
        name: v.name,
        description: v.description,
        position: v.position,
        panels: v.panels,
      })),
      channels: channels.sort(byName).map((c) => ({
        id: c.id,
        name: c.name,
        kind: c.kind,
        enabled: c.enabled,
        events: c.events,
        minSeverity: c.minSeverity,
        config: {
          ...(c.config.url ? { url: `\${${envName(b.id, c.name, 'URL')}}` } : {}),
          ...(c.config.secret ? { secret: `\${${envName(b.id, c.name, 'SECRET')}}` } : {}),
          ...(c.config.to ? { to: c.config.to } : {}),
        },
      })),
      silences: silences
        .sort((x, y) => x.startsAt.getTime() - y.startsAt.getTime() || x.id.localeCompare(y.id))
        .map((s) => ({
          id: s.id,
          comment: s.comment,
          ruleId: s.ruleId,
          groupKey: s.groupKey,
          startsAt: s.startsAt.toISOString(),
          endsAt: s.endsAt.toISOString(),
        })),
    };
  }

  /**
   * Applies `doc` (see the class). Throws VALIDATION_FAILED with a pointer per
   * problem when the document does not match the schema or still holds an
   * `${ENV}` reference; an object refused by its own checks (a rule that does
   * not compile) stops the apply there with that error, objects before it
   * being applied (a dry run finds these first). `provisioned` marks what it
   * creates or updates as managed by a provisioning folder.
   */
  async apply(
    doc: unknown,
    opts: { dryRun: boolean; prune: boolean; actor: string; provisioned?: boolean },
  ): Promise<ApplyResult> {
    const parsed = this.check(doc);
    const items: PlanItem[] = [];
    for (const b of parsed.businesses) items.push(...(await this.applyBusiness(b, opts)));
    const summary = { create: 0, update: 0, delete: 0, unchanged: 0 };
    for (const i of items) summary[i.action]++;
    return { dryRun: opts.dryRun, prune: opts.prune, items, summary };
  }

  private check(doc: unknown): ConfigDocument {
    if (!this.validateDoc(doc)) {
      const errors: InputErrorDetail[] = (this.validateDoc.errors ?? []).slice(0, 20).map((e) => ({
        pointer: e.instancePath || '/',
        detail: e.message ?? 'invalid',
      }));
      throw new DomainError('VALIDATION_FAILED', `the document does not match ${CONFIG_API_VERSION}`, errors);
    }
    const d = doc as ConfigDocument;
    const errors: InputErrorDetail[] = [];
    const ids = new Set<string>();
    d.businesses.forEach((b, i) => {
      if (ids.has(b.id)) errors.push({ pointer: `/businesses/${i}/id`, detail: `business '${b.id}' appears twice` });
      ids.add(b.id);
      (b.channels ?? []).forEach((c, j) => {
        for (const k of SECRET_KEYS) {
          const v = c.config[k as 'url' | 'secret'];
          if (typeof v === 'string' && ENV_REFERENCE.test(v))
            errors.push({
              pointer: `/businesses/${i}/channels/${j}/config/${k}`,
              detail: `${v} was not filled in: set that environment variable where \`anom apply\` runs`,
            });
        }
      });
    });
    if (errors.length) throw new DomainError('VALIDATION_FAILED', errors[0].detail, errors);
    return d;
  }

  private async applyBusiness(
    doc: BusinessDoc,
    opts: { dryRun: boolean; prune: boolean; actor: string; provisioned?: boolean },
  ): Promise<PlanItem[]> {
    const items: PlanItem[] = [];
    const current = await this.businessRepo.findById(doc.id);
    const details = {
      name: doc.name,
      description: doc.description ?? '',
      timezone: doc.timezone ?? 'UTC',
      timestampField: doc.timestampField ?? null,
      entityKeyFields: doc.entityKeyFields ?? [],
      retentionDays: doc.retentionDays ?? 30,
      compressAfterDays: doc.compressAfterDays === undefined ? 7 : doc.compressAfterDays,
      archive: doc.archive ?? false,
    };
    const fields = doc.fields as FieldDto[];
    if (!current) {
      items.push(item('business', doc.id, doc.id, doc.name, 'create', changesOf({}, { ...details, fields })));
      if (!opts.dryRun) await this.businesses.create({ id: doc.id, ...details, fields }, opts.actor);
    } else {
      if (current.archivedAt)
        throw new DomainError('BUSINESS_ARCHIVED', `business '${doc.id}' is archived; a document cannot revive it`);
      const was = exportDetails(current);
      const changes = changesOf(
        { ...was, fields: current.fields },
        { ...details, fields: normalizeFields(doc.fields) },
      );
      items.push(item('business', doc.id, doc.id, doc.name, changes.length ? 'update' : 'unchanged', changes));
      if (changes.length && !opts.dryRun) await this.businesses.update(doc.id, details, opts.actor, fields);
    }
    const fieldList = doc.fields;
    items.push(...(await this.applyRules(doc, fieldList, !current, opts)));
    items.push(...(await this.applyViews(doc, opts)));
    items.push(...(await this.applyChannels(doc, opts)));
    items.push(...(await this.applySilences(doc, opts)));
    if (opts.provisioned && !opts.dryRun) await this.markProvisioned(doc);
    return items;
  }

  private async applyRules(
    doc: BusinessDoc,
    fields: FieldDefinition[],
    isNew: boolean,
    opts: { dryRun: boolean; prune: boolean; actor: string },
  ): Promise<PlanItem[]> {
    const items: PlanItem[] = [];
    const existing = new Map((isNew ? [] : await this.ruleRepo.listByBusiness(doc.id)).map((r) => [r.id, r]));
    for (const { id, ...body } of doc.rules ?? []) {
      let wanted: Record<string, unknown> & { name: string };
      try {
        wanted = this.rules.normalize(body, fields) as unknown as Record<string, unknown> & { name: string };
      } catch (err) {
        // Name the rule of the document: the errors' pointers are relative to its body.
        if (err instanceof DomainError)
          throw new DomainError(
            err.code,
            `rule '${String(body.name)}' (${id}) of '${doc.id}': ${err.message}`,
            err.errors,
          );
        throw err;
      }
      const before = existing.get(id);
      const changes = changesOf(before?.definition ?? {}, wanted);
      const action = !before ? 'create' : changes.length ? 'update' : 'unchanged';
      const it = item('rule', doc.id, id, wanted.name, action, changes);
      if (action !== 'unchanged') it.backtest = isNew ? undefined : await this.backtest(doc.id, wanted);
      items.push(it);
      if (opts.dryRun || action === 'unchanged') continue;
      if (action === 'create') await this.rules.create(doc.id, wanted, opts.actor, 'user', undefined, id);
      else await this.rules.replace(id, wanted, opts.actor);
    }
    if (opts.prune)
      items.push(
        ...(await prune(
          'rule',
          doc.id,
          existing.values(),
          doc.rules,
          (r) => r.name,
          opts,
          (id) => this.rules.remove(id, opts.actor),
        )),
      );
    return items;
  }

  private async backtest(businessId: string, rule: Record<string, unknown>): Promise<PlanItem['backtest']> {
    try {
      const r = await this.rules.backtest(businessId, { rule } as never);
      const days = Math.max(1, (r.to.getTime() - r.from.getTime()) / 86_400_000);
      const perDay = Math.round((r.alertsTotal / days) * 10) / 10;
      return {
        days: Math.round(days),
        events: r.events,
        alerts: r.alertsTotal,
        perDay,
        summary: `would have fired ${r.alertsTotal} time(s) over the last ${Math.round(days)} days (${perDay} a day)`,
      };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }

  private async applyViews(doc: BusinessDoc, opts: { dryRun: boolean; prune: boolean; actor: string }) {
    const items: PlanItem[] = [];
    const existing = new Map((await this.viewRepo.listByBusiness(doc.id)).map((v) => [v.id, v]));
    for (const v of doc.views ?? []) {
      const wanted = { name: v.name, description: v.description ?? '', position: v.position ?? 0, panels: v.panels };
      const before = existing.get(v.id);
      const changes = before
        ? changesOf(
            { name: before.name, description: before.description, position: before.position, panels: before.panels },
            wanted,
          )
        : changesOf({}, wanted);
      const action = !before ? 'create' : changes.length ? 'update' : 'unchanged';
      items.push(item('view', doc.id, v.id, v.name, action, changes));
      if (opts.dryRun || action === 'unchanged') continue;
      if (action === 'create') await this.views.create(doc.id, wanted, opts.actor, v.id);
      else await this.views.update(v.id, wanted, opts.actor);
    }
    if (opts.prune)
      items.push(
        ...(await prune(
          'view',
          doc.id,
          existing.values(),
          doc.views,
          (v) => v.name,
          opts,
          (id) => this.views.remove(id, opts.actor),
        )),
      );
    return items;
  }

  private async applyChannels(doc: BusinessDoc, opts: { dryRun: boolean; prune: boolean; actor: string }) {
    const items: PlanItem[] = [];
    const existing = new Map((await this.channelRepo.listChannels(doc.id)).map((c) => [c.id, c]));
    for (const c of doc.channels ?? []) {
      const wanted = {
        name: c.name,
        enabled: c.enabled ?? true,
        events: c.events,
        minSeverity: c.minSeverity,
        config: c.config,
      };
      const before = existing.get(c.id);
      const was = before && {
        name: before.name,
        enabled: before.enabled,
        events: c.events === undefined ? undefined : before.events,
        minSeverity: c.minSeverity === undefined ? undefined : before.minSeverity,
        config: {
          ...(c.config.url !== undefined ? { url: before.config.url } : {}),
          ...(c.config.secret !== undefined ? { secret: before.config.secret } : {}),
          ...(c.config.to !== undefined ? { to: before.config.to } : {}),
        },
      };
      if (before && before.kind !== c.kind)
        throw new DomainError(
          'CHANNEL_INVALID',
          `channel '${c.name}' is a ${before.kind} channel; its kind cannot change`,
        );
      const changes = redact(changesOf(was ?? {}, wanted));
      const action = !before ? 'create' : changes.length ? 'update' : 'unchanged';
      items.push(item('channel', doc.id, c.id, c.name, action, changes));
      if (opts.dryRun || action === 'unchanged') continue;
      if (action === 'create')
        await this.channels.create(doc.id, { ...wanted, kind: c.kind } as CreateChannelDto, opts.actor, c.id);
      else await this.channels.update(c.id, wanted, opts.actor);
    }
    if (opts.prune)
      items.push(
        ...(await prune(
          'channel',
          doc.id,
          existing.values(),
          doc.channels,
          (c) => c.name,
          opts,
          (id) => this.channels.remove(id, opts.actor),
        )),
      );
    return items;
  }

  /**
   * Silences are never edited, only created and expired: one whose id is in force with other contents is refused
   * (SILENCE_INVALID; give the new one a new id), and prune expires those the document lacks.
   */
  private async applySilences(doc: BusinessDoc, opts: { dryRun: boolean; prune: boolean; actor: string }) {
    const items: PlanItem[] = [];
    const existing = new Map(
      (await this.silenceRepo.list(doc.id, ['active', 'pending'], new Date())).map((s) => [s.id, s]),
    );
    for (const s of doc.silences ?? []) {
      const wanted = {
        comment: s.comment,
        ruleId: s.ruleId ?? null,
        groupKey: s.groupKey ?? {},
        startsAt: new Date(s.startsAt).toISOString(),
        endsAt: new Date(s.endsAt).toISOString(),
      };
      const before = existing.get(s.id);
      const changes = before
        ? changesOf(
            {
              comment: before.comment,
              ruleId: before.ruleId,
              groupKey: before.groupKey,
              startsAt: before.startsAt.toISOString(),
              endsAt: before.endsAt.toISOString(),
            },
            wanted,
          )
        : changesOf({}, wanted);
      if (before && changes.length)
        throw new DomainError(
          'SILENCE_INVALID',
          `silence '${s.id}' differs from the one in force; silences are not edited: give the new one a new id`,
        );
      const action = before ? 'unchanged' : 'create';
      items.push(item('silence', doc.id, s.id, s.comment, action, changes));
      if (opts.dryRun || action === 'unchanged') continue;
      if (new Date(s.endsAt) <= new Date()) continue; // already over: nothing to create
      await this.silences.create(
        doc.id,
        {
          comment: s.comment,
          ruleId: s.ruleId ?? undefined,
          groupKey: s.groupKey,
          startsAt: s.startsAt,
          endsAt: s.endsAt,
        },
        opts.actor,
        new Date(),
        s.id,
      );
    }
    if (opts.prune)
      items.push(
        ...(await prune(
          'silence',
          doc.id,
          existing.values(),
          doc.silences,
          (s) => s.comment,
          opts,
          (id) => this.silences.expire(id, opts.actor),
        )),
      );
    return items;
  }

  private async markProvisioned(doc: BusinessDoc): Promise<void> {
    const q = (table: string, ids: string[]) =>
      ids.length
        ? this.db.pool.query(`UPDATE ${table} SET provisioned = true WHERE id = ANY($1::uuid[])`, [ids])
        : null;
    await this.db.pool.query('UPDATE business SET provisioned = true WHERE id = $1', [doc.id]);
    await q(
      'rule',
      (doc.rules ?? []).map((r) => r.id),
    );
    await q(
      'view',
      (doc.views ?? []).map((v) => v.id),
    );
    await q(
      'notification_channel',
      (doc.channels ?? []).map((c) => c.id),
    );
    await q(
      'silence',
      (doc.silences ?? []).map((s) => s.id),
    );
  }
}

function byName<T extends { name: string; id: string }>(a: T, b: T): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

/** The environment variable a channel secret is exported as: ANOM_<BUSINESS>_<CHANNEL>_<URL|SECRET>. */
export function envName(businessId: string, channel: string, what: 'URL' | 'SECRET'): string {
  const part = (s: string) =>
    s
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, '_')
      .replace(/^_|_$/g, '');
  return `ANOM_${part(businessId)}_${part(channel)}_${what}`;
}

function exportDetails(b: BusinessRecord) {
  return {
    name: b.name,
    description: b.description,
    timezone: b.timezone,
    timestampField: b.timestampField,
    entityKeyFields: b.entityKeyFields,
    retentionDays: b.retentionDays,
    compressAfterDays: b.compressAfterDays,
    archive: b.archive,
  };
}

/** Fields as the store keeps them (required always set, absent options left out), so a document compares equal. */
function normalizeFields(fields: FieldDefinition[]): FieldDefinition[] {
  return fields.map((f) => {
    const out: FieldDefinition = { name: f.name, type: f.type, required: f.required ?? false };
    for (const k of ['unit', 'enum', 'min', 'max', 'description', 'loinc', 'ucum'] as const)
      if (f[k] !== undefined && f[k] !== null && !(k === 'enum' && (f.enum ?? []).length === 0))
        (out as unknown as Record<string, unknown>)[k] = f[k];
    return out;
  });
}

/** Differences from `before` to `after` as dotted paths (microdiff). */
function changesOf(before: object, after: object): PlanItem['changes'] {
  return diff(before as Record<string, unknown>, after as Record<string, unknown>).map((d) => ({
    path: d.path.join('.'),
    ...('oldValue' in d ? { from: d.oldValue } : {}),
    ...('value' in d ? { to: d.value } : {}),
  }));
}

/** Never show a secret in a plan: a channel's URL or signing secret reads `(secret)`. */
function redact(changes: PlanItem['changes']): PlanItem['changes'] {
  return changes.map((c) =>
    /^config\.(url|secret)$/.test(c.path) || c.path === 'config'
      ? {
          path: c.path,
          ...(c.from !== undefined ? { from: '(secret)' } : {}),
          ...(c.to !== undefined ? { to: '(secret)' } : {}),
        }
      : c,
  );
}

/**
 * `--prune` for one kind of object: a `delete` item for each of `existing` whose id the document does not list,
 * removed through `remove` unless it is a dry run.
 */
async function prune<T extends { id: string }>(
  object: PlanItem['object'],
  businessId: string,
  existing: Iterable<T>,
  listed: readonly { id: string }[] | undefined,
  nameOf: (t: T) => string,
  opts: { dryRun: boolean },
  remove: (id: string) => Promise<unknown>,
): Promise<PlanItem[]> {
  const kept = new Set((listed ?? []).map((d) => d.id));
  const items: PlanItem[] = [];
  for (const t of existing) {
    if (kept.has(t.id)) continue;
    items.push(item(object, businessId, t.id, nameOf(t), 'delete', []));
    if (!opts.dryRun) await remove(t.id);
  }
  return items;
}

function item(
  object: PlanItem['object'],
  businessId: string,
  id: string,
  name: string,
  action: PlanItem['action'],
  changes: PlanItem['changes'],
): PlanItem {
  return { object, businessId, id, name, action, changes };
}
