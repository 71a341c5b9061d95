import type { Alert } from '../api/models';

/** An open alert as the api lists it (vitals business, user u1), with `patch` applied: the component tests' one. */
export function alertFixture(patch: Partial<Alert> = {}): Alert {
  return {
    id: 'a1',
    businessId: 'vitals',
    ruleId: 'r1',
    ruleVersion: 1,
    fingerprint: 'f',
    groupKey: { user_id: 'u1' },
    status: 'open',
    severity: 'high',
    count: 1,
    startTime: '2026-11-20T10:00:00Z',
    endTime: '2026-11-20T10:00:00Z',
    firstSeenAt: '2026-11-20T10:00:00Z',
    lastSeenAt: '2026-11-20T10:00:00Z',
    summary: 'Fast pulse',
    evidence: { samples: [] },
    acknowledgedAt: null,
    acknowledgedBy: null,
    note: null,
    resolvedAt: null,
    resolvedBy: null,
    resolveNote: null,
    ...patch,
  };
}
