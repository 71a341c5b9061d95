import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnomClient } from './api-client';
import { replay } from './replay';

/** An AnomClient that records when each ingest request was sent and what it held (no HTTP). */
function recordingClient() {
  const sent: { at: number; events: number }[] = [];
  const client = {
    business: async () => ({
      id: 'b',
      timestampField: 'timestamp',
      fields: [{ name: 'timestamp', type: 'timestamp' }],
    }),
    alerts: async () => [],
    ingest: async (_b: string, events: unknown[]) => {
      sent.push({ at: Date.now(), events: events.length });
      return { accepted: events.length, ids: [], duplicates: 0, batchId: null };
    },
  } as unknown as AnomClient;
  return { client, sent };
}

describe('anom replay --speed', () => {
  it("paces each event by its own time, not a whole batch by its first event's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anom-replay-'));
    const file = join(dir, 'events.ndjson');
    // Three events 10 s apart, replayed at 20× : due 0, 0.5 and 1 s after the start.
    writeFileSync(
      file,
      [0, 10, 20]
        .map((s) => JSON.stringify({ timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString() }))
        .join('\n'),
    );
    const { client, sent } = recordingClient();
    const started = Date.now();
    await replay(client, { file, business: 'b', map: {}, set: {}, batch: 500, speed: 20, waitForEvaluation: false });
    expect(sent.map((s) => s.events)).toEqual([1, 1, 1]);
    const offsets = sent.map((s) => s.at - started);
    expect(offsets[1]).toBeGreaterThanOrEqual(450);
    expect(offsets[2]).toBeGreaterThanOrEqual(950);
  });

  it('sends whole batches as fast as the api answers at max speed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anom-replay-'));
    const file = join(dir, 'events.ndjson');
    writeFileSync(file, Array.from({ length: 5 }, (_, i) => JSON.stringify({ timestamp: i })).join('\n'));
    const { client, sent } = recordingClient();
    await replay(client, { file, business: 'b', map: {}, set: {}, batch: 2, speed: 'max', waitForEvaluation: false });
    expect(sent.map((s) => s.events)).toEqual([2, 2, 1]);
  });
});
