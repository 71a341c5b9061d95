import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
/** A problem+json answer of the api. */
export interface ApiProblem {
  status: number;
  title: string;
  detail: string;
  code?: string;
  errors?: { pointer: string; detail: string }[];
}

export class ApiError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(`${problem.status} ${problem.title}: ${problem.detail}`);
  }
}

export interface FieldInfo {
  name: string;
  type: string;
  required?: boolean;
}

export interface BusinessInfo {
  id: string;
  timestampField: string | null;
  fields: FieldInfo[];
}

export interface AlertInfo {
  id: string;
  ruleId: string;
  status: string;
  severity: string;
  count: number;
  summary: string;
  firstSeenAt: string;
  lastSeenAt: string;
  startTime: string;
  endTime: string;
}

/** The public HTTP API as the CLI uses it: a client like any other (Node's fetch). */
/** What POST /config/apply answers. */
export interface ApplyPlan {
  dryRun: boolean;
  prune: boolean;
  items: {
    object: string;
    businessId: string;
    id: string;
    name: string;
    action: 'create' | 'update' | 'delete' | 'unchanged';
    changes: { path: string; from?: unknown; to?: unknown }[];
    backtest?: { summary: string } | { error: string };
  }[];
  summary: { create: number; update: number; delete: number; unchanged: number };
}

/** One archive file as the api lists it. */
export interface ArchiveInfo {
  id: string;
  key: string;
  eventFrom: string;
  eventTo: string;
  events: number;
  bytes: number;
  createdAt: string;
}

export class AnomClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async business(id: string): Promise<BusinessInfo> {
    return this.call('GET', `/businesses/${encodeURIComponent(id)}`);
  }

  /** Posts events; resolves to the 202 body or throws ApiError with the problem. */
  async ingest(
    businessId: string,
    events: unknown[],
  ): Promise<{ accepted: number; ids: string[]; duplicates: number; batchId: string | null }> {
    return this.call('POST', `/ingest/${encodeURIComponent(businessId)}`, events);
  }

  async batch(businessId: string, batchId: string): Promise<{ status: string }> {
    return this.call('GET', `/ingest/${encodeURIComponent(businessId)}/batches/${batchId}`);
  }

  /** Every alert of a business (follows cursors). */
  async alerts(businessId: string): Promise<AlertInfo[]> {
    const out: AlertInfo[] = [];
    let cursor: string | null = null;
    do {
      const after = cursor ? `&cursor=${cursor}` : '';
      const q: string = `/alerts?businessId=${encodeURIComponent(businessId)}&limit=500${after}`;
      const page: { items: AlertInfo[]; nextCursor: string | null } = await this.call('GET', q);
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }

  async rules(businessId: string): Promise<{ id: string; name: string }[]> {
    return (
      await this.call<{ items: { id: string; name: string }[] }>(
        'GET',
        `/businesses/${encodeURIComponent(businessId)}/rules`,
      )
    ).items;
  }

  /** Whether the business has any event older than `before` (an existing history). */
  async hasEventsBefore(businessId: string, before: Date): Promise<boolean> {
    const r = await this.call<{ items: unknown[] }>(
      'GET',
      `/businesses/${encodeURIComponent(businessId)}/events?to=${encodeURIComponent(before.toISOString())}&limit=1`,
    );
    return r.items.length > 0;
  }

  /** Queues a profiling run of the business. */
  async profile(businessId: string): Promise<{ id: string; status: string }> {
    return this.call('POST', `/businesses/${encodeURIComponent(businessId)}/profile`);
  }

  /** Adds a person (needs an admin credential: the bootstrap token or an admin key). */
  async createUser(body: {
    email: string;
    displayName: string;
    role: string;
    password?: string;
  }): Promise<{ id: string; email: string; role: string }> {
    return this.call('POST', '/users', body);
  }

  /** The people who may sign in. */
  async users(): Promise<{ email: string; role: string; disabledAt: string | null }[]> {
    return (await this.call<{ items: { email: string; role: string; disabledAt: string | null }[] }>('GET', '/users'))
      .items;
  }

  /** The rules-as-code document of `businessIds` (all when empty) as YAML text. */
  async exportConfig(businessIds: string[]): Promise<string> {
    const q = new URLSearchParams({ format: 'yaml' });
    if (businessIds.length) q.set('businessId', businessIds.join(','));
    const res = await fetch(`${this.baseUrl.replace(/\/$/, '')}/config/export?${q}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    const text = await res.text();
    if (!res.ok) throw new ApiError(JSON.parse(text) as ApiProblem);
    return text;
  }

  /** Applies a rules-as-code document; returns the plan (what was, or with `dryRun` would be, done). */
  async applyConfig(doc: unknown, opts: { dryRun: boolean; prune: boolean }): Promise<ApplyPlan> {
    return this.call('POST', `/config/apply?dryRun=${opts.dryRun}&prune=${opts.prune}`, doc);
  }

  /** The archive files retention wrote for a business, oldest first. */
  async archives(businessId: string): Promise<ArchiveInfo[]> {
    return this.call('GET', `/businesses/${encodeURIComponent(businessId)}/archives?limit=1000`);
  }

  /** Saves one archive file (gzip NDJSON) to `dest`, streaming. */
  async downloadArchive(businessId: string, archiveId: string, dest: string): Promise<void> {
    const res = await fetch(
      `${this.baseUrl.replace(/\/$/, '')}/businesses/${encodeURIComponent(businessId)}/archives/${archiveId}`,
      { headers: { authorization: `Bearer ${this.token}` } },
    );
    if (!res.ok || !res.body) {
      const text = await res.text();
      throw new ApiError(
        text ? (JSON.parse(text) as ApiProblem) : { status: res.status, title: res.statusText, detail: '' },
      );
    }
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(dest));
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.baseUrl.replace(/\/$/, '') + path, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok)
      throw new ApiError((parsed as ApiProblem) ?? { status: res.status, title: res.statusText, detail: text });
    return parsed as T;
  }
}
