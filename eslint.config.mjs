import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'libs/db/src/generated/**',
      'bench/out/**',
      '.nx/**',
      'apps/cli/bin/**',
      '**/*.js',
      '**/*.mjs',
      'apps/web/src/api/schema.d.ts',
      'test-output/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Layering is enforced here, so a wrong import fails lint, not review.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:domain', onlyDependOnLibsWithTags: ['scope:contracts'] },
            { sourceTag: 'scope:profiler', onlyDependOnLibsWithTags: ['scope:domain', 'scope:contracts'] },
            { sourceTag: 'scope:db', onlyDependOnLibsWithTags: ['scope:domain', 'scope:contracts'] },
            { sourceTag: 'scope:queue', onlyDependOnLibsWithTags: ['scope:domain', 'scope:contracts'] },
            { sourceTag: 'scope:notify', onlyDependOnLibsWithTags: ['scope:contracts'] },
            {
              sourceTag: 'scope:api',
              onlyDependOnLibsWithTags: ['scope:db', 'scope:queue', 'scope:notify', 'scope:domain', 'scope:contracts'],
            },
            {
              sourceTag: 'scope:worker',
              onlyDependOnLibsWithTags: [
                'scope:db',
                'scope:queue',
                'scope:notify',
                'scope:domain',
                'scope:profiler',
                'scope:contracts',
              ],
            },
            { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['scope:contracts'] },
            // The web app reaches the platform only through the HTTP api (its generated client).
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:contracts'] },
          ],
        },
      ],
    },
  },
  {
    // The pure core: no framework, driver, environment or I/O.
    files: ['libs/domain/src/**/*.ts', 'libs/profiler/src/**/*.ts', 'libs/contracts/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@nestjs/*',
            '@prisma/*',
            'bullmq',
            'ioredis',
            'pg',
            'node:fs',
            'node:net',
            'node:http',
            'fs',
            'net',
            'http',
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'Pass configuration in; only app entry points read process.env.' },
      ],
    },
  },
  {
    // Integration tests drive every app in-process; that is what they are for. The CLI's
    // simulator spec checks its patterns against the seeded rules through the domain.
    files: [
      '**/*.int-spec.ts',
      'apps/cli/src/**/*.spec.ts',
      'test/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
      'prisma/**/*.ts',
    ],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
];
