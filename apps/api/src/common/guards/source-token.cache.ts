import { Injectable } from '@nestjs/common';
import type { SourceRecord } from '@anom/db';

/** How long a source-token lookup is remembered (milliseconds). */
export const SOURCE_CACHE_MS = 10_000;
const MAX_ENTRIES = 10_000;

/**
 * Source-token lookups remembered for SOURCE_CACHE_MS, keyed by token hash,
 * so ingest costs one query per batch rather than two. A revoke through this
 * api process evicts the source at once; other api replicas stop accepting
 * its token within SOURCE_CACHE_MS.
 */
@Injectable()
export class SourceTokenCache {
  private readonly entries = new Map<string, { source: SourceRecord | null; until: number }>();

  /** The remembered lookup of `hash` at `now` (ms), or undefined when there is none or it expired. */
  get(hash: string, now: number): SourceRecord | null | undefined {
    const hit = this.entries.get(hash);
    return hit && hit.until > now ? hit.source : undefined;
  }

  set(hash: string, source: SourceRecord | null, now: number): void {
    if (this.entries.size > MAX_ENTRIES) this.entries.clear();
    this.entries.set(hash, { source, until: now + SOURCE_CACHE_MS });
  }

  /** Forgets every lookup that found source `sourceId` (it was revoked). */
  evictSource(sourceId: string): void {
    for (const [hash, e] of this.entries) if (e.source?.id === sourceId) this.entries.delete(hash);
  }
}
