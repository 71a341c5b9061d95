import { migrate, migrateDownTo } from '@anom/db';
import { TestStack, businessBody } from '../../../../test/harness';
import { hashToken } from '../auth/auth.service';

jest.setTimeout(120_000);

/**
 * An installation from before API keys: its source tokens live in the
 * `source` table. After the upgrade they are ingest keys and keep working.
 */
describe('source tokens of an earlier installation after the upgrade (api + Postgres)', () => {
  const stack = new TestStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  it('keep working as ingest keys of their business, with their last use and revocation', async () => {
    const body = businessBody();
    expect((await stack.request('POST', '/businesses', { body })).status).toBe(201);
    // Back to the schema before sources became keys, with two tokens stored the old way.
    await migrateDownTo(stack.databaseUrl, '1764700000000_source-keys');
    const live = 'anom_pre-upgrade-token-0123456789abcdefghijklmnopq';
    const gone = 'anom_pre-upgrade-revoked-0123456789abcdefghijklmno';
    await stack.db.pool.query(
      `INSERT INTO source (id, business_id, name, token_hash, token_prefix, last_seen_at, revoked_at) VALUES
         ('00000000-0000-4000-8000-0000000000a1', $1, 'old-gateway', $2, 'anom_pre-u', '2026-01-01', NULL),
         ('00000000-0000-4000-8000-0000000000a2', $1, 'old-revoked', $3, 'anom_pre-u', NULL, '2026-02-01')`,
      [body.id, hashToken(live), hashToken(gone)],
    );
    await migrate(stack.databaseUrl);

    const ingest = (token: string) =>
      stack.request('POST', `/ingest/${body.id}`, {
        token,
        body: { timestamp: new Date().toISOString(), user_id: 'u1', heart_rate: 70 },
      });
    expect((await ingest(live)).status).toBe(202);
    expect((await ingest(gone)).status).toBe(401);
    const sources = (await stack.request('GET', `/businesses/${body.id}/sources`)).body.items;
    sources.sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name));
    expect(sources).toEqual([
      expect.objectContaining({ name: 'old-gateway', lastSeenAt: expect.any(String), revokedAt: null }),
      expect.objectContaining({ name: 'old-revoked', revokedAt: '2026-02-01T00:00:00.000Z' }),
    ]);
    const keys = (await stack.request('GET', '/api-keys')).body.items;
    const byName = keys.map((k: { name: string; scopes: string[] }) => [k.name, k.scopes]).sort();
    expect(byName).toEqual([
      ['old-gateway', [`ingest:${body.id}`]],
      ['old-revoked', [`ingest:${body.id}`]],
    ]);
    // Another business's ingest is refused, as before.
    const other = businessBody();
    await stack.request('POST', '/businesses', { body: other });
    const refused = await stack.request('POST', `/ingest/${other.id}`, {
      token: live,
      body: { timestamp: new Date().toISOString(), user_id: 'u1' },
    });
    expect(refused.status).toBe(403);
  });
});
