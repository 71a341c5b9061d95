import type { RuleBody } from '../../api/models';

/** A rule's gist in one line: its condition, window or field. */
export function describeRule(r: RuleBody): string {
  const by = r.groupBy.length ? ` per ${r.groupBy.join(', ')}` : '';
  switch (r.kind) {
    case 'immediate':
      return `${r.condition}${by}`;
    case 'sequence':
      return `${r.minCount}+ consecutive ${r.condition}${r.within ? ` within ${r.within}` : ''}${by}`;
    case 'absence':
      return `no ${r.condition ? `${r.condition} ` : ''}event for ${r.window}${by}`;
    case 'aggregate':
      return (
        `${r.aggregate.fn}(${r.aggregate.field ?? ''})${r.condition ? ` where ${r.condition}` : ''} ` +
        `${r.op} ${r.threshold} over ${r.window ?? r.period}${by}`
      );
    case 'baseline':
      return `${r.field} off its baseline (sensitivity ${r.sensitivity})${by}`;
  }
}
