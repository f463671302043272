import { defineConfig } from 'vitest/config';

// Two tiers: pure unit tests need nothing; everything else gets the real services from the global setup.
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], testTimeout: 10_000, sequence: { groupOrder: 0 } },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/{integration,api,replay,e2e}/**/*.test.ts'],
          globalSetup: ['tests/setup/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          // Two cores: more forks only queue up behind Temporal's and Postgres's own threads.
          pool: 'forks',
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
