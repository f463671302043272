/**
 * Hostile input driven by the contract, the full run (issue 20): cases drawn from the OpenAPI
 * document the API serves (/docs/json) for every route, sent as every role, and a table per route of
 * cases, 2xx, 4xx, 5xx and refused writes that left a trace (a row, a Temporal workflow or history
 * event, an audit row other than the refusal's own). The walk itself is tests/api/support/contract-fuzz/;
 * tests/api/contract-fuzz.test.ts runs a CI-sized share of it.
 *
 *   npm run bench:fuzz -- [cases=10000] [seed]
 *
 * `BENCH_DATABASE_NAME` (default sv_fuzz_bench, emptied at each run), `BENCH_TEMPORAL_PORT` (a dev
 * server of its own unless TEMPORAL_ADDRESS names one), `FUZZ_STOP_AT` (an ISO time to stop at and
 * report what was sent). Several runs with different databases and seeds may go side by side: each
 * walks a world of its own (database, task queue), so traces stay attributable. Exits 1 when there
 * is any finding.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { buildApp } from '../api/app';
import { createApiDeps } from '../api/deps';
import { loadConfig } from '../config/env';
import { runMigrations } from '../db/migrate';
import { resolvePostgres } from '../scripts/postgres';
import { resolveRedis } from '../scripts/redis';
import { figuresTable, runContractFuzz } from '../tests/api/support/contract-fuzz/run';
import { createSupervisionWorker } from '../worker/create-worker';
import { benchEnv, benchTemporal, log } from './platform';

const cases = Number(process.argv[2] ?? 10_000);
const seed = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const databaseName = process.env.BENCH_DATABASE_NAME ?? 'sv_fuzz_bench';
/** FUZZ_STOP_AT (an ISO time): stop there and report the cases sent so far. */
const stopAt = process.env.FUZZ_STOP_AT ? Date.parse(process.env.FUZZ_STOP_AT) : undefined;
const TEMPORAL_PORT = Number(process.env.BENCH_TEMPORAL_PORT ?? 17534);

async function main() {
  const started = Date.now();
  const [pg, redis] = await Promise.all([resolvePostgres({ databaseName, log }), resolveRedis(log)]);
  // A fresh database each run, so that whole-table fingerprints mean something.
  const adminUrl = new URL(pg.url);
  adminUrl.pathname = '/postgres';
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${databaseName}" with (force)`);
  await admin.end();
  await runMigrations(pg.url);
  const temporal = await benchTemporal(TEMPORAL_PORT, 'supervision-fuzz');

  const prefix = `fuzz-${randomUUID().slice(0, 8)}`;
  const config = loadConfig(
    benchEnv({ databaseUrl: pg.url, redisUrl: redis.url, temporal }, prefix, {
      LOG_LEVEL: 'silent',
      // Each case comes from an address of its own (X-Forwarded-For), under the per-address limits.
      TRUST_PROXY: '1',
      PORT: '0',
    }),
  );
  const deps = await createApiDeps(config);
  const { worker, close: closeWorker } = await createSupervisionWorker({ config, deps: { config, db: deps.database.db, queues: deps.queues } });
  const running = worker.run();
  const app = await buildApp(deps, { logger: false });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });

  log(`bench/fuzz: ${cases} cases against ${baseUrl}`);
  const run = await runContractFuzz({ baseUrl, db: deps.database.db, sql: deps.database.sql, temporal: client, taskQueue: prefix }, { cases, seed, log, stopAt });
  log('');
  log(figuresTable(run));
  log('');
  const byKind = new Map<string, number>();
  for (const f of run.findings) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1);
  log(`cases ${run.cases}, seed ${run.seed}, ${((Date.now() - started) / 1000).toFixed(0)} s; findings: ${run.findings.length} ${JSON.stringify(Object.fromEntries(byKind))}`);
  log(`differences seen once but not on a replay (background work, not counted): ${run.unconfirmed.length}`);
  for (const line of run.unconfirmed.slice(0, 5)) log(`  ${line.slice(0, 400)}`);
  const shown = new Set<string>();
  for (const f of run.findings) {
    // One example per route and kind is enough to act on.
    const key = `${f.kind} ${f.route} ${f.status}`;
    if (shown.has(key)) continue;
    shown.add(key);
    log(`  ${key}: ${f.detail.slice(0, 300)}\n      ${f.request.slice(0, 400)}`);
  }

  await app.close();
  worker.shutdown();
  await running;
  await Promise.all([closeWorker(), connection.close()]);
  await deps.close();
  await temporal.stop();
  await Promise.all([pg.stop(), redis.stop?.()]);
  process.exit(run.findings.length === 0 ? 0 : 1);
}

await main();
