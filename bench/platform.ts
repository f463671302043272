/**
 * What the benchmarks that drive the platform over HTTP share: a keep-alive client over node:http,
 * the API and worker as child processes, waiting for the API, logging in, and percentiles.
 * Not global fetch: undici's fetch spent about as much CPU per request as the API itself on the
 * floor route, and the bench shares the machine's cores with the API and Postgres (bench/api.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startTemporalDevServer } from '../scripts/temporal-server';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const log = (line: string) => console.log(line);

/** The p-th percentile of ascending `sorted` (nearest rank). */
export const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

export interface Answer {
  status: number;
  ok: boolean;
  text: string;
}
export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}
export interface HttpClient {
  call(url: string, options?: CallOptions): Promise<Answer>;
  destroy(): void;
}

/** A keep-alive socket per client (up to `maxSockets`), reused across phases; the body is always read to its end. */
export function keepAliveClient(maxSockets: number): HttpClient {
  const agent = new Agent({ keepAlive: true, maxSockets });
  const call = (url: string, options: CallOptions = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString() });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(options.body);
    });
  return { call, destroy: () => agent.destroy() };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `script` (e.g. `api/main.ts`) as a child process under tsx; its stderr is logged with `label`. */
export function startChild(label: string, script: string, env: Record<string, string>, nodeFlags: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = chunk.toString().trim();
    if (text) log(`  [${label}] ${text.split('\n').slice(0, 6).join('\n  ')}`);
  });
  return child;
}

export async function stopChild(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
}

/** Waits up to 60 s for the API's /api/health. */
export async function waitForApi(client: HttpClient, baseUrl: string, api: ChildProcess) {
  for (let i = 0; ; i++) {
    if (await client.call(`${baseUrl}/api/health`).then((r) => r.ok).catch(() => false)) return;
    if (api.exitCode !== null) throw new Error(`the API process exited with ${api.exitCode} (its error is above)`);
    if (i > 600) throw new Error('the API did not become healthy within 60 s');
    await sleep(100);
  }
}

/** A session token, logging in from X-Forwarded-For 10.99.x.y (the API runs with TRUST_PROXY=1): the per-address login limit is for attackers, not for this setup. */
export async function login(client: HttpClient, baseUrl: string, username: string, password: string, i: number): Promise<string> {
  const response = await client.call(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.99.${Math.floor(i / 250)}.${i % 250}` },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) throw new Error(`login ${username}: ${response.status} ${response.text}`);
  return (JSON.parse(response.text) as { token: string }).token;
}

/** Temporal at TEMPORAL_ADDRESS when set, else a dev server of the bench's own (in memory) on `port`. */
export async function benchTemporal(port: number, namespace: string): Promise<{ address: string; namespace: string; pid: number | null; stop(): Promise<void> }> {
  if (process.env.TEMPORAL_ADDRESS) {
    return { address: process.env.TEMPORAL_ADDRESS, namespace: process.env.TEMPORAL_NAMESPACE ?? 'supervision', pid: null, stop: async () => {} };
  }
  const server = await startTemporalDevServer({ port, dbFile: null, namespace, headless: true, log });
  return { address: server.address, namespace, pid: server.process?.pid ?? null, stop: () => server.stop() };
}

/** The settings a bench's API and worker share: its services, a task queue and queue prefix of its own, quiet logs. */
export function benchEnv(
  services: { databaseUrl: string; redisUrl: string; temporal: { address: string; namespace: string } },
  prefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    TEMPORAL_ADDRESS: services.temporal.address,
    TEMPORAL_NAMESPACE: services.temporal.namespace,
    TEMPORAL_TASK_QUEUE: prefix,
    QUEUE_PREFIX: prefix,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ...extra,
  };
}
