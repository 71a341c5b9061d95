import { Environment, type ASTNode } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import type { InputErrorDetail } from '@anom/contracts';
import type { FieldDefinition } from '../schema/business-schema';
import { compileFastPath, FAST_MISSING, FAST_TRUE, type FastCondition } from './fast-path';

/**
 * CEL conditions over a business schema, staged like cel-es:
 * parse -> check (against the schema) -> compile (a reusable closure) -> run.
 *
 * Typing: `number` and `integer` fields are CEL `double`; integer literals mix
 * with them freely (`heart_rate == 100`, `cpu_percent + 5 > 90`) through
 * registered `double op int` overloads, because CEL's strict numeric typing
 * would otherwise reject the conditions people naturally write. `enum` and
 * `string` are `string`, `boolean` is `bool`, `timestamp` is
 * `google.protobuf.Timestamp`, `object` is `map`.
 *
 * Library: @marcbachmann/cel-js (https://github.com/google/cel-spec semantics).
 *
 * Regular expressions: CEL's `matches` is specified with RE2 syntax, and RE2
 * matches in time linear in the input. cel-js runs it with JavaScript's
 * backtracking RegExp, where `^(a+)+$` on 30 characters takes seconds, so
 * every `matches` call is pointed at an RE2 implementation instead: re2js, a
 * pure-JavaScript port of RE2/J (no native build to install; slower than
 * the C++ binding, which is fine for patterns run once per event). A literal
 * pattern is compiled when the rule is saved: RE2 syntax only (no
 * backreferences or lookaround), at most MAX_PATTERN_LENGTH characters.
 */

/** Outcome of running a condition on one event: errors are values, never thrown. */
export type ConditionResult = { ok: true; value: boolean } | { ok: false; error: string };

export interface CompiledCondition {
  readonly source: string;
  /** Schema fields the condition references, in order of first use. */
  readonly fields: readonly string[];
  /** Runs the condition on a payload (a validated event). Never throws. */
  run(payload: Record<string, unknown>): ConditionResult;
  /**
   * The generated fast path (fast-path.ts), when the condition is in its
   * subset: FAST_TRUE/FAST_FALSE, or FAST_MISSING when `run` must decide.
   * For hot loops; `run` gives the same answers.
   */
  readonly fast: FastCondition | null;
}

export type CheckResult = { ok: true; condition: CompiledCondition } | { ok: false; errors: InputErrorDetail[] };

const CEL_TYPE: Record<FieldDefinition['type'], string> = {
  number: 'double',
  integer: 'double',
  string: 'string',
  enum: 'string',
  boolean: 'bool',
  timestamp: 'google.protobuf.Timestamp',
  object: 'map',
};

const MIXED_NUMERIC: Record<string, (a: number, b: number) => unknown> = {
  '==': (a, b) => a === b,
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

/** Longest regular expression a condition may hold (characters). */
export const MAX_PATTERN_LENGTH = 1_000;
/** Name `matches` calls are rewritten to (registered on every environment; RE2 semantics). */
const RE2_MATCHES = 'anomRe2Matches';
const compiledPatterns = new Map<string, RE2JS>();

/**
 * An RE2 program for `pattern`, cached (patterns of rules are few; dynamic
 * ones are bounded by the cache clearing at 1,000). Throws on a pattern
 * RE2 does not accept or one longer than MAX_PATTERN_LENGTH.
 */
export function re2Pattern(pattern: string): RE2JS {
  let re = compiledPatterns.get(pattern);
  if (!re) {
    if (pattern.length > MAX_PATTERN_LENGTH)
      throw new Error(`regular expression longer than ${MAX_PATTERN_LENGTH} characters`);
    re = RE2JS.compile(pattern);
    if (compiledPatterns.size >= 1_000) compiledPatterns.clear();
    compiledPatterns.set(pattern, re);
  }
  return re;
}

/** CEL `matches` with RE2 semantics: true when the pattern matches a part of `text` (as cel-go's). */
function re2Matches(text: string, pattern: string): boolean {
  let re: RE2JS;
  try {
    re = re2Pattern(pattern);
  } catch (err) {
    throw new Error(`Invalid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
  return re.matcher(text).find();
}

/** Builds the CEL environment of a schema. One per schema version is enough. */
export function createConditionEnvironment(fields: readonly FieldDefinition[]): Environment {
  const env = new Environment({
    limits: { maxAstNodes: 2_000, maxDepth: 50, maxListElements: 1_000, maxMapEntries: 1_000, maxCallArguments: 32 },
  });
  env.registerFunction(`string.${RE2_MATCHES}(string): bool`, re2Matches);
  // The spec's global form, which cel-js lacks, straight onto RE2.
  env.registerFunction('matches(string, string): bool', re2Matches);
  for (const [op, fn] of Object.entries(MIXED_NUMERIC)) {
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => fn(a, Number(b)));
    // `==` registers both directions at once; the arithmetic operators do not.
    if (op !== '==') env.registerOperator(`int ${op} double`, (a: bigint, b: number) => fn(Number(a), b));
  }
  for (const f of fields) env.registerVariable(f.name, CEL_TYPE[f.type]);
  return env;
}

/**
 * Parses and type-checks `source` against `fields` and compiles it.
 * Errors point at `pointer` (the JSON pointer of the condition in the request)
 * and name the field or operator at fault, with a did-you-mean for typos.
 */
export function compileCondition(
  source: string,
  fields: readonly FieldDefinition[],
  pointer = '/condition',
  env = createConditionEnvironment(fields),
): CheckResult {
  if (typeof source !== 'string' || source.trim() === '') {
    return { ok: false, errors: [{ pointer, detail: 'must be a non-empty CEL expression' }] };
  }
  if (source.length > 4_000) return { ok: false, errors: [{ pointer, detail: 'must be at most 4000 characters' }] };
  const check = safeCheck(env, source);
  if (!check.valid) {
    return { ok: false, errors: [{ pointer, detail: explain(check.error, source, fields) }] };
  }
  if (check.type !== 'bool') {
    return {
      ok: false,
      errors: [{ pointer, detail: `must be a boolean expression, but '${source}' is ${check.type}` }],
    };
  }
  const program = env.parse(source);
  const patternError = useRe2(program.ast as ASTNode);
  if (patternError) return { ok: false, errors: [{ pointer, detail: patternError }] };
  const referenced = referencedIdentifiers(program.ast).filter((n) => fields.some((f) => f.name === n));
  // In a pure conjunction a missing field can only make the result false or an
  // error, so skip CEL entirely; with ||, ?: or has() the field may not matter.
  const conjunctive = !/\|\||\?|\bhas\s*\(/.test(source);
  const timestampFields = fields
    .filter((f) => f.type === 'timestamp' && referenced.includes(f.name))
    .map((f) => f.name);
  const fast =
    timestampFields.length === 0
      ? compileFastPath(program.ast, new Map(fields.map((f) => [f.name, CEL_TYPE[f.type]])))
      : null;
  const run = (payload: Record<string, unknown>): ConditionResult => {
    if (fast) {
      // Every referenced field present: the generated function gives CEL's answer (see fast-path.ts).
      const r = fast(payload);
      if (r !== FAST_MISSING) return r === FAST_TRUE ? TRUE : FALSE;
    }
    // A referenced field that is absent makes the condition false, not an error:
    // optional fields are normal.
    if (conjunctive) {
      for (const name of referenced) {
        const v = payload[name];
        if (v === undefined || v === null) return { ok: true, value: false };
      }
    }
    let ctx = payload;
    if (timestampFields.length > 0) {
      ctx = { ...payload };
      for (const name of timestampFields) if (ctx[name] != null) ctx[name] = new Date(ctx[name] as string | number);
    }
    try {
      return { ok: true, value: program(ctx) === true };
    } catch (err) {
      const message = err instanceof Error ? firstLine(err.message) : String(err);
      if (MISSING_VALUE.test(message)) return { ok: true, value: false };
      return { ok: false, error: message };
    }
  };
  return { ok: true, condition: { source, fields: referenced, run, fast } };
}

const TRUE: ConditionResult = Object.freeze({ ok: true, value: true }) as ConditionResult;
const FALSE: ConditionResult = Object.freeze({ ok: true, value: false }) as ConditionResult;

// cel-js's messages for an absent or null variable: an absent optional field.
const MISSING_VALUE = /^Unknown variable: |got 'null'$/;

function safeCheck(env: Environment, source: string): { valid: boolean; type?: string; error?: unknown } {
  try {
    return env.check(source);
  } catch (error) {
    return { valid: false, error };
  }
}

function explain(error: unknown, source: string, fields: readonly FieldDefinition[]): string {
  const e = error as { summary?: string; message?: string; range?: { start: number } } | undefined;
  const summary = e?.summary ?? firstLine(e?.message ?? 'invalid expression');
  const at = e?.range ? ` (at column ${e.range.start + 1})` : '';
  const unknown = /^Unknown variable: (\S+)/.exec(summary);
  if (unknown) {
    const name = unknown[1];
    const guess = closest(
      name,
      fields.map((f) => f.name),
    );
    return `unknown field '${name}'${at}${guess ? `; did you mean '${guess}'?` : ''}`;
  }
  const overload = /no such overload: (.+)$/.exec(summary);
  if (overload) return `type mismatch: no operator for ${overload[1]}${at} in '${source}'`;
  return `${summary}${at}`;
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/**
 * Points every `matches` call of a checked AST at the RE2 implementation
 * (the same signature, so the check stands) and compiles its pattern when it
 * is a literal. Returns the first bad pattern's explanation, or null.
 */
function useRe2(node: unknown): string | null {
  if (Array.isArray(node)) {
    for (const n of node) {
      const e = useRe2(n);
      if (e) return e;
    }
    return null;
  }
  if (!node || typeof node !== 'object' || !('op' in node)) return null;
  const n = node as ASTNode & { args: unknown };
  if ((n.op === 'rcall' || n.op === 'call') && Array.isArray(n.args) && n.args[0] === 'matches') {
    const params = (n.op === 'rcall' ? n.args[2] : n.args[1]) as ASTNode[];
    const pattern = params[params.length - 1];
    if (pattern?.op === 'value' && typeof pattern.args === 'string') {
      try {
        re2Pattern(pattern.args);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return (
          `invalid regular expression ` +
          `${JSON.stringify(pattern.args.length > 60 ? `${pattern.args.slice(0, 60)}…` : pattern.args)} (at ` +
          `column ${((pattern as { start?: number }).start ?? 0) + 1}): ${reason}; patterns use RE2 syntax (no ` +
          `backreferences or lookaround), which matches in linear time`
        );
      }
    }
    if (n.op === 'rcall') n.args[0] = RE2_MATCHES;
  }
  return useRe2(n.args);
}

function referencedIdentifiers(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const n of node) referencedIdentifiers(n, out);
  } else if (node && typeof node === 'object' && 'op' in node) {
    const n = node as ASTNode;
    if (n.op === 'id' && typeof n.args === 'string') {
      if (!out.includes(n.args)) out.push(n.args);
    } else {
      referencedIdentifiers(n.args, out);
    }
  }
  return out;
}

/** Closest name by Levenshtein distance, if within a third of the name's length. */
function closest(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = levenshtein(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
