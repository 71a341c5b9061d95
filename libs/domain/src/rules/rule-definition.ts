import {
  RULE_KINDS,
  RULE_KIND_OPTIONS,
  RULE_OPTIONS,
  SEVERITIES,
  SUPPORTED_RULE_KINDS,
  type Escalation,
  type InputErrorDetail,
  type RuleBody,
  type RuleCommon,
  type RuleKind,
  type RuleOptionKey,
  type Severity,
} from '@anom/contracts';
import { parseDuration } from '../duration';
import { KEY_FIELD_TYPES, type FieldDefinition } from '../schema/business-schema';
import { compileCondition, createConditionEnvironment } from '../expression/condition';
import { kindModule } from './kinds';
import { optionalDuration } from './kinds/parse-helpers';
import { DEFAULT_ALLOWED_LATENESS, MAX_FORGET_AFTER_MS, MAX_MAX_GROUPS } from './limits';

export type { Escalation };
export { DEFAULT_ALLOWED_LATENESS, DEFAULT_MAX_GROUPS, MAX_FORGET_AFTER_MS, MAX_MAX_GROUPS } from './limits';

/**
 * A rule as stored in `rule_version.definition` (DESIGN.md "Rules are data"):
 * the RuleBody of @anom/contracts, one shape per kind, normalised by
 * parseRuleDefinition (defaults filled, unknown keys dropped).
 */
export type RuleDefinition = RuleBody;

/**
 * How long (ms) a group of a stateful rule may stay untouched before its
 * state is forgotten: the rule's `forgetAfter`, else its kind's default
 * (ten times the span its state can matter over — an aggregate's window, a
 * sequence's within, an absence window — at least an hour, a week for
 * absence, two calendar periods; 30 days, the state TTL, for baseline
 * histories and unbounded sequences). Never over MAX_FORGET_AFTER_MS.
 */
export function defaultForgetAfterMs(d: RuleDefinition): number {
  const own = d.forgetAfter ? parseDuration(d.forgetAfter) : null;
  if (own !== null) return Math.min(own, MAX_FORGET_AFTER_MS);
  return Math.min(kindModule(d.kind).defaultForgetAfterMs(d), MAX_FORGET_AFTER_MS);
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
  if (name === '' || name.length > MAX_NAME)
    errors.push({ pointer: '/name', detail: `must be a non-empty string of at most ${MAX_NAME} characters` });

  const kind = body.kind as RuleKind;
  if (!RULE_KINDS.includes(kind)) {
    errors.push({ pointer: '/kind', detail: `must be one of ${RULE_KINDS.join(', ')}` });
  } else if (!SUPPORTED_RULE_KINDS.includes(kind)) {
    errors.push({
      pointer: '/kind',
      detail: `kind '${kind}' is not supported by this version; supported: ${SUPPORTED_RULE_KINDS.join(', ')}`,
    });
  }

  const severity = (body.severity ?? 'medium') as Severity;
  if (!SEVERITIES.includes(severity))
    errors.push({ pointer: '/severity', detail: `must be one of ${SEVERITIES.join(', ')}` });

  const env = createConditionEnvironment(fields);
  const conditionOptional = RULE_KINDS.includes(kind) && kindModule(kind).conditionOptional;
  const condition =
    conditionOptional && (body.condition === undefined || body.condition === null || body.condition === '')
      ? null
      : (body.condition as string);
  if (condition !== null) {
    const checked = compileCondition(condition, fields, '/condition', env);
    if (!checked.ok) errors.push(...checked.errors);
  }

  const groupBy: string[] = [];
  if (body.groupBy !== undefined) {
    if (!Array.isArray(body.groupBy)) {
      errors.push({ pointer: '/groupBy', detail: 'must be an array of field names' });
    } else {
      body.groupBy.forEach((g, i) => {
        const f = fields.find((x) => x.name === g);
        if (typeof g !== 'string' || !f)
          errors.push({ pointer: `/groupBy/${i}`, detail: `unknown field '${String(g)}'` });
        else if (!KEY_FIELD_TYPES.includes(f.type))
          errors.push({ pointer: `/groupBy/${i}`, detail: `field '${g}' is ${f.type}; group by a scalar field` });
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
        if (!SEVERITIES.includes(sev))
          errors.push({ pointer: `/escalations/${i}/severity`, detail: `must be one of ${SEVERITIES.join(', ')}` });
        const when = compileCondition(esc.when as string, fields, `/escalations/${i}/when`, env);
        if (!when.ok) errors.push(...when.errors);
        if (SEVERITIES.includes(sev) && when.ok) escalations.push({ when: esc.when as string, severity: sev });
      });
    }
  }

  const cooldown = optionalDuration(body.cooldown, '/cooldown', errors);
  const resolveAfter = optionalDuration(body.resolveAfter, '/resolveAfter', errors);

  if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
    errors.push({ pointer: '/enabled', detail: 'must be a boolean' });
  if (body.description !== undefined && typeof body.description !== 'string')
    errors.push({ pointer: '/description', detail: 'must be a string' });

  const allowedLateness =
    optionalDuration(body.allowedLateness, '/allowedLateness', errors) ?? DEFAULT_ALLOWED_LATENESS;
  const limits: Pick<RuleCommon, 'maxGroups' | 'forgetAfter'> = {};
  // The limits bound per-group state: a kind that keeps none (RuleKindModule.stateful) refuses them.
  const stateless = RULE_KINDS.includes(kind) && !kindModule(kind).stateful;
  const noState = `does not apply to ${kind} rules (they keep no state)`;
  if (body.maxGroups !== undefined && body.maxGroups !== null) {
    const m = body.maxGroups;
    if (stateless) errors.push({ pointer: '/maxGroups', detail: noState });
    else if (typeof m !== 'number' || !Number.isInteger(m) || m < 1 || m > MAX_MAX_GROUPS)
      errors.push({ pointer: '/maxGroups', detail: `must be an integer from 1 to ${MAX_MAX_GROUPS}` });
    else limits.maxGroups = m;
  }
  if (body.forgetAfter !== undefined && body.forgetAfter !== null) {
    const f = optionalDuration(body.forgetAfter, '/forgetAfter', errors);
    if (stateless) errors.push({ pointer: '/forgetAfter', detail: noState });
    else if (f !== null && (parseDuration(f)! < 60_000 || parseDuration(f)! > MAX_FORGET_AFTER_MS))
      errors.push({ pointer: '/forgetAfter', detail: 'must be a duration from 1m to 30d' });
    else if (f !== null) limits.forgetAfter = f;
  }
  // Options of other kinds are refused, so a typo in `kind` is not silently ignored.
  for (const key of Object.keys(RULE_OPTIONS) as RuleOptionKey[]) {
    if (body[key] !== undefined && body[key] !== null && !(RULE_KIND_OPTIONS[kind] ?? []).includes(key))
      errors.push({ pointer: `/${key}`, detail: `does not apply to ${kind} rules` });
  }
  const kindParts = RULE_KINDS.includes(kind) ? kindModule(kind).parse({ body, fields, groupBy, errors }) : {};

  if (errors.length > 0) return { ok: false, errors };
  const definition = {
    name,
    kind,
    condition,
    groupBy,
    severity,
    escalations,
    cooldown,
    resolveAfter,
    enabled: body.enabled === undefined ? true : (body.enabled as boolean),
    allowedLateness,
    ...limits,
    ...kindParts,
  } as RuleDefinition;
  if (typeof body.description === 'string' && body.description !== '') definition.description = body.description;
  return { ok: true, definition };
}
