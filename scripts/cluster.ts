/**
 * `npm run cluster`: the platform as it runs past one machine, on this one: the Temporal dev server
 * with its SQLite file, Postgres and Redis, two worker processes, two API processes and HAProxy in
 * front of the APIs (round robin, health-checked on /api/health). Ctrl-C stops what it started.
 *
 * Importable: `startCluster` starts the processes of the shape on services a caller already has (the
 * tests' and benchmarks' own), and hands back each process to kill (SIGKILL) and start again.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadConfigOrExit } from '../config/env';
import { workflowsPath } from '../workflows/path';
import { dataDir, readDevSettings } from './dev-settings';
import { persistentSecret, prepareDatabase, spawnEntry, stopChild, waitForHealth } from './platform-processes';
import { resolvePostgres } from './postgres';
import { resolveRedis } from './redis';
import { startTemporalDevServer, portAnswers, type DevServer } from './temporal-server';
import { buildUiIfStale } from './ui-build';

export const HAPROXY_BIN = process.env.HAPROXY_BIN || '/usr/sbin/haproxy';

export interface ClusterOptions {
  /**
   * The environment of every platform process: at least DATABASE_URL, REDIS_URL, TEMPORAL_ADDRESS,
   * TEMPORAL_NAMESPACE and SESSION_SECRET (the services must already run and be migrated).
   */
  env: Record<string, string>;
  /** Where the balancer listens; the APIs take the next ports unless `apiPorts` says otherwise. */
  balancerPort: number;
  apiPorts?: number[];
  /** How many workers (default 2). */
  workers?: number;
  /** Where the generated HAProxy configuration, the workflow bundle and each process's log go. */
  stateDir: string;
  /** Echo every process's output to this process's console, each line prefixed with its name. */
  echo?: boolean;
  /** How long one process may take to start (default 5 minutes: a loaded machine is slow to load the code). */
  startTimeoutMs?: number;
  /** Told when a process ends without having been asked to (a crash, or a kill from outside). */
  onUnexpectedExit?: (name: string, how: string) => void;
}

/** One process of the shape, to kill and start again. */
export interface ClusterProcess {
  readonly name: string;
  readonly kind: 'api' | 'worker' | 'balancer';
  /** The API's own address (APIs only). */
  readonly url: string | null;
  readonly pid: number | null;
  readonly running: boolean;
  /** Starts it (again) and resolves once it serves: an API healthy, a worker polling, the balancer healthy. */
  start(): Promise<void>;
  /** Sends the signal (default SIGKILL) and resolves once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** A graceful stop: SIGTERM, SIGKILL after 15 s. */
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export interface Cluster {
  /** The balancer's address: what clients use. */
  url: string;
  apis: ClusterProcess[];
  workers: ClusterProcess[];
  balancer: ClusterProcess;
  /** By name: api-a, api-b, worker-a, worker-b, balancer. */
  process(name: string): ClusterProcess;
  /** Stops every process it started (the services stay). */
  stop(): Promise<void>;
}

const letters = 'abcdefghijklmnopqrstuvwxyz';

/**
 * HAProxy in front of the APIs: round robin, each API checked on /api/health every second (an API
 * that answers 503 because Postgres or Redis is down still serves the parts that work, so only a
 * silent one leaves the rotation; a check may take 10 s, so a busy one stays), idle server-sent-event streams kept for an hour (the API sends a
 * heartbeat every 15 s), and X-Forwarded-For set by the balancer alone (what a client sends is dropped).
 */
export function haproxyConfig(options: { port: number; apis: { name: string; port: number }[]; host?: string }): string {
  const host = options.host ?? '127.0.0.1';
  return [
    'global',
    '  maxconn 4096',
    '',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 1h',
    '  timeout server 1h',
    '  timeout http-request 30s',
    // Longer than a person's pause between two clicks (nginx keeps 75 s too): a connection closed while
    // its user thinks races the user's next request, which then meets a reset (bench/load.ts saw it).
    '  timeout http-keep-alive 75s',
    '  timeout tunnel 1h',
    // A health check's answer may take a loaded API a few seconds: slow is not down (without this, the
    // check timed out after `inter`, 1 s, and bench/load.ts saw both APIs leave the rotation at once).
    // A dead API still leaves within 2 s: its refused connection fails the check at once.
    '  timeout check 10s',
    '  retries 2',
    '  option redispatch',
    '',
    'frontend web',
    `  bind ${host}:${options.port}`,
    '  http-request del-header X-Forwarded-For',
    '  option forwardfor',
    '  default_backend apis',
    '',
    'backend apis',
    '  balance roundrobin',
    '  option httpchk GET /api/health',
    '  http-check expect rstatus ^(200|503)$',
    '  default-server inter 1s fastinter 500ms fall 2 rise 1',
    ...options.apis.map((api) => `  server ${api.name} 127.0.0.1:${api.port} check`),
    '',
  ].join('\n');
}

class ManagedProcess implements ClusterProcess {
  private child: ChildProcess | null = null;
  private expectedExit = false;
  private readonly log: WriteStream;

  constructor(
    readonly name: string,
    readonly kind: 'api' | 'worker' | 'balancer',
    readonly url: string | null,
    private readonly launch: () => ChildProcess,
    private readonly ready: (child: ChildProcess, output: () => string) => Promise<void>,
    private readonly options: Pick<ClusterOptions, 'echo' | 'onUnexpectedExit' | 'stateDir'>,
  ) {
    mkdirSync(join(options.stateDir, 'logs'), { recursive: true });
    this.log = createWriteStream(join(options.stateDir, 'logs', `${name}.log`), { flags: 'a' });
  }

  get pid() {
    return this.running ? (this.child!.pid ?? null) : null;
  }

  get running() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start() {
    if (this.running) return;
    this.expectedExit = false;
    const child = this.launch();
    this.child = child;
    let recent = '';
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        recent = (recent + line + '\n').slice(-20_000);
        this.log.write(line + '\n');
        if (this.options.echo) console.log(`[${this.name}] ${line}`);
      });
    }
    child.once('exit', (code, signal) => {
      const how = signal ?? `code ${code}`;
      this.log.write(`--- exited (${how})\n`);
      if (!this.expectedExit && this.child === child) this.options.onUnexpectedExit?.(this.name, how);
    });
    try {
      await this.ready(child, () => recent);
    } catch (error) {
      await this.kill();
      throw new Error(`${this.name} did not start: ${(error as Error).message}\n${recent.slice(-4000)}`);
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL') {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectedExit = true;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    await gone;
  }

  async stop() {
    if (!this.child || !this.running) return;
    this.expectedExit = true;
    await stopChild(this.child);
  }

  async restart() {
    await this.stop();
    await this.start();
  }

  close() {
    this.log.end();
  }
}

function exited(child: ChildProcess): Promise<never> {
  return new Promise((_, reject) => child.once('exit', (code, signal) => reject(new Error(`exited (${signal ?? code})`))));
}

/** Resolves once a line of the child's output matches. */
function outputMatches(child: ChildProcess, output: () => string, pattern: RegExp, timeoutMs: number): Promise<void> {
  return Promise.race([
    exited(child),
    new Promise<void>((resolvePromise, reject) => {
      const deadline = Date.now() + timeoutMs;
      const poll = setInterval(() => {
        if (pattern.test(output())) {
          clearInterval(poll);
          resolvePromise();
        } else if (Date.now() > deadline) {
          clearInterval(poll);
          reject(new Error(`no "${pattern.source}" within ${timeoutMs / 1000} s`));
        }
      }, 100);
    }),
  ]);
}

/** Builds the workflow bundle once, so each worker loads it instead of bundling on its own. */
export async function buildWorkflowBundle(file: string): Promise<string> {
  const silent = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };
  const bundle = await bundleWorkflowCode({ workflowsPath, logger: silent as never });
  await writeFile(file, bundle.code);
  return file;
}

/** Starts two workers, two APIs and HAProxy on running services (see ClusterOptions). */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const stateDir = resolve(options.stateDir);
  mkdirSync(stateDir, { recursive: true });
  const apiPorts = options.apiPorts ?? [options.balancerPort + 1, options.balancerPort + 2];
  const workerCount = options.workers ?? 2;
  const env = { ...options.env };
  if (!env.WORKFLOW_BUNDLE_PATH) env.WORKFLOW_BUNDLE_PATH = await buildWorkflowBundle(join(stateDir, 'workflow-bundle.js'));
  const pipe = ['ignore', 'pipe', 'pipe'] as const;
  const startTimeoutMs = options.startTimeoutMs ?? 300_000;

  const workers = Array.from({ length: workerCount }, (_, i) => {
    return new ManagedProcess(
      `worker-${letters[i]}`,
      'worker',
      null,
      () => spawnEntry('worker/main.ts', env, [...pipe]),
      (child, output) => outputMatches(child, output, /worker: polling task queue/, startTimeoutMs),
      { ...options, stateDir },
    );
  });
  const apis = apiPorts.map((port, i) => {
    const url = `http://127.0.0.1:${port}`;
    return new ManagedProcess(
      `api-${letters[i]}`,
      'api',
      url,
      () => spawnEntry('api/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1', TRUST_PROXY: '1' }, [...pipe]),
      (child) => Promise.race([exited(child), waitForHealth(`${url}/api/health`, { timeoutMs: startTimeoutMs })]),
      { ...options, stateDir },
    );
  });
  const configFile = join(stateDir, 'haproxy.cfg');
  writeFileSync(configFile, haproxyConfig({ port: options.balancerPort, apis: apis.map((api, i) => ({ name: api.name, port: apiPorts[i]! })) }));
  const url = `http://127.0.0.1:${options.balancerPort}`;
  const balancer = new ManagedProcess(
    'balancer',
    'balancer',
    url,
    () => spawn(HAPROXY_BIN, ['-db', '-f', configFile], { stdio: [...pipe] }),
    (child) => Promise.race([exited(child), waitForHealth(`${url}/api/health`, { timeoutMs: 30_000 })]),
    { ...options, stateDir },
  );
  const all = [...workers, ...apis, balancer];
  const cluster: Cluster = {
    url,
    apis,
    workers,
    balancer,
    process(name) {
      const found = all.find((p) => p.name === name);
      if (!found) throw new Error(`no process ${name} in the cluster (${all.map((p) => p.name).join(', ')})`);
      return found;
    },
    async stop() {
      await balancer.stop();
      await Promise.all([...apis, ...workers].map((p) => p.stop()));
      for (const p of all) p.close();
    },
  };
  try {
    if (await portAnswers('127.0.0.1', options.balancerPort)) throw new Error(`port ${options.balancerPort} is taken: is another cluster running?`);
    await Promise.all([...workers, ...apis].map((p) => p.start()));
    await balancer.start();
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

// ——— npm run cluster ———

async function main() {
  const startedAt = Date.now();
  const step = (text: string) => console.log(`\x1b[1m▸ ${text}\x1b[0m  (${((Date.now() - startedAt) / 1000).toFixed(1)} s)`);
  const stops: (() => Promise<void>)[] = [];
  let cluster: Cluster | null = null;
  let shuttingDown = false;
  async function shutdown(code: number) {
    if (shuttingDown) return;
    shuttingDown = true;
    console.log('\nStopping…');
    await cluster?.stop();
    for (const stop of stops.reverse()) await stop().catch((error: Error) => console.error(error.message));
    console.log('Stopped.');
    process.exit(code);
  }
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    mkdirSync(dataDir(), { recursive: true });
    const settings = readDevSettings();
    step('Temporal (dev server with its SQLite file)');
    const temporalAddress = process.env.TEMPORAL_ADDRESS;
    const port = temporalAddress ? Number(temporalAddress.split(':')[1]) : settings.server.port;
    const devServer: DevServer = await startTemporalDevServer({ port, uiPort: port + 1000, namespace: process.env.TEMPORAL_NAMESPACE || undefined });
    stops.push(() => devServer.stop());
    console.log(`  ${devServer.started ? 'started' : 'reusing'} Temporal dev server at ${devServer.address}`);

    step('Postgres and Redis');
    const [postgres, redis] = await Promise.all([resolvePostgres({ databaseName: 'supervision' }), resolveRedis()]);
    stops.push(postgres.stop, redis.stop);
    console.log(`  Postgres: ${postgres.origin} · Redis: ${redis.origin}`);

    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: postgres.url,
      REDIS_URL: redis.url,
      TEMPORAL_ADDRESS: devServer.address,
      TEMPORAL_NAMESPACE: devServer.namespace,
      SESSION_SECRET: process.env.SESSION_SECRET || persistentSecret(),
    };
    const config = loadConfigOrExit(env);

    step('Database migrations and first-start data (once, before any process starts)');
    const created = await prepareDatabase(config);

    step('User interface');
    console.log((await buildUiIfStale()) ? '  UI built into ui/dist' : '  UI is up to date');

    step('Two workers, two APIs and HAProxy');
    cluster = await startCluster({
      env,
      balancerPort: config.PORT,
      stateDir: join(dataDir(), 'cluster'),
      onUnexpectedExit: (name, how) => console.error(`\x1b[31m${name} exited (${how}); the others carry on.\x1b[0m`),
    });
    const lines = [
      '\n\x1b[1m督查督办 supervision platform is up as a cluster\x1b[0m' + `  (ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
      `  App (HAProxy):    ${cluster.url}`,
      ...cluster.apis.map((api) => `  ${api.name}:            ${api.url}  (pid ${api.pid})`),
      ...cluster.workers.map((worker) => `  ${worker.name}:         pid ${worker.pid}`),
      `  Logs, HAProxy configuration: ${join(dataDir(), 'cluster')}`,
    ];
    if (devServer.uiUrl) lines.push(`  Temporal Web UI:  ${devServer.uiUrl}/namespaces/${devServer.namespace}/workflows`);
    if (created.length > 0) {
      lines.push('\n  Accounts created now (passwords are shown only this once):');
      for (const account of created) lines.push(`    ${account.role.padEnd(10)} ${account.username.padEnd(12)} ${account.password}`);
    }
    lines.push('\n  Ctrl-C stops everything this command started.');
    console.log(lines.join('\n'));
  } catch (error) {
    console.error(`\n✗ ${(error as Error).message}`);
    await shutdown(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) void main();
