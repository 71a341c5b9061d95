/**
 * One-off helper for the formatter commit: Prettier wraps code at 120
 * columns but never splits a string literal or a comment. This splits those
 * that still run past 120 at a word boundary (strings into a `+`
 * concatenation, comments into more comment lines); run Prettier after it.
 * Usage: node -r @swc-node/register scripts/wrap-long-lines.ts <files…>
 */
import * as fs from 'node:fs';
import ts from 'typescript';

const MAX = 120;

function splitAt(text: string, limit: number, inTemplate: boolean): number {
  let depth = 0;
  let best = -1;
  for (let i = 0; i < text.length && i < limit; i++) {
    if (inTemplate && text[i] === '$' && text[i + 1] === '{') depth++;
    else if (inTemplate && text[i] === '}' && depth > 0) depth--;
    else if (text[i] === ' ' && depth === 0 && i > 10 && text[i - 1] !== '\\') best = i + 1;
  }
  return best;
}

function fixStrings(file: string, src: string): string {
  const sf = ts.createSourceFile(
    file,
    src,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const lines = src.split('\n');
  const edits: { start: number; end: number; text: string }[] = [];
  const visit = (node: ts.Node) => {
    const start = node.getStart(sf);
    const end = node.getEnd();
    const a = sf.getLineAndCharacterOfPosition(start);
    const b = sf.getLineAndCharacterOfPosition(end);
    if (a.line === b.line && lines[a.line].length > MAX) {
      const budget = MAX - 8 - Math.min(a.character, 60);
      if (ts.isStringLiteral(node) && end - start > 40) {
        const raw = src.slice(start + 1, end - 1);
        const q = src[start];
        const jsxAttr = ts.isJsxAttribute(node.parent);
        const at = splitAt(raw, budget, false);
        if (at > 0) {
          const [p1, p2] = [raw.slice(0, at), raw.slice(at)];
          const lit = (s: string) => (jsxAttr ? JSON.stringify(s) : q + s + q);
          const joined = `${lit(p1)} +\n${lit(p2)}`;
          edits.push({ start, end, text: jsxAttr ? `{${joined}}` : joined });
          return;
        }
      } else if ((ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node)) && end - start > 40) {
        const raw = src.slice(start + 1, end - 1);
        const at = splitAt(raw, budget, true);
        if (at > 0) {
          edits.push({ start, end, text: `\`${raw.slice(0, at)}\` +\n\`${raw.slice(at)}\`` });
          return;
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  edits.sort((x, y) => y.start - x.start);
  let out = src;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function fixComments(src: string): string {
  const out: string[] = [];
  for (const line of src.split('\n')) {
    if (line.length <= MAX) {
      out.push(line);
      continue;
    }
    const m = /^(\s*)(\/\/ |\* |\/\*\* )(.*?)( \*\/)?$/.exec(line);
    if (!m) {
      out.push(line);
      continue;
    }
    const [, indent, lead, body, close] = m;
    const prefix = lead === '// ' ? `${indent}// ` : `${indent}${lead === '/** ' ? ' ' : ''}* `;
    const words = body.split(' ');
    const wrapped: string[] = [];
    let cur = '';
    for (const w of words) {
      if (cur && prefix.length + cur.length + 1 + w.length > MAX) {
        wrapped.push(cur);
        cur = w;
      } else cur = cur ? `${cur} ${w}` : w;
    }
    if (cur) wrapped.push(cur);
    if (lead === '/** ') {
      out.push(`${indent}/**`, ...wrapped.map((w) => prefix + w), `${indent} */`);
    } else {
      out.push(...wrapped.map((w) => prefix + w));
      if (close) out[out.length - 1] += close;
    }
  }
  return out.join('\n');
}

for (const file of process.argv.slice(2)) {
  const src = fs.readFileSync(file, 'utf8');
  let next = fixComments(src);
  if (/\.(ts|tsx)$/.test(file)) next = fixStrings(file, next);
  if (next !== src) fs.writeFileSync(file, next);
}
