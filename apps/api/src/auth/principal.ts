import type {} from '@fastify/cookie';
import type { Permission, Role } from '@anom/contracts';
import type { ApiKeyRecord, SourceRecord, UserRecord } from '@anom/db';

/**
 * Who is calling, as the guard established it:
 * - `user`: a person signed in through the app (session cookie);
 * - `key`: an API key (`Authorization: Bearer anomk_…`);
 * - `source`: a source token, an ingest key of one business;
 * - `bootstrap`: ANOM_ADMIN_TOKEN, which exists to create the first admin.
 *
 * `actor` is the name audit rows and alert history record: `user:<email>`,
 * `key:<name>`, `source:<name>`, `bootstrap`.
 */
export interface Principal {
  kind: 'user' | 'key' | 'source' | 'bootstrap';
  actor: string;
  permissions: ReadonlySet<Permission>;
  /** Businesses an ingest-only grant reaches; null: every business. */
  ingestBusinesses: readonly string[] | null;
  /** The signed-in person's role (users only). */
  role?: Role;
  user?: UserRecord;
  key?: ApiKeyRecord;
  source?: SourceRecord;
  /** The session's CSRF token (users only): unsafe methods must echo it in X-CSRF-Token. */
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
