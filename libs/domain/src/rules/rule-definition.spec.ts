import { parseRuleDefinition } from './rule-definition';
import type { FieldDefinition } from '../schema/business-schema';

const fields: FieldDefinition[] = [
  { name: 'user_id', type: 'string' },
  { name: 'heart_rate', type: 'number' },
  { name: 'activity_level', type: 'number' },
  { name: 'meta', type: 'object' },
];
const valid = {
  name: 'Tachycardia at rest',
  kind: 'immediate',
  condition: 'heart_rate > 100 && activity_level < 10',
  groupBy: ['user_id'],
  severity: 'high',
  escalations: [{ when: 'heart_rate > 130', severity: 'critical' }],
};

describe('parseRuleDefinition', () => {
  it('normalises a valid rule with defaults', () => {
    const r = parseRuleDefinition(valid, fields);
    expect(r).toEqual({ ok: true, definition: { ...valid, cooldown: null, resolveAfter: null, enabled: true } });
  });

  it('defaults severity to medium and groupBy to none', () => {
    const r = parseRuleDefinition({ name: 'x', kind: 'immediate', condition: 'heart_rate > 1' }, fields);
    expect(r.ok && r.definition.severity).toBe('medium');
    expect(r.ok && r.definition.groupBy).toEqual([]);
  });

  it.each([
    [{ name: '' }, '/name'],
    [{ kind: 'magic' }, '/kind'],
    [{ kind: 'sequence' }, '/kind'],
    [{ severity: 'urgent' }, '/severity'],
    [{ condition: 'hart_rate > 1' }, '/condition'],
    [{ groupBy: ['user'] }, '/groupBy/0'],
    [{ groupBy: ['meta'] }, '/groupBy/0'],
    [{ groupBy: 'user_id' }, '/groupBy'],
    [{ escalations: [{ when: 'heart_rate > 130', severity: 'extreme' }] }, '/escalations/0/severity'],
    [{ escalations: [{ when: 'pulse > 130', severity: 'critical' }] }, '/escalations/0/when'],
    [{ cooldown: '10 minutes' }, '/cooldown'],
    [{ resolveAfter: 5 }, '/resolveAfter'],
    [{ enabled: 'yes' }, '/enabled'],
  ])('rejects %j at %s', (patch, pointer) => {
    const r = parseRuleDefinition({ ...valid, ...patch }, fields);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.pointer)).toContain(pointer);
  });
});
