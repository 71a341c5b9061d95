import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { fillEnvReferences } from '@anom/contracts';
import type { AnomClient, ApplyPlan } from './api-client';

/**
 * Reads a rules-as-code document (YAML or JSON) and fills its `${ENV}`
 * references from `env`. Throws naming every variable that is not set, and
 * on YAML that does not parse (with its line).
 */
export function readConfigDocument(file: string, env: Record<string, string | undefined>): unknown {
  const { text, missing } = fillEnvReferences(readFileSync(file, 'utf8'), env);
  if (missing.length > 0)
    throw new Error(`${file}: set these environment variables (the document references them): ${missing.join(', ')}`);
  return parse(text);
}

/** `anom apply`: reads, fills and sends the document; returns the plan as the lines to print. */
export async function applyConfig(
  client: AnomClient,
  file: string,
  opts: { dryRun: boolean; prune: boolean; env: Record<string, string | undefined> },
): Promise<{ plan: ApplyPlan; lines: string[] }> {
  const plan = await client.applyConfig(readConfigDocument(file, opts.env), opts);
  return { plan, lines: formatPlan(plan) };
}

/** A plan as a person reads it: one line per object that changes, its changes indented, then the totals. */
export function formatPlan(plan: ApplyPlan): string[] {
  const lines: string[] = [];
  const verb = { create: '+ create', update: '~ update', delete: '- delete', unchanged: '  unchanged' } as const;
  for (const i of plan.items) {
    if (i.action === 'unchanged') continue;
    lines.push(`${verb[i.action]} ${i.object} ${i.businessId}/${i.name} (${i.id})`);
    if (i.action === 'update') for (const c of i.changes) lines.push(`    ${c.path}: ${show(c.from)} → ${show(c.to)}`);
    if (i.backtest)
      lines.push(`    backtest: ${'summary' in i.backtest ? i.backtest.summary : `not run (${i.backtest.error})`}`);
  }
  const s = plan.summary;
  lines.push(
    `${plan.dryRun ? 'would ' : ''}create ${s.create}, update ${s.update}, delete ${s.delete}; ${s.unchanged} ` +
      `unchanged` +
      (plan.dryRun ? ' (dry run: nothing changed)' : ''),
  );
  return lines;
}

function show(v: unknown): string {
  return v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);
}
