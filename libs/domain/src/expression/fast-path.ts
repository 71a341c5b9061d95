import type { ASTNode } from '@marcbachmann/cel-js';

/**
 * Compiles the common subset of CEL — literals, fields, `&& || !`, comparisons,
 * `+ - * /` with at least one double operand, unary minus, `in` on list
 * literals, `contains/startsWith/endsWith`, `?:` — into a tree of
 * JS closures, to run conditions at near hand-written speed. Anything else
 * returns null and the condition runs on cel-js alone.
 *
 * Same result as CEL, by construction: the closure only runs when every field
 * the condition references is present in the (schema-validated) event, so all
 * operand types are the checked ones; int-only arithmetic (CEL truncates
 * `7 / 2` to 3) and `%` are left to cel-js. Callers fall back to cel-js for
 * events missing a referenced field (CEL's error semantics decide there).
 */
export type FastCondition = (payload: Record<string, unknown>) => boolean;

type Kind = 'double' | 'int' | 'string' | 'bool' | 'list' | 'null';
type Fn = (p: Record<string, any>) => any;
interface Compiled {
  fn: Fn;
  kind: Kind;
  /** Constant value, for literal folding of list members. */
  constant?: unknown;
}

const FIELD_KINDS: Record<string, Kind> = { double: 'double', string: 'string', bool: 'bool' };

/** `fieldKinds`: the CEL type of each field (`double`, `string`, `bool`; others are not supported). */
export function compileFastPath(ast: ASTNode, fieldKinds: ReadonlyMap<string, string>): FastCondition | null {
  try {
    const c = compile(ast, fieldKinds);
    if (c.kind !== 'bool') return null;
    const fn = c.fn;
    return (p) => fn(p) === true;
  } catch {
    return null;
  }
}

class Unsupported extends Error {}

function compile(node: ASTNode, fields: ReadonlyMap<string, string>): Compiled {
  const n = node as unknown as { op: string; args: any };
  switch (n.op) {
    case 'value': {
      const v = n.args;
      if (typeof v === 'bigint') {
        const num = Number(v);
        return { fn: () => num, kind: 'int', constant: num };
      }
      if (typeof v === 'number') return { fn: () => v, kind: 'double', constant: v };
      if (typeof v === 'string') return { fn: () => v, kind: 'string', constant: v };
      if (typeof v === 'boolean') return { fn: () => v, kind: 'bool', constant: v };
      throw new Unsupported();
    }
    case 'id': {
      const name = n.args as string;
      const kind = FIELD_KINDS[fields.get(name) ?? ''];
      if (!kind) throw new Unsupported();
      return { fn: (p) => p[name], kind };
    }
    case '&&':
    case '||': {
      const [a, b] = n.args.map((x: ASTNode) => compile(x, fields));
      if (a.kind !== 'bool' || b.kind !== 'bool') throw new Unsupported();
      const fa = a.fn;
      const fb = b.fn;
      return { fn: n.op === '&&' ? (p) => fa(p) && fb(p) : (p) => fa(p) || fb(p), kind: 'bool' };
    }
    case '!_': {
      const a = compile(n.args, fields);
      if (a.kind !== 'bool') throw new Unsupported();
      const fa = a.fn;
      return { fn: (p) => !fa(p), kind: 'bool' };
    }
    case '-_': {
      const a = compile(n.args, fields);
      if (a.kind !== 'double' && a.kind !== 'int') throw new Unsupported();
      const fa = a.fn;
      return { fn: (p) => -fa(p), kind: a.kind };
    }
    case '>':
    case '<':
    case '>=':
    case '<=':
    case '==':
    case '!=': {
      const [a, b] = n.args.map((x: ASTNode) => compile(x, fields));
      const numeric = (k: Kind) => k === 'double' || k === 'int';
      if (!(numeric(a.kind) && numeric(b.kind)) && a.kind !== b.kind) throw new Unsupported();
      if (a.kind === 'list' || a.kind === 'null') throw new Unsupported();
      const fa = a.fn;
      const fb = b.fn;
      const fn: Fn =
        n.op === '>' ? (p) => fa(p) > fb(p) : n.op === '<' ? (p) => fa(p) < fb(p) : n.op === '>=' ? (p) => fa(p) >= fb(p) : n.op === '<=' ? (p) => fa(p) <= fb(p) : n.op === '==' ? (p) => fa(p) === fb(p) : (p) => fa(p) !== fb(p);
      return { fn, kind: 'bool' };
    }
    case '+':
    case '-':
    case '*':
    case '/': {
      const [a, b] = n.args.map((x: ASTNode) => compile(x, fields));
      // Only double arithmetic: int op int has CEL's integer semantics.
      const ok = (a.kind === 'double' && (b.kind === 'double' || b.kind === 'int')) || (a.kind === 'int' && b.kind === 'double');
      if (!ok) throw new Unsupported();
      const fa = a.fn;
      const fb = b.fn;
      const fn: Fn = n.op === '+' ? (p) => fa(p) + fb(p) : n.op === '-' ? (p) => fa(p) - fb(p) : n.op === '*' ? (p) => fa(p) * fb(p) : (p) => fa(p) / fb(p);
      return { fn, kind: 'double' };
    }
    case 'rcall': {
      const [method, receiver, argNodes] = n.args as [string, ASTNode, ASTNode[]];
      if (!['contains', 'startsWith', 'endsWith'].includes(method) || argNodes.length !== 1) throw new Unsupported();
      const r = compile(receiver, fields);
      const a = compile(argNodes[0], fields);
      if (r.kind !== 'string' || a.kind !== 'string') throw new Unsupported();
      const fr = r.fn;
      const fa = a.fn;
      const fn: Fn = method === 'contains' ? (p) => (fr(p) as string).includes(fa(p)) : method === 'startsWith' ? (p) => (fr(p) as string).startsWith(fa(p)) : (p) => (fr(p) as string).endsWith(fa(p));
      return { fn, kind: 'bool' };
    }
    case 'in': {
      const [item, container] = n.args as [ASTNode, ASTNode];
      const i = compile(item, fields);
      const c = container as unknown as { op: string; args: ASTNode[] };
      if (c.op === 'list') {
        const members = c.args.map((x) => compile(x, fields));
        if (members.some((m) => m.constant === undefined || m.kind !== i.kind)) throw new Unsupported();
        const set = new Set(members.map((m) => m.constant));
        const fi = i.fn;
        return { fn: (p) => set.has(fi(p)), kind: 'bool' };
      }
      throw new Unsupported();
    }
    case '?:': {
      const [c, a, b] = n.args.map((x: ASTNode) => compile(x, fields));
      if (c.kind !== 'bool' || a.kind !== b.kind) throw new Unsupported();
      const fc = c.fn;
      const fa = a.fn;
      const fb = b.fn;
      return { fn: (p) => (fc(p) ? fa(p) : fb(p)), kind: a.kind };
    }
    default:
      throw new Unsupported();
  }
}
