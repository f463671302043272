import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Imports that would make code non-deterministic or unbundleable for Temporal. */
const WORKFLOW_CODE = [
  { group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net'], message: 'Workflow code may not use Node built-ins.' },
  { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', 'drizzle-orm*', 'postgres', 'bullmq', 'ioredis'], message: 'Workflow code talks to the world only through activities.' },
];
const DETERMINISTIC = {
  'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' }],
  'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Workflow code is deterministic.' }],
};

/**
 * A pattern refusing, from a file `depth` folders below the root, relative imports that climb to the
 * root and enter one of the forbidden top-level folders.
 */
function mayNotImport(folder, forbidden, depth) {
  return {
    regex: `^(\\.\\./){${depth}}(${forbidden.join('|')})(/|$)`,
    message: `${folder}/ may not import ${forbidden.join(', ')} (see ${folder}/README.md).`,
  };
}

const DEPTHS = [1, 2, 3, 4];
const filesAt = (folder, depth) => [`${folder}/${'*/'.repeat(depth - 1)}*.ts`];

/** The "may import" rule of one top-level folder, one config per depth of its files, but the ignored. */
function layer(folder, forbidden, ignores = []) {
  return DEPTHS.map((depth) => ({
    files: filesAt(folder, depth),
    ignores,
    rules: { 'no-restricted-imports': ['error', { patterns: [mayNotImport(folder, forbidden, depth)] }] },
  }));
}

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
    files: ['workflows/**/*.ts'],
    // path.ts tells Node where the bundle starts; it is never bundled.
    ignores: ['workflows/path.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...WORKFLOW_CODE, mayNotImport('workflows', ['activities', 'archive', 'audit', 'db', 'jobs', 'api', 'worker', 'config'], 1)] }],
      ...DETERMINISTIC,
    },
  },
  {
    files: ['domain/**/*.ts'],
    // calendar-data loads a package of holiday data (never imported by workflow code).
    ignores: ['domain/calendar-data.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...WORKFLOW_CODE, { regex: '^\\.\\./', message: 'domain/ imports only its own files (domain/README.md).' }] }],
      ...DETERMINISTIC,
    },
  },
  // Each top-level folder's "may import" rule (its README says the same): the write path never
  // imports the read side (audit/), and nothing imports the processes (worker/) or the API.
  ...layer('activities', ['audit', 'api', 'worker']),
  ...layer('worker', ['audit', 'api']),
  ...layer('archive', ['audit', 'activities', 'api', 'worker']),
  ...layer('audit', ['activities', 'api', 'worker']),
  ...layer('db', ['workflows', 'activities', 'archive', 'audit', 'jobs', 'api', 'worker']),
  ...layer('jobs', ['workflows', 'activities', 'archive', 'audit', 'api', 'worker']),
  // AI assist's learning is pure computation over texts: no database, queue or process of its own.
  ...layer('assist', ['workflows', 'activities', 'archive', 'audit', 'db', 'jobs', 'api', 'worker']),
  ...layer('config', ['domain', 'workflows', 'activities', 'archive', 'audit', 'db', 'jobs', 'api', 'worker']),
  // The API's write side never reads history: only its audit routes and services import audit/ and archive/.
  ...layer('api', ['activities', 'worker', 'audit', 'archive'], ['api/routes/audit.ts', 'api/services/audit*.ts', 'api/services/audit/**/*.ts']),
);
