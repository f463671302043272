import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'ui/dist/', '.data/', 'db/migrations/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain Node scripts that run before dependencies exist (scripts/ensure-deps.mjs).
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Workflow code must stay deterministic and bundleable: no Node built-ins, no I/O packages.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    // calendar-data loads a package of holiday data; path.ts tells Node where the bundle starts.
    ignores: ['domain/calendar-data.ts', 'workflows/path.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net'], message: 'Workflow code may not use Node built-ins.' },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'drizzle-orm*', 'postgres', 'bullmq', 'ioredis'], message: 'Workflow code talks to the world only through activities.' },
            { group: ['**/activities', '**/activities/*'], allowTypeImports: true, message: 'Import activities as types only (import type).' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Workflow code is deterministic.' }],
    },
  },
);
