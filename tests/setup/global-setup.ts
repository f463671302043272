/**
 * Starts (or reuses) the real parts once for the whole run: a Temporal dev server of the tests'
 * own (port 17233, in memory, namespace supervision-test), a test database on the Postgres the
 * platform would use, and Redis under a test key prefix. Nothing here touches a developer's data.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { repoRoot } from '../../scripts/dev-settings';
import { resolvePostgres } from '../../scripts/postgres';
import { resolveRedis } from '../../scripts/redis';
import { startTemporalDevServer } from '../../scripts/temporal-server';
import { buildUiIfStale } from '../../scripts/ui-build';
import { recreateDatabase, runMigrations } from '../../db/migrate';
import { workflowsPath } from '../../workflows/path';
import { rm, writeFile } from 'node:fs/promises';

// Overridable so two checkouts on one machine can run their tests at the same time.
export const TEST_TEMPORAL_PORT = Number(process.env.TEST_TEMPORAL_PORT ?? 17233);
export const TEST_NAMESPACE = 'supervision-test';

export default async function setup(project: TestProject) {
  const log = (line: string) => console.log(`[test setup] ${line}`);
  const [temporal, postgres, redis] = await Promise.all([
    startTemporalDevServer({ port: TEST_TEMPORAL_PORT, dbFile: null, namespace: TEST_NAMESPACE, headless: true, log }),
    resolvePostgres({ databaseName: process.env.TEST_DATABASE_NAME ?? 'supervision_test', log }),
    resolveRedis(log),
  ]);
  // A fresh test database every run: what an earlier run (or a branch's migration applied out of
  // order) left behind must not decide this run's outcome.
  // Only the tests' own database, never one that DATABASE_URL names.
  if (postgres.origin !== 'DATABASE_URL') await recreateDatabase(postgres.url);
  await runMigrations(postgres.url);
  // Built once here so the browser tests and `up` never race to write ui/dist.
  await buildUiIfStale();

  // Bundle the workflow code once for every test worker; also proves no Node built-in slipped in.
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never });
  const bundleDir = resolve(repoRoot, '.data', 'test');
  mkdirSync(bundleDir, { recursive: true });
  // One bundle per run: parallel runs (and edits in between) never overwrite each other's.
  const bundlePath = resolve(bundleDir, `workflow-bundle-${process.pid}.js`);
  await writeFile(bundlePath, bundle.code);

  project.provide('testServices', {
    temporalAddress: temporal.address,
    namespace: TEST_NAMESPACE,
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    workflowBundlePath: bundlePath,
  });

  return async () => {
    await temporal.stop();
    await rm(bundlePath, { force: true });
    await Promise.all([postgres.stop(), redis.stop()]);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testServices: {
      temporalAddress: string;
      namespace: string;
      databaseUrl: string;
      redisUrl: string;
      workflowBundlePath: string;
    };
  }
}
