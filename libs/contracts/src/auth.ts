/**
 * Who may do what. A route declares the one permission it needs; a person's
 * role and an API key's scopes each grant a set of permissions. Shared by the
 * api (its guard), the web app (what it offers) and the CLI.
 */

/** A person's role, from least to most trusted. */
export const ROLES = ['viewer', 'responder', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a route needs:
 * - `read`: see businesses, rules, alerts, views, events;
 * - `respond`: acknowledge and resolve alerts, create and expire silences;
 * - `edit`: change businesses, fields, rules, views, channels, decide suggestions;
 * - `ingest`: send events to a business (`POST /ingest/:businessId`);
 * - `admin`: users, API keys, source tokens, the audit log.
 */
export const PERMISSIONS = ['read', 'respond', 'edit', 'ingest', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What each role grants. Every role includes the ones before it. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  responder: ['read', 'respond'],
  editor: ['read', 'respond', 'edit', 'ingest'],
  admin: ['read', 'respond', 'edit', 'ingest', 'admin'],
};

/** The scopes an API key can carry besides `ingest:<businessId>`. */
export const KEY_SCOPES = ['read', 'write', 'admin'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number] | `ingest:${string}`;

/** What each general scope grants; `ingest:<businessId>` grants `ingest` on that business only. */
export const SCOPE_PERMISSIONS: Record<(typeof KEY_SCOPES)[number], readonly Permission[]> = {
  read: ['read'],
  write: ['read', 'respond', 'edit', 'ingest'],
  admin: ['read', 'respond', 'edit', 'ingest', 'admin'],
};

/** A scope string's shape: one of KEY_SCOPES, or `ingest:` and a business id. */
export const KEY_SCOPE_PATTERN = /^(read|write|admin|ingest:[a-z0-9][a-z0-9-]{0,62})$/;

/**
 * The permissions granted by a set of key scopes, and the businesses an
 * ingest-only grant is limited to (`null`: any business).
 */
export function scopeGrants(scopes: readonly string[]): {
  permissions: Permission[];
  ingestBusinesses: string[] | null;
} {
  const permissions = new Set<Permission>();
  const ingest: string[] = [];
  for (const s of scopes) {
    if (s.startsWith('ingest:')) ingest.push(s.slice('ingest:'.length));
    else if (s in SCOPE_PERMISSIONS)
      for (const p of SCOPE_PERMISSIONS[s as keyof typeof SCOPE_PERMISSIONS]) permissions.add(p);
  }
  const broadIngest = permissions.has('ingest');
  if (ingest.length > 0) permissions.add('ingest');
  return { permissions: [...permissions], ingestBusinesses: broadIngest ? null : ingest };
}
