import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { AnomClient } from './api-client';
import { replay } from './replay';
import { applyConfig } from './config-as-code';
import { SIMULATED_BUSINESSES, Simulator, backfill, seededRandom } from './simulate/simulator';

// The CLI is an entry point: like the api and worker, it reads its environment here only.
if (existsSync('.env')) process.loadEnvFile('.env');
const env = {
  url: process.env.ANOM_URL ?? `http://localhost:${process.env.API_PORT ?? 3000}`,
  token: process.env.ANOM_TOKEN ?? process.env.ANOM_ADMIN_TOKEN ?? 'change-me-dev-admin-token',
};

function pairs(sep: string) {
  return (value: string, previous: Record<string, string> = {}) => {
    const i = value.indexOf(sep);
    if (i <= 0)
      throw new InvalidArgumentError(
        `expected a${sep === ':' ? ' column:field' : ' field=value'} pair, got '${value}'`,
      );
    return { ...previous, [value.slice(0, i)]: value.slice(i + 1) };
  };
}

const program = new Command('anom')
  .description('Anom command line: replay files into a business, simulate the seeded businesses, add people')
  .option('--url <url>', 'api base URL (ANOM_URL)', env.url)
  .option('--token <token>', 'API key, source token or bootstrap token (ANOM_TOKEN, ANOM_ADMIN_TOKEN)', env.token);

program
  .command('export')
  .description('write businesses, fields, rules, views, channels (secrets as ${ENV} references) and silences as YAML')
  .option('-b, --business <id...>', 'only these businesses (default: every live one)')
  .option('-o, --output <file>', 'write to this file instead of standard output')
  .action(async (o: { business?: string[]; output?: string }) => {
    const { url, token } = program.opts<{ url: string; token: string }>();
    const yaml = await new AnomClient(url, token).exportConfig(o.business ?? []);
    if (o.output) writeFileSync(o.output, yaml);
    else process.stdout.write(yaml);
  });

program
  .command('apply')
  .description('create or update what a YAML document defines, by id; shows the diff and backtest of each change')
  .requiredOption('-f, --file <file>', 'the document (YAML or JSON); ${ENV} references are filled from the environment')
  .option('--dry-run', 'show what would change, change nothing', false)
  .option(
    '--prune',
    'also delete rules, views, channels and silences the listed businesses have and the file lacks',
    false,
  )
  .action(async (o: { file: string; dryRun: boolean; prune: boolean }) => {
    const { url, token } = program.opts<{ url: string; token: string }>();
    const { lines } = await applyConfig(new AnomClient(url, token), o.file, {
      dryRun: o.dryRun,
      prune: o.prune,
      env: process.env,
    });
    process.stdout.write(`${lines.join('\n')}\n`);
  });

program
  .command('archives')
  .description("list a business's archive files (written before retention deleted their events)")
  .requiredOption('-b, --business <id>', 'business id')
  .action(async (o: { business: string }) => {
    const { url, token } = program.opts<{ url: string; token: string }>();
    const files = await new AnomClient(url, token).archives(o.business);
    if (files.length === 0) process.stdout.write('no archive files\n');
    for (const f of files)
      process.stdout.write(
        `${f.id}  ${f.eventFrom} → ${f.eventTo}  ${f.events} events  ${(f.bytes / 1024).toFixed(1)} KiB  ${f.key}\n`,
      );
  });

program
  .command('replay')
  .description('post a CSV or NDJSON file (or an archive file of the business) into a business through the ingest API')
  .argument('[file]', 'a .csv (with a header row), .ndjson or .ndjson.gz file')
  .requiredOption('-b, --business <id>', 'business id')
  .option('--archive <id>', "replay one of the business's archive files (see `anom archives`) instead of a file")
  .option('-m, --map <column:field>', 'rename a column to a field (repeatable)', pairs(':'), {})
  .option('-s, --set <field=value>', 'add a constant field to every event (repeatable)', pairs('='), {})
  .option('--batch <n>', 'events per request', (v) => positiveInt(v), 500)
  .option(
    '--speed <n|max>',
    'max, or N times the pace of the event timestamps',
    (v) => (v === 'max' ? 'max' : positiveNumber(v)),
    'max' as number | 'max',
  )
  .action(
    async (
      fileArg: string | undefined,
      o: {
        archive?: string;
        business: string;
        map: Record<string, string>;
        set: Record<string, string>;
        batch: number;
        speed: number | 'max';
      },
    ) => {
      const { url, token } = program.opts<{ url: string; token: string }>();
      if (!fileArg === !o.archive) throw new Error('give either a file or --archive <id>, not both');
      let file = fileArg ?? '';
      if (o.archive) {
        // Downloaded first (the file is small next to the replay), then read like any .ndjson.gz.
        file = join(mkdtempSync(join(tmpdir(), 'anom-archive-')), 'events.ndjson.gz');
        await new AnomClient(url, token).downloadArchive(o.business, o.archive, file);
      }
      const bar = process.stderr.isTTY
        ? new SingleBar(
            { format: 'replaying [{bar}] {percentage}% {value}/{total} events', hideCursor: true },
            Presets.shades_classic,
          )
        : null;
      let started = false;
      const summary = await replay(new AnomClient(url, token), {
        file,
        business: o.business,
        map: o.map,
        set: o.set,
        batch: o.batch,
        speed: o.speed,
        onProgress: (done, total) => {
          if (bar && !started) {
            bar.start(total, 0);
            started = true;
          }
          if (bar) bar.update(done);
          else process.stderr.write(`\r${done}/${total} events`);
        },
      });
      bar?.stop();
      process.stderr.write('\n');
      const lines = [
        `events read:      ${summary.read}`,
        `events sent:      ${summary.sent} (accepted ${summary.accepted}, already stored ${summary.duplicates})`,
        `events rejected:  ${summary.rejected}`,
        ...summary.reasons.slice(0, 10).map((r) => `  ${r.count} x ${r.reason}`),
        `alerts opened:    ${summary.opened.length}`,
        ...summary.opened
          .slice(0, 20)
          .map(
            (a) =>
              `  [${a.severity}${a.status === 'open' ? '' : `, ${a.status}`}] ${a.summary} — ${a.count} event(s) ` +
              `${a.startTime} → ${a.endTime} (id ${a.id})`,
          ),
        `alerts updated:   ${summary.updated.length}`,
        `took ${summary.seconds.toFixed(1)} s`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    },
  );

program
  .command('simulate')
  .description(
    'stream realistic events into the seeded businesses, injecting an anomaly pattern every couple of minutes',
  )
  .option('--businesses <ids>', 'comma-separated business ids', SIMULATED_BUSINESSES.join(','))
  .option('--every <seconds>', 'seconds between injected anomalies', (v) => positiveNumber(v), 120)
  .option('--seed <n>', 'random seed', (v) => positiveInt(v), Date.now() % 100_000)
  .option('--duration <seconds>', 'stop after this many seconds (default: run until stopped)', (v) => positiveNumber(v))
  .action(async (o: { businesses: string; every: number; seed: number; duration?: number }) => {
    const { url, token } = program.opts<{ url: string; token: string }>();
    const client = new AnomClient(url, token);
    const sim = new Simulator(
      o.businesses.split(',').map((s) => s.trim()),
      seededRandom(o.seed),
      o.every * 1000,
    );
    const stopAt = o.duration ? Date.now() + o.duration * 1000 : Infinity;
    process.stdout.write(`simulating ${o.businesses} into ${url}; an anomaly every ${o.every} s\n`);
    let sent = 0;
    while (Date.now() < stopAt) {
      const tickStart = Date.now();
      const { events, injected } = sim.tick(new Date());
      if (injected) process.stdout.write(`${new Date().toISOString()} injecting ${injected}\n`);
      const byBusiness = new Map<string, Record<string, unknown>[]>();
      for (const e of events) byBusiness.set(e.businessId, [...(byBusiness.get(e.businessId) ?? []), e.event]);
      await Promise.all(
        [...byBusiness].map(async ([businessId, batch]) => {
          try {
            await client.ingest(businessId, batch);
            sent += batch.length;
          } catch (err) {
            process.stderr.write(`ingest into ${businessId} failed: ${(err as Error).message}\n`);
          }
        }),
      );
      if (sent > 0 && sent % 500 < events.length) process.stdout.write(`${sent} events sent\n`);
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tickStart))));
    }
  });

program
  .command('backfill')
  .description(
    'give the seeded businesses a history of normal traffic (skipped where one exists), then ask the profiler to ' +
      'learn from it',
  )
  .option('--businesses <ids>', 'comma-separated business ids', SIMULATED_BUSINESSES.join(','))
  .option('--days <n>', 'days of history', (v) => positiveNumber(v), 4)
  .action(async (o: { businesses: string; days: number }) => {
    const { url, token } = program.opts<{ url: string; token: string }>();
    const client = new AnomClient(url, token);
    const end = new Date();
    const ids = o.businesses.split(',').map((s) => s.trim());
    const todo: string[] = [];
    for (const id of ids) {
      if (await client.hasEventsBefore(id, new Date(end.getTime() - 86_400_000)))
        process.stdout.write(`${id}: has history already; skipped\n`);
      else todo.push(id);
    }
    for (const [id, events] of backfill(todo, end, o.days, 7)) {
      await ingestAll(client, id, events);
      const run = await client.profile(id);
      process.stdout.write(`${id}: ${events.length} events over ${o.days} days; profiling run ${run.id} queued\n`);
    }
  });

/**
 * Sends `events` in batches of 1,000, one request at a time: in event-time order, so the stateful rules
 * evaluate the history as they would have live (an event behind a group's watermark would be late).
 */
async function ingestAll(client: AnomClient, businessId: string, events: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1_000) await client.ingest(businessId, events.slice(i, i + 1_000));
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

const users = program.command('users').description('people who sign in to the app');
users
  .command('create')
  .description(
    'add a person; with the bootstrap token (ANOM_ADMIN_TOKEN) this creates the first admin, after which ' +
      'production accepts only people and API keys',
  )
  .requiredOption('-e, --email <email>', 'their email (the sign-in name)')
  .option('-n, --name <name>', 'display name (default: the email)')
  .option('-r, --role <role>', 'viewer, responder, editor or admin', 'viewer')
  .option('--admin', 'same as --role admin')
  .option('--if-none', 'do nothing when any admin exists already (for start-up scripts)')
  .option('--password-env <var>', 'read the password from this environment variable', 'ANOM_PASSWORD')
  .action(
    async (o: {
      email: string;
      name?: string;
      role: string;
      admin?: boolean;
      ifNone?: boolean;
      passwordEnv: string;
    }) => {
      const { url, token } = program.opts<{ url: string; token: string }>();
      const client = new AnomClient(url, token);
      const role = o.admin ? 'admin' : o.role;
      if (o.ifNone && (await client.users()).some((u) => u.role === 'admin' && !u.disabledAt)) {
        process.stdout.write('an admin exists already; nothing to do\n');
        return;
      }
      const password = process.env[o.passwordEnv] || undefined;
      const user = await client.createUser({ email: o.email, displayName: o.name ?? o.email, role, password });
      process.stdout.write(
        `created ${user.email} (${user.role})${password ? '' : '; no password: they sign in through OIDC'}\n`,
      );
    },
  );

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`anom: ${err.message}\n`);
  process.exit(1);
});
