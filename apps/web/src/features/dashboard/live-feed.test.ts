import { describe, expect, it } from 'vitest';
import type { Alert } from '../../api/models';
import { alertFixture } from '../../test/fixtures';
import { liveFeed } from './live-feed';

const alert = (id: string, over: Partial<Alert> = {}): Alert =>
  alertFixture({ id, fingerprint: id, lastSeenAt: '2026-01-01T00:00:00.000Z', ...over });

describe('the dashboard live list', () => {
  it('shows an announced alert as the refetched list has it once that copy is newer (escalated, acknowledged)', () => {
    const announced = alert('a');
    const escalated = alert('a', { severity: 'critical', count: 3, lastSeenAt: '2026-01-01T00:01:00.000Z' });
    expect(liveFeed([announced], [escalated, alert('b')]).map((a) => [a.id, a.severity, a.count])).toEqual([
      ['a', 'critical', 3],
      ['b', 'high', 1],
    ]);
    const acknowledged = alert('a', { status: 'acknowledged', acknowledgedAt: '2026-01-01T00:02:00.000Z' });
    expect(liveFeed([announced], [acknowledged])[0].status).toBe('acknowledged');
  });

  it('keeps the stream copy while the list still holds an older one, and announced alerts first', () => {
    const fresh = alert('a', { count: 5, lastSeenAt: '2026-01-01T00:05:00.000Z' });
    const feed = liveFeed([fresh], [alert('b'), alert('a', { count: 2 })], 2);
    expect(feed.map((a) => [a.id, a.count])).toEqual([
      ['a', 5],
      ['b', 1],
    ]);
  });
});
