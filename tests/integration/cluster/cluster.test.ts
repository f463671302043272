/**
 * The platform as it runs past one machine (scripts/cluster.ts): two API processes behind HAProxy,
 * two worker processes. What a user relies on holds across processes: a session, a double submit,
 * rate limits, live events, exports, notifications, and timers when a worker dies.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../api/services/auth/passwords';
import { connectDatabase, type DatabaseHandle } from '../../../db/client';
import { insertWebhook } from '../../../db/queries/notifications';
import { items, tasks } from '../../../db/schema/items';
import { departments, users, type Role } from '../../../db/schema/org';
import { repoRoot } from '../../../scripts/dev-settings';
import { startCluster, type Cluster } from '../../../scripts/cluster';
import { fromNow, launchBody, waitFor } from '../../support/item-fixtures';
import { testServices, uniqueName } from '../../support/services';

// TEST_TEMPORAL_PORT's neighbourhood, so two checkouts running their tests never meet.
const BALANCER_PORT = Number(process.env.TEST_TEMPORAL_PORT ?? 17233) + 20;
const PASSWORD = 'cluster-test-password';

// Answers are read loosely (`body.tasks[0].id`), as tests/support/api-harness.ts does.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Answer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T = Json>(base: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

/** A local webhook receiver that records every delivery. */
async function startReceiver() {
  const received: { path: string; headers: IncomingHttpHeaders; body: Json }[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // keep the text
      }
      received.push({ path: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Reads a server-sent-event stream into a list until stopped. */
async function openStream(base: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/events`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal: controller.signal });
  const events: { event: string; data: Json }[] = [];
  let raw = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        raw += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = raw.indexOf('\n\n')) >= 0) {
          const block = raw.slice(0, end);
          raw = raw.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  await waitFor(async () => events.some((e) => e.event === 'ready'), 'the stream to open', 10_000);
  return {
    events,
    async stop() {
      controller.abort();
      await reading;
    },
  };
}

let cluster: Cluster;
let database: DatabaseHandle;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let stateDir: string;
let passwordHash: string;
const timings: Record<string, number> = {};

async function createDepartment(label: string) {
  const name = uniqueName(label);
  const [row] = await database.db.insert(departments).values({ name, nameEn: name }).returning({ id: departments.id });
  return row!.id;
}

async function createUser(role: Role, departmentId: string | null = null) {
  const username = uniqueName(role);
  const [row] = await database.db.insert(users).values({ username, displayName: username, role, departmentId, passwordHash }).returning({ id: users.id });
  return { id: row!.id, username };
}

/** Logs in through the balancer; the token is a session in Postgres that every API process reads. */
async function login(username: string, base = cluster.url): Promise<string> {
  const answer = await call<{ token: string }>(base, 'POST', '/api/auth/login', { body: { username, password: PASSWORD } });
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.token;
}

beforeAll(async () => {
  const services = testServices();
  const started = Date.now();
  database = connectDatabase(services.databaseUrl, { max: 3 });
  passwordHash = await hashPassword(PASSWORD);
  receiver = await startReceiver();
  stateDir = join(repoRoot, '.data', 'test', uniqueName('cluster'));
  mkdirSync(stateDir, { recursive: true });
  cluster = await startCluster({
    env: {
      ...(process.env as Record<string, string>),
      TEMPORAL_ADDRESS: services.temporalAddress,
      TEMPORAL_NAMESPACE: services.namespace,
      TEMPORAL_TASK_QUEUE: uniqueName('tq-cluster'),
      DATABASE_URL: services.databaseUrl,
      REDIS_URL: services.redisUrl,
      QUEUE_PREFIX: uniqueName('sv-cluster'),
      SESSION_SECRET: 'cluster-test-session-secret-0123456789',
      WORKFLOW_BUNDLE_PATH: services.workflowBundlePath,
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      DATA_DIR: join(stateDir, 'data'),
      LOG_LEVEL: 'warn',
      SEED_DEMO: '0',
    },
    balancerPort: BALANCER_PORT,
    stateDir,
  });
  timings.start = Date.now() - started;
}, 360_000);

afterAll(async () => {
  await cluster?.stop();
  await receiver?.close();
  await database?.close();
  // Each process's log stays under .data/test/cluster-*/logs for a failed run's post-mortem; its data goes.
  if (stateDir) rmSync(join(stateDir, 'data'), { recursive: true, force: true });
  console.log(`cluster timings (ms): ${JSON.stringify(timings)}`);
});

describe('two API processes behind HAProxy, two workers', () => {
  it('a session made on one API process works on the other and through the balancer; a logout on one ends it on both', async () => {
    const supervisor = await createUser('supervisor');
    const [api, other] = cluster.apis;
    const token = await login(supervisor.username, api!.url!);
    const me = await call(other!.url!, 'GET', '/api/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ username: supervisor.username });
    // Through the balancer, round robin: both processes answer, and every answer knows the session.
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(cluster.url, 'GET', '/api/me', { token })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // A logout on one process ends the session on the other.
    expect((await call(other!.url!, 'POST', '/api/auth/logout', { token, body: {} })).status).toBeLessThan(300);
    expect((await call(api!.url!, 'GET', '/api/me', { token })).status).toBe(401);
  });

  it('a double submit (one Idempotency-Key) sent to both API processes at once applies once', async () => {
    const supervisor = await createUser('supervisor');
    const leader = await createUser('leader');
    const department = await createDepartment('双提交');
    const token = await login(supervisor.username);
    const body = launchBody(leader.id, [{ departmentId: department, role: 'lead' }], { title: uniqueName('双提交事项') });
    const key = randomUUID();
    const answers = await Promise.all(
      cluster.apis.map((api) => call(api.url!, 'POST', '/api/items', { token, body, headers: { 'idempotency-key': key } })),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    expect(answers[0]!.body.id).toBe(answers[1]!.body.id);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(1);
    const rows = await database.db.select({ id: items.id }).from(items).where(eq(items.title, body.title));
    expect(rows).toHaveLength(1);
  });

  it('rate limits count across processes: the 31st challenge in a minute is refused whichever API gets it', async () => {
    // The limit is per address; requests straight to the APIs come from 127.0.0.1 (this run's own Redis keys).
    for (let i = 0; i < 30; i++) {
      const answer = await call(cluster.apis[i % 2]!.url!, 'GET', '/public/appeals/challenge');
      expect(answer.status, `request ${i + 1}`).toBe(200);
    }
    // Each process alone has seen 15: only a shared count refuses these.
    for (const api of cluster.apis) expect((await call(api.url!, 'GET', '/public/appeals/challenge')).status).toBe(429);
    expect((await call(cluster.url, 'GET', '/public/appeals/challenge')).status).toBe(429);
  });

  it('a client on API B receives the live event of a write made on API A', async () => {
    const supervisor = await createUser('supervisor');
    const leader = await createUser('leader');
    const department = await createDepartment('实时');
    const staff = await createUser('department', department);
    const [apiA, apiB] = cluster.apis;
    const launched = await call(apiA!.url!, 'POST', '/api/items', {
      token: await login(supervisor.username),
      body: launchBody(leader.id, [{ departmentId: department, role: 'lead' }]),
    });
    expect(launched.status).toBe(201);
    const taskId = launched.body.tasks[0].id as string;
    const staffToken = await login(staff.username);
    const stream = await openStream(apiB!.url!, staffToken);
    try {
      const started = Date.now();
      const signed = await call(apiA!.url!, 'POST', `/api/tasks/${taskId}/sign`, { token: staffToken, body: {} });
      expect(signed.status).toBe(200);
      const event = await waitFor(async () => stream.events.find((e) => e.event === 'task' && e.data.taskId === taskId && e.data.status === 'signed'), 'the sign on B’s stream', 15_000);
      timings.sseAcrossProcesses = Date.now() - started;
      expect(event.data).toMatchObject({ departmentId: department, status: 'signed' });
    } finally {
      await stream.stop();
    }
  });

  it('an export queued through API A is built by a worker and downloads through API B', async () => {
    const supervisor = await createUser('supervisor');
    const leader = await createUser('leader');
    const department = await createDepartment('导出');
    const token = await login(supervisor.username);
    const [apiA, apiB] = cluster.apis;
    expect((await call(apiA!.url!, 'POST', '/api/items', { token, body: launchBody(leader.id, [{ departmentId: department, role: 'lead' }]) })).status).toBe(201);
    const started = Date.now();
    const queued = await call(apiA!.url!, 'POST', '/api/exports', { token, body: { type: 'volume', issuedBy: leader.id } });
    expect(queued.status).toBe(202);
    const done = await waitFor(
      async () => {
        const status = await call(apiB!.url!, 'GET', `/api/exports/${queued.body.id}`, { token });
        expect(status.status).toBe(200);
        expect(status.body.status).not.toBe('failed');
        return status.body.status === 'done' ? status.body : undefined;
      },
      'the export to be built',
      60_000,
    );
    timings.export = Date.now() - started;
    expect(done.itemCount).toBe(1);
    const file = await fetch(`${apiB!.url}${done.file}`, { headers: { authorization: `Bearer ${token}` } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('a notification webhook is delivered exactly once with two workers running', async () => {
    const supervisor = await createUser('supervisor');
    const leader = await createUser('leader');
    const department = await createDepartment('推送');
    await createUser('department', department);
    const path = `/hook-${randomUUID()}`;
    await insertWebhook(database.db, { departmentId: department, kind: 'generic', url: `${receiver.url}${path}`, secret: 'cluster-secret' });
    const token = await login(supervisor.username);
    const titles = Array.from({ length: 6 }, () => uniqueName('推送事项'));
    // Half through each API, so both processes' launches fan out over both workers.
    for (const [i, title] of titles.entries()) {
      const launched = await call(cluster.apis[i % 2]!.url!, 'POST', '/api/items', { token, body: launchBody(leader.id, [{ departmentId: department, role: 'lead' }], { title }) });
      expect(launched.status).toBe(201);
    }
    const hits = () => receiver.received.filter((r) => r.path === path);
    await waitFor(async () => titles.every((title) => hits().some((h) => JSON.stringify(h.body).includes(title))), 'a delivery per item', 30_000);
    // Long enough for a doubled delivery (a second worker's copy, a retry) to arrive too.
    await new Promise((r) => setTimeout(r, 3_000));
    for (const title of titles) expect(hits().filter((h) => JSON.stringify(h.body).includes(title)), title).toHaveLength(1);
    const deliveryIds = hits().map((h) => h.headers['x-supervision-delivery']);
    expect(new Set(deliveryIds).size).toBe(deliveryIds.length);
  });

  it('SIGKILL of one worker while timers fall due loses nothing: the other worker fires them', async () => {
    const supervisor = await createUser('supervisor');
    const leader = await createUser('leader');
    const department = await createDepartment('定时');
    const token = await login(supervisor.username);
    const dueInMs = 8_000;
    const launched = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(cluster.apis[i % 2]!.url!, 'POST', '/api/items', {
          token,
          body: launchBody(leader.id, [{ departmentId: department, role: 'lead' }], { dueAt: fromNow(dueInMs), warnBefore: 'PT4S', signWithin: 'PT2S' }),
        }),
      ),
    );
    expect(launched.map((a) => a.status)).toEqual(Array(10).fill(201));
    const dueAt = Math.max(...launched.map((a) => Date.parse(a.body.dueAt)));
    const itemIds = launched.map((a) => a.body.id as string);
    const worker = cluster.process('worker-a');
    const killedPid = worker.pid!;
    await worker.kill('SIGKILL');
    expect(worker.running).toBe(false);
    expect(() => process.kill(killedPid, 0)).toThrow();
    try {
      const reds = await waitFor(
        async () => {
          const rows = await database.db.select({ light: tasks.light }).from(tasks).where(and(inArray(tasks.itemId, itemIds), eq(tasks.light, 'red')));
          return rows.length === itemIds.length ? rows : undefined;
        },
        'every task to turn red with one worker left',
        60_000,
      );
      timings.lastRedAfterDue = Date.now() - dueAt;
      expect(reds).toHaveLength(10);
    } finally {
      const restarted = Date.now();
      await worker.start();
      timings.workerRestart = Date.now() - restarted;
    }
    expect(worker.running).toBe(true);
  }, 300_000);

  // Last, and with time for a restart on a loaded machine: the tests before it use API A directly.
  it('with API A killed (SIGKILL), the balancer sends every request to API B; A back, both serve again', async () => {
    const supervisor = await createUser('supervisor');
    const token = await login(supervisor.username);
    const apiA = cluster.process('api-a');
    await apiA.kill('SIGKILL');
    try {
      // Not one answer lost, also before the health check has noticed: a refused connection is redispatched.
      const answers = await Promise.all(Array.from({ length: 8 }, () => call(cluster.url, 'GET', '/api/me', { token })));
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    } finally {
      const restarted = Date.now();
      await apiA.start();
      timings.apiRestart = Date.now() - restarted;
    }
    expect((await call(apiA.url!, 'GET', '/api/me', { token })).status).toBe(200);
  }, 300_000);
});
