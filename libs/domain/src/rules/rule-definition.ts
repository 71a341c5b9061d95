import { RULE_KINDS, SEVERITIES, SUPPORTED_RULE_KINDS, type InputErrorDetail, type RuleKind, type Severity } from '@anom/contracts';
import { parseDuration } from '../duration';
import { KEY_FIELD_TYPES, type FieldDefinition } from '../schema/business-schema';
import { compileCondition, createConditionEnvironment } from '../expression/condition';

/** An escalation: when the CEL condition also holds for the matching event, the alert takes this severity. */
export interface Escalation {
  when: string;
  severity: Severity;
}

/**
 * A rule as stored in `rule_version.definition` (DESIGN.md "Rules are data").
 * Durations are strings such as `30s`, `5m`, `2h`, `1d`.
 */
export interface RuleDefinition {
  name: string;
  description?: string;
  kind: RuleKind;
  /** CEL condition over the business's fields. */
  condition: string;
  /** Fields whose values split alerts: one alert per rule and group key. */
  groupBy: string[];
  severity: Severity;
  /** Checked in order; the highest severity among those that hold wins. */
  escalations: Escalation[];
  /** Quiet time after a resolve before the same fingerprint may open again. */
  cooldown: string | null;
  /** Auto-resolve once the condition has not matched for this long. */
  resolveAfter: string | null;
  enabled: boolean;
}

export type RuleParseResult = { ok: true; definition: RuleDefinition } | { ok: false; errors: InputErrorDetail[] };

const MAX_NAME = 200;

/**
 * Checks a rule body against the business schema and normalises it
 * (defaults filled, unknown keys dropped). Every problem is reported with a
 * JSON pointer into the body: an unknown field in the condition is
 * `/condition`, a bad escalation `/escalations/1/when`. Never throws.
 */
export function parseRuleDefinition(input: unknown, fields: readonly FieldDefinition[]): RuleParseResult {
  const errors: InputErrorDetail[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ pointer: '', detail: 'a rule must be a JSON object' }] };
  }
  const body = input as Record<string, unknown>;

  const name = typeof body.name === 'string' ? body.name.trim() : '';
  if (name === '' || name.length > MAX_NAME) errors.push({ pointer: '/name', detail: `must be a non-empty string of at most ${MAX_NAME} characters` });

  const kind = body.kind as RuleKind;
  if (!RULE_KINDS.includes(kind)) {
    errors.push({ pointer: '/kind', detail: `must be one of ${RULE_KINDS.join(', ')}` });
  } else if (!SUPPORTED_RULE_KINDS.includes(kind)) {
    errors.push({ pointer: '/kind', detail: `kind '${kind}' is not supported by this version; supported: ${SUPPORTED_RULE_KINDS.join(', ')}` });
  }

  const severity = (body.severity ?? 'medium') as Severity;
  if (!SEVERITIES.includes(severity)) errors.push({ pointer: '/severity', detail: `must be one of ${SEVERITIES.join(', ')}` });

  const env = createConditionEnvironment(fields);
  const condition = body.condition as string;
  const checked = compileCondition(condition, fields, '/condition', env);
  if (!checked.ok) errors.push(...checked.errors);

  const groupBy: string[] = [];
  if (body.groupBy !== undefined) {
    if (!Array.isArray(body.groupBy)) {
      errors.push({ pointer: '/groupBy', detail: 'must be an array of field names' });
    } else {
      body.groupBy.forEach((g, i) => {
        const f = fields.find((x) => x.name === g);
        if (typeof g !== 'string' || !f) errors.push({ pointer: `/groupBy/${i}`, detail: `unknown field '${String(g)}'` });
        else if (!KEY_FIELD_TYPES.includes(f.type)) errors.push({ pointer: `/groupBy/${i}`, detail: `field '${g}' is ${f.type}; group by a scalar field` });
        else if (groupBy.includes(g)) errors.push({ pointer: `/groupBy/${i}`, detail: `duplicate field '${g}'` });
        else groupBy.push(g);
      });
    }
  }

  const escalations: Escalation[] = [];
  if (body.escalations !== undefined) {
    if (!Array.isArray(body.escalations)) {
      errors.push({ pointer: '/escalations', detail: 'must be an array of { when, severity }' });
    } else {
      body.escalations.forEach((e, i) => {
        const esc = (e ?? {}) as Record<string, unknown>;
        const sev = esc.severity as Severity;
        if (!SEVERITIES.includes(sev)) errors.push({ pointer: `/escalations/${i}/severity`, detail: `must be one of ${SEVERITIES.join(', ')}` });
        const when = compileCondition(esc.when as string, fields, `/escalations/${i}/when`, env);
        if (!when.ok) errors.push(...when.errors);
        if (SEVERITIES.includes(sev) && when.ok) escalations.push({ when: esc.when as string, severity: sev });
      });
    }
  }

  const cooldown = optionalDuration(body.cooldown, '/cooldown', errors);
  const resolveAfter = optionalDuration(body.resolveAfter, '/resolveAfter', errors);

  if (body.enabled !== undefined && typeof body.enabled !== 'boolean') errors.push({ pointer: '/enabled', detail: 'must be a boolean' });
  if (body.description !== undefined && typeof body.description !== 'string') errors.push({ pointer: '/description', detail: 'must be a string' });

  if (errors.length > 0) return { ok: false, errors };
  const definition: RuleDefinition = {
    name,
    kind,
    condition,
    groupBy,
    severity,
    escalations,
    cooldown,
    resolveAfter,
    enabled: body.enabled === undefined ? true : (body.enabled as boolean),
  };
  if (typeof body.description === 'string' && body.description !== '') definition.description = body.description;
  return { ok: true, definition };
}

function optionalDuration(value: unknown, pointer: string, errors: InputErrorDetail[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || parseDuration(value) === null) {
    errors.push({ pointer, detail: 'must be a duration such as 30s, 5m, 2h or 1d' });
    return null;
  }
  return value;
}
