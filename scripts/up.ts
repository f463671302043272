/**
 * `npm run up`: brings the whole platform up on this machine and keeps it running until Ctrl-C,
 * which stops what it started. A second run reuses what is already there and loses nothing.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { loadConfigOrExit } from '../config/env';
import { connectDatabase } from '../db/client';
import { seedDemoItems } from './demo-items';
import { dataDir, readDevSettings } from './dev-settings';
import { persistentSecret, prepareDatabase, spawnEntry, stopChild, waitForHealth } from './platform-processes';
import { resolvePostgres } from './postgres';
import { resolveRedis } from './redis';
import { buildUiIfStale } from './ui-build';
import { startTemporalDevServer, type DevServer } from './temporal-server';

const startedAt = Date.now();
const step = (text: string) => console.log(`\x1b[1m▸ ${text}\x1b[0m  (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
const stops: (() => Promise<void>)[] = [];
const children: ChildProcess[] = [];

async function main() {
  mkdirSync(dataDir(), { recursive: true });
  const settings = readDevSettings();

  step('Temporal');
  const temporalAddress = process.env.TEMPORAL_ADDRESS;
  const local = !temporalAddress || /^(127\.0\.0\.1|localhost):\d+$/.test(temporalAddress);
  let devServer: DevServer | null = null;
  if (local) {
    const port = temporalAddress ? Number(temporalAddress.split(':')[1]) : settings.server.port;
    devServer = await startTemporalDevServer({ port, uiPort: port + 1000, namespace: process.env.TEMPORAL_NAMESPACE || undefined });
    stops.push(() => devServer!.stop());
    console.log(`  ${devServer.started ? 'started' : 'reusing'} Temporal dev server at ${devServer.address}`);
  } else {
    console.log(`  using the Temporal cluster at ${temporalAddress}`);
  }

  step('Postgres and Redis');
  const [postgres, redis] = await Promise.all([
    resolvePostgres({ databaseName: 'supervision' }),
    resolveRedis(),
  ]);
  stops.push(postgres.stop, redis.stop);
  console.log(`  Postgres: ${postgres.origin} · Redis: ${redis.origin}`);

  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    TEMPORAL_ADDRESS: devServer?.address ?? temporalAddress!,
    SESSION_SECRET: process.env.SESSION_SECRET || persistentSecret(),
  };
  if (devServer) env.TEMPORAL_NAMESPACE = devServer.namespace;
  const config = loadConfigOrExit(env);

  step('Database migrations and first-start data');
  const created = await prepareDatabase(config);

  step('User interface');
  console.log((await buildUiIfStale()) ? '  UI built into ui/dist' : '  UI is up to date');

  step('Worker and API');
  for (const [name, entry] of [
    ['worker', 'worker/main.ts'],
    ['api', 'api/main.ts'],
  ] as const) {
    const child = spawnEntry(entry, env);
    child.on('exit', (code, signal) => {
      if (!shuttingDown) {
        console.error(`${name} exited (${signal ?? code}); stopping the platform.`);
        void shutdown(1);
      }
    });
    children.push(child);
  }
  const appUrl = `http://127.0.0.1:${config.PORT}`;
  await waitForHealth(`${appUrl}/api/health`);

  // One write, so whoever watches the output (a person, a script, the up test) sees the whole block at once.
  const lines = [
    '\n\x1b[1m督查督办 supervision platform is up\x1b[0m' + `  (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
    `  App:              ${appUrl}`,
    `  API docs:         ${appUrl}/docs`,
  ];
  if (devServer?.uiUrl) lines.push(`  Temporal Web UI:  ${devServer.uiUrl}/namespaces/${devServer.namespace}/workflows`);
  if (created.length > 0) {
    lines.push('\n  Accounts created now (passwords are shown only this once):');
    for (const account of created) lines.push(`    ${account.role.padEnd(10)} ${account.username.padEnd(12)} ${account.password}`);
  }
  lines.push('\n  Ctrl-C stops everything this command started.');
  console.log(lines.join('\n'));

  if (config.SEED_DEMO) await playDemoItems(config.DATABASE_URL, appUrl);
}

/** The demo items go through the running API and worker, after the platform is up (scripts/demo-items.ts). */
async function playDemoItems(databaseUrl: string, appUrl: string) {
  const database = connectDatabase(databaseUrl, { max: 2 });
  stops.push(() => database.close());
  try {
    const { launched, existing, problems } = await seedDemoItems(database.db, appUrl);
    if (shuttingDown) return;
    if (launched > 0 || problems.length > 0) console.log(`  demo items: ${launched} launched now, ${existing} there already`);
    for (const problem of problems) console.error(`  demo item not played: ${problem}`);
  } catch (error) {
    if (!shuttingDown) console.error(`  demo items could not be played: ${(error as Error).message}`);
  }
}

let shuttingDown = false;
async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log('\nStopping…');
  await Promise.all(children.map((child) => stopChild(child)));
  for (const stop of stops.reverse()) await stop().catch((error: Error) => console.error(error.message));
  console.log('Stopped.');
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

main().catch(async (error: Error) => {
  console.error(`\n✗ ${error.message}`);
  await shutdown(1);
});
