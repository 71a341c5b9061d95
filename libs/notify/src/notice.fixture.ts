import type { Notice } from './notice';

/** A notice of an opened high-severity alert, for tests; `patch` overrides its fields. */
export const sampleNotice = (patch: Partial<Notice> = {}): Notice => ({
  notificationId: '0b7c6a52-0000-4000-8000-000000000001',
  event: 'opened',
  at: new Date('2026-01-02T03:04:05.000Z'),
  business: { id: 'health-vitals', name: 'Health vitals' },
  alert: {
    id: 'a1',
    ruleId: 'r1',
    status: 'open',
    severity: 'high',
    summary: 'Hypoxia: 3 consecutive, spo2_percent avg 91 (user_id=u-1)',
    count: 3,
    groupKey: { user_id: 'u-1' },
    startTime: new Date('2026-01-02T03:00:00.000Z'),
    endTime: new Date('2026-01-02T03:02:00.000Z'),
    firstSeenAt: new Date('2026-01-02T03:02:01.000Z'),
  },
  actor: 'engine',
  note: null,
  ...patch,
});
