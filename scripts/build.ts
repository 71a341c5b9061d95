// `npm run build:server`: compiles the api, the worker, the cli and the libraries they use ahead of time into dist/
// (same relative paths, `.js`), so production runs plain JavaScript with production dependencies only — no
// @swc-node/register at run time. SWC does what @swc-node/register does in development: TypeScript with legacy
// decorators and their design-time metadata (Nest's dependency injection reads it), CommonJS, and the `@anom/*` paths
// of tsconfig.base.json rewritten to relative requires. JSON imports and the SQL migrations are copied beside.
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { transformFileSync } from '@swc/core';

const root = resolve(__dirname, '..');
const out = join(root, 'dist');
const SOURCES = [
  'apps/api/src',
  'apps/worker/src',
  'apps/cli/src',
  'libs/contracts/src',
  'libs/domain/src',
  'libs/db/src',
  'libs/queue/src',
  'libs/notify/src',
  'libs/profiler/src',
  'scripts/db-migrate.ts',
  'prisma/seed.ts',
];
/** Test and benchmark files stay out of the build. */
const SKIP = /\.(spec|int-spec|test)\.tsx?$|\.d\.ts$|(^|\/)(e2e|test)\//;

const paths = Object.fromEntries(
  ['domain', 'db', 'contracts', 'queue', 'notify', 'profiler'].map((l) => [`@anom/${l}`, [`libs/${l}/src/index.ts`]]),
);

function files(rel: string): string[] {
  const abs = join(root, rel);
  if (statSync(abs).isFile()) return [rel];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

rmSync(out, { recursive: true, force: true });
let compiled = 0;
for (const rel of SOURCES.flatMap(files)) {
  if (SKIP.test(rel)) continue;
  const target = join(out, rel);
  mkdirSync(dirname(target), { recursive: true });
  if (rel.endsWith('.json')) {
    cpSync(join(root, rel), target);
    continue;
  }
  if (!rel.endsWith('.ts')) continue;
  const { code, map } = transformFileSync(join(root, rel), {
    cwd: root,
    sourceMaps: true,
    sourceFileName: relative(dirname(target), join(root, rel)),
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      target: 'es2022',
      keepClassNames: true,
      baseUrl: root,
      paths,
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: true },
    },
    module: { type: 'commonjs' },
  });
  const js = target.replace(/\.ts$/, '.js');
  writeFileSync(js, `${code}\n//# sourceMappingURL=${js.split('/').pop()}.map\n`);
  if (map) writeFileSync(`${js}.map`, map);
  compiled++;
}
cpSync(join(root, 'prisma/migrations'), join(out, 'prisma/migrations'), { recursive: true });
process.stdout.write(`compiled ${compiled} files into dist/\n`);
