import { TestStack, businessBody } from '../../../../test/harness';
import { RetentionService } from './retention.service';

const t = (minute: number) => new Date(Date.UTC(2025, 0, 1, 8, minute)).toISOString();
const DAY = 86_400_000;

describe('retention (worker + Postgres): events go retentionDays after receipt, once evaluated', () => {
  const stack = new TestStack();
  const business = businessBody({ retentionDays: 2 });
  const other = businessBody();

  beforeAll(async () => {
    await stack.start({ worker: true });
    await stack.request('POST', '/businesses', { body: business });
    await stack.request('POST', '/businesses', { body: other });
    const rule = { name: 'u1 seen', kind: 'immediate', condition: 'user_id == "u1"', severity: 'low' };
    expect((await stack.request('POST', `/businesses/${business.id}/rules`, { body: rule })).status).toBe(201);
  });
  afterAll(() => stack.stop());

  /** Ingests one batch and returns its id. */
  async function ingest(businessId: string, events: Record<string, unknown>[]): Promise<string> {
    const r = await stack.request('POST', `/ingest/${businessId}`, { body: events });
    expect(r.status).toBe(202);
    return r.body.batchId;
  }

  /** Makes a batch (and its events and client ids) look received `days` ago. */
  async function age(batchId: string, days: number): Promise<void> {
    const at = new Date(Date.now() - days * DAY);
    await stack.db.pool.query('UPDATE ingest_batch SET created_at = $2 WHERE id = $1', [batchId, at]);
    await stack.db.pool.query('UPDATE event SET received_at = $2 WHERE batch_id = $1', [batchId, at]);
    await stack.db.pool.query(
      'UPDATE event_idempotency SET created_at = $2 WHERE event_id IN (SELECT id FROM event WHERE batch_id = $1)',
      [batchId, at],
    );
  }

  it(
    "deletes evaluated batches received before the business's retention with their events, and nothing " + 'else',
    async () => {
      const old = await ingest(business.id, [
        { _id: 'dev-1', timestamp: t(0), user_id: 'u1' },
        { timestamp: t(1), user_id: 'u1' },
      ]);
      const recent = await ingest(business.id, [{ timestamp: t(2), user_id: 'u1' }]);
      const otherOld = await ingest(other.id, [{ timestamp: t(0), user_id: 'u1' }]);
      await stack.waitForEvaluation();
      await age(old, 3);
      await age(recent, 1);
      await age(otherOld, 3); // the other business keeps 30 days

      const deleted = await stack.worker!.get(RetentionService).applyRetention();

      expect(deleted).toEqual([
        { businessId: business.id, batches: 1, events: 2, matches: 2, clientIds: 1, archived: 0 },
      ]);
      expect(await stack.count('ingest_batch', 'id = $1', [old])).toBe(0);
      expect(await stack.count('event', 'batch_id = $1', [old])).toBe(0);
      expect(await stack.count('event', 'batch_id = ANY($1::uuid[])', [[recent, otherOld]])).toBe(2);
      // The rule counted all three u1 events into one alert: the alert stays, only the recent event's match row does.
      const alert = await stack.db.pool.query('SELECT id, count FROM alert WHERE business_id = $1', [business.id]);
      expect(alert.rows).toEqual([{ id: expect.any(String), count: 3 }]);
      expect(await stack.count('rule_match', 'alert_id = $1', [alert.rows[0].id])).toBe(1);
      expect(await stack.count('rule_match', 'event_id IN (SELECT id FROM event WHERE batch_id = $1)', [recent])).toBe(
        1,
      );
      // The forgotten client id is stored as new when sent again.
      const again = await stack.request('POST', `/ingest/${business.id}`, {
        body: [{ _id: 'dev-1', timestamp: t(0), user_id: 'u1' }],
      });
      expect(again.body.duplicates).toBe(0);
    },
  );

  it('deletes browser sessions past their idle time-out, and only those', async () => {
    const live = await stack.userSession('viewer');
    const ended = await stack.userSession('viewer');
    await stack.db.pool.query(
      "UPDATE user_session SET expires_at = now() - interval '1 minute' " +
        "WHERE id_hash = encode(sha256($1::bytea), 'hex')",
      [ended.sessionId],
    );
    expect(await stack.worker!.get(RetentionService).removeEndedSessions()).toBe(1);
    expect((await stack.request('GET', '/auth/session', { as: live })).status).toBe(200);
    expect((await stack.request('GET', '/auth/session', { as: ended })).status).toBe(401);
  });

  it('never deletes a batch still pending evaluation, however old', async () => {
    const batch = await ingest(business.id, [{ timestamp: t(5), user_id: 'u2' }]);
    await stack.waitForEvaluation();
    await age(batch, 10);
    // As if its evaluation had not happened yet (the worker was down for longer than the retention).
    await stack.db.pool.query("UPDATE ingest_batch SET status = 'pending' WHERE id = $1", [batch]);

    const deleted = await stack.worker!.get(RetentionService).applyRetention();

    expect(deleted.find((d) => d.businessId === business.id)?.batches ?? 0).toBe(0);
    expect(await stack.count('event', 'batch_id = $1', [batch])).toBe(1);
    await stack.db.pool.query("UPDATE ingest_batch SET status = 'done' WHERE id = $1", [batch]);
    expect(
      (await stack.worker!.get(RetentionService).applyRetention()).find((d) => d.businessId === business.id),
    ).toMatchObject({ batches: 1, events: 1 });
  });
});
