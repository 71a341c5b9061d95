import { TestStack } from '../../../test/harness';
import { Client } from 'pg';
import { databaseUrl } from '../../../test/env';
import { describeEventStore, migrate } from './migrations/migrate';
import { seed } from './seed/seed';
import { SEED_BUSINESSES } from './seed/seed-businesses';

describe('database schema and seed (Postgres)', () => {
  const stack = new TestStack();
  beforeAll(() => stack.start());
  afterAll(() => stack.stop());

  // schema.prisma is kept in step with the SQL migrations by hand: every model must query.
  it.each([
    'business',
    'field',
    'rule',
    'ruleVersion',
    'alert',
    'alertTransition',
    'auditLog',
    'user',
    'userSession',
    'apiKey',
    'notificationChannel',
    'notification',
    'notificationAttempt',
    'profileRun',
    'suggestion',
    'view',
    'silence',
    'eventArchive',
  ] as const)('queries the %s model against the migrated database', async (model) => {
    const delegate = (stack.db.prisma as unknown as Record<string, { findMany: (a: object) => Promise<unknown[]> }>)[
      model
    ];
    await expect(delegate.findMany({ take: 1 })).resolves.toEqual(expect.any(Array));
  });

  // .ci/run and `npm run up` install and preload TimescaleDB; ANOM_TIMESCALE=off is the plain-Postgres run.
  const timescale = (process.env.ANOM_TIMESCALE ?? '').toLowerCase() !== 'off';
  it(`stores events in a ${timescale ? 'compressible TimescaleDB hypertable' : 'plain table'}`, async () => {
    const store = await describeEventStore(stack.db.pool);
    if (!timescale) {
      expect(store).toMatchObject({ kind: 'table', summary: expect.stringContaining('ANOM_TIMESCALE=off') });
      return;
    }
    expect(store).toMatchObject({ kind: 'hypertable', timescale: expect.stringMatching(/^2\./) });
    const settings = await stack.db.pool.query(
      'SELECT segmentby, orderby FROM timescaledb_information.hypertable_columnstore_settings WHERE hypertable = ' +
        "'event'::regclass",
    );
    expect(settings.rows).toEqual([{ segmentby: 'business_id', orderby: 'event_time DESC' }]);
  });

  it('keeps a plain table, saying why, where TimescaleDB is turned off', async () => {
    const name = `anom_plain_${Date.now()}`;
    const prior = process.env.ANOM_TIMESCALE;
    process.env.ANOM_TIMESCALE = 'off';
    try {
      await migrate(databaseUrl(name));
    } finally {
      if (prior === undefined) delete process.env.ANOM_TIMESCALE;
      else process.env.ANOM_TIMESCALE = prior;
    }
    // One client, not a pool: Client.end() resolves once the connection is closed, whereas Pool.end() resolves while
    // its clients are still closing, and DROP … WITH (FORCE) then terminated one (an unhandled 57P01 in one CI run).
    const client = new Client({ connectionString: databaseUrl(name) });
    await client.connect();
    try {
      expect(await describeEventStore(client)).toMatchObject({ kind: 'table', timescale: null });
      const ext = await client.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'");
      expect(ext.rowCount).toBe(0);
    } finally {
      await client.end();
      await stack.db.pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  it('creates the same event table with or without TimescaleDB', async () => {
    const cols = await stack.db.pool.query(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'event' ORDER BY ordinal_position",
    );
    expect(cols.rows.map((r) => r.column_name)).toEqual([
      'id',
      'business_id',
      'event_time',
      'received_at',
      'entity_key',
      'payload',
      'client_event_id',
      'batch_id',
      'schema_version',
    ]);
    const indexes = await stack.db.pool.query("SELECT indexname FROM pg_indexes WHERE tablename = 'event' ORDER BY 1");
    expect(indexes.rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['event_batch_idx', 'event_business_entity_time_idx', 'event_business_time_idx']),
    );
  });

  it('seeds the four businesses with their rules, idempotently', async () => {
    const first = await seed(stack.db);
    expect(first).toEqual({
      businessesCreated: 4,
      rulesCreated: SEED_BUSINESSES.reduce((n, b) => n + b.rules.length, 0),
      viewsCreated: SEED_BUSINESSES.reduce((n, b) => n + b.views.length, 0),
    });
    expect(await seed(stack.db)).toEqual({ businessesCreated: 0, rulesCreated: 0, viewsCreated: 0 });
    const ids = (await stack.db.pool.query('SELECT id FROM business ORDER BY id')).rows.map((r) => r.id);
    expect(ids).toEqual(['health-vitals', 'payment-transactions', 'service-logs', 'service-metrics']);
    const vitals = (
      await stack.db.pool.query("SELECT name FROM field WHERE business_id = 'health-vitals' ORDER BY position")
    ).rows.map((r) => r.name);
    expect(vitals).toEqual([
      'timestamp',
      'user_id',
      'device_sources',
      'heart_rate',
      'hrv_ms',
      'spo2_percent',
      'skin_temp_c',
      'respiratory_rate',
      'activity_level',
      'steps_per_minute',
      'posture',
    ]);
  });
});
