import type { ASTNode } from '@marcbachmann/cel-js';

/**
 * Compiles the common subset of CEL — literals, fields, `&& || !`, comparisons,
 * `+ - * /` with at least one double operand, unary minus, `in` on list
 * literals, `contains/startsWith/endsWith`, `?:` — into one JavaScript
 * function (generated source, as Ajv compiles JSON Schema), to run
 * conditions at hand-written speed. Anything else returns null and the
 * condition runs on cel-js alone.
 *
 * The function returns FAST_TRUE or FAST_FALSE, or FAST_MISSING when a
 * field the condition references is absent or null: callers then fall back
 * to cel-js, whose error semantics decide. With every field present and
 * schema-validated, all operand types are the checked ones, so the result is
 * CEL's by construction; int-only arithmetic (CEL truncates `7 / 2` to 3) and
 * `%` are left to cel-js. The generated source only ever contains field names
 * and literals as JSON string/number literals, and operators from a fixed set.
 */
export type FastCondition = (payload: Record<string, unknown>) => FastResult;
export type FastResult = 0 | 1 | 2;
export const FAST_FALSE = 0;
export const FAST_TRUE = 1;
export const FAST_MISSING = 2;

type Kind = 'double' | 'int' | 'string' | 'bool' | 'list' | 'null';
interface Compiled {
  /** JavaScript expression source. */
  src: string;
  kind: Kind;
  /** Constant value, for list members. */
  constant?: unknown;
}

/** What compiling one condition collects: the locals bound to fields and the sets of `in` lists. */
interface Scope {
  fields: ReadonlyMap<string, string>;
  locals: Map<string, string>;
  sets: Set<unknown>[];
}

const FIELD_KINDS: Record<string, Kind> = { double: 'double', string: 'string', bool: 'bool' };

/** `fieldKinds`: the CEL type of each field (`double`, `string`, `bool`; others are not supported). */
export function compileFastPath(ast: ASTNode, fieldKinds: ReadonlyMap<string, string>): FastCondition | null {
  const scope: Scope = { fields: fieldKinds, locals: new Map(), sets: [] };
  let c: Compiled;
  try {
    c = compile(ast, scope);
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
  if (c.kind !== 'bool') return null;
  const lines = ['"use strict";', 'return function fastCondition(p) {'];
  for (const [name, local] of scope.locals)
    lines.push(
      `  const ${local} = p[${JSON.stringify(name)}];`,
      `  if (${local} === undefined || ${local} === null) return ${FAST_MISSING};`,
    );
  lines.push(`  return (${c.src}) ? ${FAST_TRUE} : ${FAST_FALSE};`, '};');
  return new Function('S', lines.join('\n'))(scope.sets) as FastCondition;
}

class Unsupported extends Error {}

function literal(v: unknown): Compiled {
  if (typeof v === 'bigint') {
    const num = Number(v);
    if (!Number.isSafeInteger(num)) throw new Unsupported();
    return { src: String(num), kind: 'int', constant: num };
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Unsupported();
    return { src: `(${String(v)})`, kind: 'double', constant: v };
  }
  if (typeof v === 'string') return { src: JSON.stringify(v), kind: 'string', constant: v };
  if (typeof v === 'boolean') return { src: String(v), kind: 'bool', constant: v };
  throw new Unsupported();
}

const COMPARE: Record<string, string> = { '>': '>', '<': '<', '>=': '>=', '<=': '<=', '==': '===', '!=': '!==' };
const METHODS: Record<string, string> = { contains: 'includes', startsWith: 'startsWith', endsWith: 'endsWith' };

function compile(node: ASTNode, scope: Scope): Compiled {
  const n = node as unknown as { op: string; args: any };
  switch (n.op) {
    case 'value':
      return literal(n.args);
    case 'id': {
      const name = n.args as string;
      const kind = FIELD_KINDS[scope.fields.get(name) ?? ''];
      if (!kind) throw new Unsupported();
      let local = scope.locals.get(name);
      if (!local) {
        local = `v${scope.locals.size}`;
        scope.locals.set(name, local);
      }
      return { src: local, kind };
    }
    case '&&':
    case '||': {
      const [a, b] = n.args.map((x: ASTNode) => compile(x, scope));
      if (a.kind !== 'bool' || b.kind !== 'bool') throw new Unsupported();
      return { src: `(${a.src} ${n.op} ${b.src})`, kind: 'bool' };
    }
    case '!_': {
      const a = compile(n.args, scope);
      if (a.kind !== 'bool') throw new Unsupported();
      return { src: `(!${a.src})`, kind: 'bool' };
    }
    case '-_': {
      const a = compile(n.args, scope);
      if (a.kind !== 'double' && a.kind !== 'int') throw new Unsupported();
      return { src: `(-${a.src})`, kind: a.kind };
    }
    case '>':
    case '<':
    case '>=':
    case '<=':
    case '==':
    case '!=': {
      const [a, b] = n.args.map((x: ASTNode) => compile(x, scope));
      const numeric = (k: Kind) => k === 'double' || k === 'int';
      if (!(numeric(a.kind) && numeric(b.kind)) && a.kind !== b.kind) throw new Unsupported();
      if (a.kind === 'list' || a.kind === 'null') throw new Unsupported();
      return { src: `(${a.src} ${COMPARE[n.op]} ${b.src})`, kind: 'bool' };
    }
    case '+':
    case '-':
    case '*':
    case '/': {
      const [a, b] = n.args.map((x: ASTNode) => compile(x, scope));
      // Only double arithmetic: int op int has CEL's integer semantics.
      const ok =
        (a.kind === 'double' && (b.kind === 'double' || b.kind === 'int')) || (a.kind === 'int' && b.kind === 'double');
      if (!ok) throw new Unsupported();
      return { src: `(${a.src} ${n.op} ${b.src})`, kind: 'double' };
    }
    case 'rcall': {
      const [method, receiver, argNodes] = n.args as [string, ASTNode, ASTNode[]];
      if (!METHODS[method] || argNodes.length !== 1) throw new Unsupported();
      const r = compile(receiver, scope);
      const a = compile(argNodes[0], scope);
      if (r.kind !== 'string' || a.kind !== 'string') throw new Unsupported();
      return { src: `${r.src}.${METHODS[method]}(${a.src})`, kind: 'bool' };
    }
    case 'in': {
      const [item, container] = n.args as [ASTNode, ASTNode];
      const i = compile(item, scope);
      const c = container as unknown as { op: string; args: ASTNode[] };
      if (c.op !== 'list') throw new Unsupported();
      const members = c.args.map((x) => compile(x, scope));
      if (members.some((m) => m.constant === undefined || m.kind !== i.kind)) throw new Unsupported();
      scope.sets.push(new Set(members.map((m) => m.constant)));
      return { src: `S[${scope.sets.length - 1}].has(${i.src})`, kind: 'bool' };
    }
    case '?:': {
      const [c, a, b] = n.args.map((x: ASTNode) => compile(x, scope));
      if (c.kind !== 'bool' || a.kind !== b.kind) throw new Unsupported();
      return { src: `(${c.src} ? ${a.src} : ${b.src})`, kind: a.kind };
    }
    default:
      throw new Unsupported();
  }
}
