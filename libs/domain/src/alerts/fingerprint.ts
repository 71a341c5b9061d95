import { createHash } from 'node:crypto';

/**
 * Fingerprint of an alert: rule id + group key (Alertmanager's notion of
 * "same alert"). SHA-256 of the rule id and the group key with its fields in
 * sorted order, hex, truncated to 32 characters (128 bits).
 */
export function alertFingerprint(ruleId: string, groupKey: Record<string, unknown>): string {
  const canonical = Object.keys(groupKey)
    .sort()
    .map((k) => [k, groupKey[k]]);
  return createHash('sha256')
    .update(ruleId)
    .update('\u0000')
    .update(JSON.stringify(canonical))
    .digest('hex')
    .slice(0, 32);
}
