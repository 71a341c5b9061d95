// Two projects: unit specs (pure, run in parallel) and integration specs
// (real Postgres and Redis, run in band by `npm run test:int`).
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcrc.$schema;

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  // cel-js, openid-client (with oauth4webapi and jose) and cookie ship as ES modules (@fastify/cookie imports
  // cookie dynamically); transform them to CommonJS for Jest.
  transformIgnorePatterns: [
    `/node_modules/(?!(${[
      '@marcbachmann/cel-js',
      'content-disposition',
      'openid-client',
      'oauth4webapi',
      'jose',
      '@fastify/cookie',
      'cookie',
    ].join('|')})/)`,
  ],
  moduleNameMapper: {
    '^@anom/(domain|db|contracts|queue|notify|profiler)$': '<rootDir>/libs/$1/src/index.ts',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
  ],
};
