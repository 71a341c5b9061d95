#!/usr/bin/env node
// The `anom` command: runs the TypeScript sources through SWC (no build step).
const path = require('node:path');
process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '../../../tsconfig.json');
require('@swc-node/register');
require('../src/main.ts');
