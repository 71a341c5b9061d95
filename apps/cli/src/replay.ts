import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { ApiError, type AlertInfo, type AnomClient } from './api-client';
import { coerceRow, coerceValue, mapRow } from './coerce';

export interface ReplayOptions {
  file: string;
  business: string;
  /** Column renames: CSV column -> field. */
  map: Record<string, string>;
  /** Constant fields added to every event (coerced to the field's type). */
  set: Record<string, string>;
  /** Events per request. */
  batch: number;
  /** `max` posts as fast as the api answers; N replays at N times the pace of the events' own timestamps. */
  speed: number | 'max';
  onProgress?: (done: number, total: number) => void;
  /** Wait for every posted batch to be evaluated before counting alerts (default true). */
  waitForEvaluation?: boolean;
}

export interface ReplaySummary {
  read: number;
  sent: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Rejection reasons with how many events each, most frequent first. */
  reasons: { reason: string; count: number }[];
  /** Alerts opened during the replay. */
  opened: AlertInfo[];
  /** Alerts that existed before and counted new matches. */
  updated: AlertInfo[];
  seconds: number;
}

/**
 * Replays a CSV or NDJSON file into a business through the public ingest API,
 * like any client. Invalid events are set aside with the api's reason and the
 * rest of their batch is sent again, so one bad row never drops its neighbours.
 */
export async function replay(client: AnomClient, opts: ReplayOptions): Promise<ReplaySummary> {
  const started = Date.now();
  const business = await client.business(opts.business);
  const setValues: Record<string, unknown> = {};
  const types = new Map(business.fields.map((f) => [f.name, f.type]));
  for (const [k, v] of Object.entries(opts.set)) setValues[k] = coerceValue(v, types.get(k));
  const events = await readEvents(
    opts.file,
    (row) => ({ ...coerceRow(mapRow(row, opts.map, {}), business.fields), ...setValues }),
    opts.map,
    setValues,
  );

  const before = new Map((await client.alerts(opts.business)).map((a) => [a.id, a.count]));
  const summary: ReplaySummary = {
    read: events.length,
    sent: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    reasons: [],
    opened: [],
    updated: [],
    seconds: 0,
  };
  const reasons = new Map<string, number>();
  const batchIds: string[] = [];
  const tsField = business.timestampField;
  let paceStart: { wall: number; event: number } | null = null;
  /** When an event is due on the wall clock at `speed` times its own pace (null: unpaced or no event time). */
  const dueOf = (e: Record<string, unknown>): number | null => {
    if (opts.speed === 'max' || !tsField) return null;
    const t = Date.parse(String(e[tsField]));
    if (Number.isNaN(t)) return null;
    paceStart ??= { wall: Date.now(), event: t };
    return paceStart.wall + (t - paceStart.event) / opts.speed;
  };

  for (let i = 0; i < events.length;) {
    // Paced: each request carries the events due by now (at most `batch`), so events leave at their own pace,
    // not a whole batch at the pace of its first event.
    const due = dueOf(events[i]);
    if (due !== null && due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    let end = i + 1;
    while (end < events.length && end - i < opts.batch) {
      const next = dueOf(events[end]);
      if (next !== null && next > Date.now()) break;
      end++;
    }
    let chunk = events.slice(i, end);
    i = end;
    for (let attempt = 0; attempt < 2 && chunk.length > 0; attempt++) {
      try {
        summary.sent += chunk.length;
        const r = await client.ingest(opts.business, chunk);
        summary.accepted += r.accepted;
        summary.duplicates += r.duplicates;
        if (r.batchId) batchIds.push(r.batchId);
        break;
      } catch (err) {
        if (!(err instanceof ApiError) || !err.problem.errors?.length || attempt > 0) throw err;
        summary.sent -= chunk.length;
        const bad = new Set<number>();
        for (const e of err.problem.errors) {
          const index = Number(e.pointer.split('/')[1]);
          if (Number.isInteger(index)) bad.add(index);
          const reason = `${e.pointer.replace(/^\/\d+/, '') || '(event)'}: ${e.detail}`.replace(
            /got string ".*"/,
            'got string',
          );
          reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
        }
        summary.rejected += bad.size;
        chunk = chunk.filter((_, k) => !bad.has(k));
      }
    }
    opts.onProgress?.(i, events.length);
  }

  if (opts.waitForEvaluation !== false) await waitForBatches(client, opts.business, batchIds);
  for (const a of await client.alerts(opts.business)) {
    const previous = before.get(a.id);
    if (previous === undefined) summary.opened.push(a);
    else if (a.count > previous) summary.updated.push(a);
  }
  summary.reasons = [...reasons.entries()]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count);
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

async function readEvents(
  file: string,
  fromCsv: (row: Record<string, string>) => Record<string, unknown>,
  map: Record<string, string>,
  set: Record<string, unknown>,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  if (/\.(nd)?jsonl?(\.gz)?$|\.ndjson(\.gz)?$/i.test(file)) {
    // Archive files and gzip exports are gzip-compressed NDJSON.
    const raw = createReadStream(file);
    const input = /\.gz$/i.test(file) ? raw.pipe(createGunzip()) : raw;
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim() === '') continue;
      const obj = JSON.parse(line) as Record<string, unknown>;
      const renamed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) renamed[map[k] ?? k] = v;
      out.push({ ...renamed, ...set });
    }
    return out;
  }
  const parser = createReadStream(file).pipe(parse({ columns: true, skip_empty_lines: true, trim: true }));
  for await (const row of parser) out.push(fromCsv(row as Record<string, string>));
  return out;
}

async function waitForBatches(
  client: AnomClient,
  businessId: string,
  batchIds: string[],
  timeoutMs = 120_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  const pending = [...batchIds];
  while (pending.length > 0) {
    const { status } = await client.batch(businessId, pending[0]);
    if (status === 'done') {
      pending.shift();
      continue;
    }
    if (Date.now() > until)
      throw new Error(`${pending.length} batch(es) not evaluated after ${timeoutMs / 1000} s; is the worker running?`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
