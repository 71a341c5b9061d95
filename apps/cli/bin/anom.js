#!/usr/bin/env node
// The `anom` command. Where @swc-node/register is installed (a development checkout) it runs the TypeScript sources
// through SWC, so it is never a stale build; a production install (dependencies only, no SWC) runs the compiled
// JavaScript that `npm run build:server` writes to dist/.
const path = require('node:path');
let dev = true;
try {
  require.resolve('@swc-node/register');
} catch {
  dev = false;
}
if (dev) {
  process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '../../../tsconfig.json');
  require('@swc-node/register');
  require('../src/main.ts');
} else {
  require(path.join(__dirname, '../../../dist/apps/cli/src/main.js'));
}
