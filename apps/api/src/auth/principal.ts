import type {} from '@fastify/cookie';
import type { Permission, Role } from '@anom/contracts';
import type { ApiKeyRecord, UserRecord } from '@anom/db';

/**
 * Who is calling, as the guard established it:
 * - `user`: a person signed in through the app (session cookie);
 * - `key`: an API key (`Authorization: Bearer anomk_…`);
 * - `source`: a source token: an API key made as a business's source (ingest only);
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
  /** The API key or source (an ingest key with `businessId`). */
  key?: ApiKeyRecord;
  /** The session's CSRF token (users only): unsafe methods must echo it in X-CSRF-Token. */
  csrfToken?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
