/** Where the integration tests find Postgres and Redis (local services by default). */
export const PG_BASE = process.env.TEST_DATABASE_BASE_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEMPLATE_DB = 'anom_test_template';
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export function databaseUrl(name: string): string {
  return `${PG_BASE}/${name}`;
}

export function adminUrl(): string {
  return databaseUrl('postgres');
}

/** Key of channel secrets at rest in the suites (base64 of 32 bytes). */
export const TEST_SECRET_KEY = Buffer.alloc(32, 'anom-test-secret').toString('base64');
