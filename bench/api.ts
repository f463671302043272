/**
 * The API under 50 concurrent clients, each figure next to the floor measured in the same run:
 *
 *   npx tsx bench/api.ts [seconds-per-phase=15] [clients=50]      (npm run bench:api)
 *
 * - floor:     GET /api/ping-db — authenticated, one `SELECT 1`, through the same API process
 * - list:      GET /api/items with filters, 100,000 items in the read model (goal: p95 < 100 ms)
 * - progress:  POST /api/tasks/:id/progress — API + Temporal Update on the task workflow + projection
 * - update:    the same progress Update sent straight to Temporal (the engine's own latency)
 * Goal for progress: p95 ≤ 3 × floor p95 + update p95. The floor, progress and update take turns
 * (3 rounds, each load seconds/3 a round, pooled), so a drift in the machine's speed hits them alike.
 * Each figure also shows the CPU milliseconds each process (API, worker, Temporal, Postgres, Redis,
 * this bench) spent per answered request (bench/process-cpu.ts).
 *
 * The API and the worker run as child processes (`api/main.ts`, `worker/main.ts`), as in
 * production; this process only generates load, over node:http with one keep-alive Agent (a socket
 * per client). Not global fetch: undici's fetch spent about as much CPU per request as the API
 * itself on the floor route, and this process shares the machine's cores with the API and Postgres,
 * so it slowed every figure it measured (floor, list, progress alike; all phases use the same client). It uses a database of its own
 * (`supervision_bench_api`, the 100,000 items are kept between runs), Redis under a bench prefix,
 * and Temporal at TEMPORAL_ADDRESS if set, else a dev server of its own (in memory, port 17433).
 * With BENCH_API_CPU_PROF_DIR set, the API and the worker write V8 CPU profiles of the whole run there.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { hash } from 'argon2';
import { loadConfig } from '../config/env';
import { connectDatabase } from '../db/client';
import { runMigrations } from '../db/migrate';
import { upkeepRollups } from '../db/rollup-upkeep';
import { departments, users } from '../db/schema/org';
import { progressUpdate } from '../workflows/task-definitions';
import { freePort, keepAliveClient, log, login as loginAs, percentile, startChild, stopChild, waitForApi } from './platform';
import { usageByGroup, usageSpent, type ProcessGroups, type Usage } from './process-cpu';
import { resolvePostgres } from '../scripts/postgres';
import { resolveRedis } from '../scripts/redis';
import { startTemporalDevServer } from '../scripts/temporal-server';

const seconds = Number(process.argv[2] ?? 15);
const clients = Number(process.argv[3] ?? 50);
const ITEMS_IN_READ_MODEL = 100_000;
/** Rounds in which the floor, progress and the direct Update take turns. */
const ROUNDS = 3;
/** A keep-alive socket per client, reused across phases (bench/platform.ts). */
const http = keepAliveClient(clients + 10);
const call = http.call;

interface Figures {
  name: string;
  count: number;
  errors: number;
  p50: number;
  p95: number;
  perSecond: number;
  /** CPU milliseconds per answered request, by process group. */
  cpuPerRequest: Record<string, number>;
  /** Write system calls per answered request, by process group. */
  writesPerRequest: Record<string, number>;
}

/** The processes whose CPU time each phase reports (set once the API and worker are started). */
let processGroups: ProcessGroups = {};

type Once = (client: number, i: number) => Promise<boolean>;

/** What one stretch of load left: answered requests' latencies, failures, time and CPU. */
interface Stretch {
  latencies: number[];
  errors: number;
  elapsedMs: number;
  used: Record<string, Usage>;
}

/** `clients` loops, each calling `once(client, i)` back to back for `forSeconds`. */
async function runStretch(once: Once, forSeconds: number): Promise<Stretch> {
  const latencies: number[] = [];
  let errors = 0;
  const started = Date.now();
  const endAt = started + forSeconds * 1000;
  const usedBefore = usageByGroup(processGroups);
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; Date.now() < endAt; i++) {
        const t0 = performance.now();
        const ok = await once(client, i).catch(() => false);
        if (ok) latencies.push(performance.now() - t0);
        else errors += 1;
      }
    }),
  );
  return { latencies, errors, elapsedMs: Date.now() - started, used: usageSpent(usedBefore, usageByGroup(processGroups)) };
}

/** One figure from one or more stretches of the same load, pooled. */
function figuresOf(name: string, stretches: Stretch[]): Figures {
  const latencies = stretches.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const errors = stretches.reduce((n, s) => n + s.errors, 0);
  const elapsedMs = stretches.reduce((n, s) => n + s.elapsedMs, 0);
  const spent: Record<string, Usage> = {};
  for (const stretch of stretches) {
    for (const [group, used] of Object.entries(stretch.used)) {
      const sum = (spent[group] ??= { cpuMillis: 0, writeCalls: 0 });
      sum.cpuMillis += used.cpuMillis;
      sum.writeCalls += used.writeCalls;
    }
  }
  const perRequest = (of: (used: Usage) => number) =>
    Object.fromEntries(Object.entries(spent).map(([group, used]) => [group, of(used) / Math.max(1, latencies.length)]));
  const cpuPerRequest = perRequest((used) => used.cpuMillis);
  const writesPerRequest = perRequest((used) => used.writeCalls);
  const perSecond = latencies.length / (elapsedMs / 1000);
  const figures = { name, count: latencies.length, errors, p50: percentile(latencies, 50), p95: percentile(latencies, 95), perSecond, cpuPerRequest, writesPerRequest };
  log(`  ${name}: ${figures.count} ok, ${errors} errors, p50 ${figures.p50.toFixed(1)} ms, p95 ${figures.p95.toFixed(1)} ms, ${figures.perSecond.toFixed(0)}/s`);
  const busy = Object.values(spent).reduce((sum, used) => sum + used.cpuMillis, 0) / elapsedMs;
  const byGroup = (values: Record<string, number>) => Object.entries(values).map(([group, value]) => `${group} ${value.toFixed(2)}`).join(', ');
  log(`      CPU ms per request: ${byGroup(cpuPerRequest)} (all of them: ${busy.toFixed(2)} cores busy)`);
  log(`      write calls per request: ${byGroup(writesPerRequest)}`);
  return figures;
}

/** `clients` loops, each calling `once(client)` back to back for `seconds`. */
async function measure(name: string, once: Once): Promise<Figures> {
  return figuresOf(name, [await runStretch(once, seconds)]);
}

/**
 * Loads measured against each other, taken in turns: `rounds` rounds, each giving every load
 * `seconds / rounds`, their stretches pooled per load. A machine whose speed drifts during the run
 * (a virtual machine's neighbours) then slows each load alike instead of whichever ran last.
 */
async function measureInTurns(loads: Array<{ name: string; once: Once }>, rounds: number): Promise<Figures[]> {
  const stretches = loads.map(() => [] as Stretch[]);
  for (let round = 0; round < rounds; round++) {
    for (const [k, load] of loads.entries()) stretches[k]!.push(await runStretch(load.once, seconds / rounds));
  }
  return loads.map((load, k) => figuresOf(load.name, stretches[k]!));
}

async function main() {
  log(`bench/api: ${clients} concurrent clients, ${seconds} s per phase`);
  const [postgres, redis] = await Promise.all([resolvePostgres({ databaseName: 'supervision_bench_api', log }), resolveRedis(log)]);
  await runMigrations(postgres.url);
  const temporal = process.env.TEMPORAL_ADDRESS
    ? { address: process.env.TEMPORAL_ADDRESS, namespace: process.env.TEMPORAL_NAMESPACE ?? 'supervision', stop: async () => {} }
    : { ...(await startTemporalDevServer({ port: 17433, dbFile: null, namespace: 'supervision-bench', headless: true, log })), namespace: 'supervision-bench' };

  const port = await freePort();
  const env = {
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    TEMPORAL_TASK_QUEUE: `bench-${randomUUID().slice(0, 8)}`,
    QUEUE_PREFIX: `bench-${randomUUID().slice(0, 8)}`,
    SESSION_SECRET: 'bench-session-secret-0123456789abcdef',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
  };
  const config = loadConfig(env);
  const database = connectDatabase(config.DATABASE_URL, { max: 5 });
  const db = database.db;
  const baseUrl = `http://127.0.0.1:${port}`;

  // --- accounts: a supervisor, a leader, one department (and one staff member) per client
  const label = randomUUID().slice(0, 6);
  const password = 'bench-password-123';
  const passwordHash = await hash(password);
  const depts = await db
    .insert(departments)
    .values(Array.from({ length: clients }, (_, i) => ({ name: `压测局-${label}-${i}` })))
    .returning({ id: departments.id });
  const people = await db
    .insert(users)
    .values([
      { username: `bench-${label}-sup`, displayName: '压测督查', role: 'supervisor' as const, passwordHash },
      { username: `bench-${label}-lead`, displayName: '压测领导', role: 'leader' as const, passwordHash },
      ...depts.map((d, i) => ({ username: `bench-${label}-d${i}`, displayName: `压测承办${i}`, role: 'department' as const, departmentId: d.id, passwordHash })),
    ])
    .returning({ id: users.id, username: users.username });
  const leaderId = people[1]!.id;

  // --- 100,000 items in the read model (kept between runs: generated once)
  const [{ n }] = (await database.sql`select count(*)::int as n from items where code like 'BENCH-%'`) as unknown as [{ n: number }];
  if (n < ITEMS_IN_READ_MODEL) {
    log(`  generating ${ITEMS_IN_READ_MODEL - n} read-model items…`);
    const deptIds = depts.map((d) => d.id);
    await database.sql`
      insert into items (id, code, kind, title, description, source, status, light, issued_by, due_at, public, created_at, launched_at, department_ids, workflow_id, version)
      select gen_random_uuid(), 'BENCH-' || g,
        (array['meeting_resolution','leadership_instruction','approval_document','routine'])[1 + g % 4],
        '压测事项 ' || g || ' 关于推进重点工作的落实', '', '',
        (array['launched','in_progress','in_progress','completed','archived','cancelled'])[1 + (g / 4) % 6],
        (array['green','green','yellow','red'])[1 + (g / 7) % 4],
        ${leaderId}::uuid, now() + ((g % 400) - 100) * interval '1 day', g % 10 = 0,
        now() - (g % 2000) * interval '1 hour', now() - (g % 2000) * interval '1 hour',
        array[(${deptIds}::uuid[])[1 + g % ${deptIds.length}::int], (${deptIds}::uuid[])[1 + (g / 3) % ${deptIds.length}::int]],
        'bench-item-' || g, 1
      from generate_series(${n + 1}::int, ${ITEMS_IN_READ_MODEL}::int) g`;
  }
  // What autovacuum keeps up in production (a server may run with it off): fresh statistics and a
  // visibility map for the items, without which no count can be answered from an index alone; and the
  // tables every report rewrites (a stored answer and a task row each leave a dead row behind), which
  // earlier runs of this bench left full of them.
  await database.sql`vacuum (analyze) items`;
  await database.sql`vacuum (analyze) idempotency_keys, tasks, item_events`;
  // What the worker's roll-up upkeep keeps up (db/rollup-upkeep.ts, every minute): generating
  // 100,000 items in one statement leaves the count roll-up's small tables thousands of pages long
  // (every compaction during the insert rewrote the counts and deleted the deltas), and the list's
  // total then scanned the delta table's whole file: list p95 117 ms against 79 ms in one run here.
  const upkeep = await upkeepRollups(database, { lockTimeoutMs: 1000 });
  log(`  roll-up upkeep: ${upkeep.tables.map((t) => `${t.table} ${t.pagesBefore} → ${t.pagesAfter} pages`).join(', ')}`);
  // The items were generated in an earlier run, for that run's departments and leader: filter by
  // theirs, so the department and issuer filters match items (this run's own match almost none).
  const [generated] = (await database.sql`select issued_by, department_ids[1] as department_id from items where code = 'BENCH-1'`) as unknown as [
    { issued_by: string; department_id: string },
  ];

  log(`  starting the API (port ${port}) and a worker as child processes…`);
  // As behind a load balancer: the 50 clients' logins come from distinct X-Forwarded-For addresses.
  // BENCH_API_CPU_PROF_DIR=<dir>: the API and the worker write V8 CPU profiles (one per thread) to <dir>/api and
  // <dir>/worker when they stop (open them in Chrome's DevTools).
  const profileDir = process.env.BENCH_API_CPU_PROF_DIR;
  const api = startChild('api', 'api/main.ts', { ...env, TRUST_PROXY: '1' }, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/api`] : []);
  const worker = startChild('worker', 'worker/main.ts', env, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/worker`] : []);
  processGroups = {
    api: ({ pid }) => pid === api.pid,
    worker: ({ pid }) => pid === worker.pid,
    temporal: ({ comm, cmdline }) => comm === 'temporal' && cmdline.includes('start-dev'),
    postgres: ({ comm }) => comm === 'postgres',
    redis: ({ comm }) => comm.startsWith('redis-server'),
    bench: ({ pid }) => pid === process.pid,
  };
  const connection = await Connection.connect({ address: temporal.address });
  const temporalClient = new Client({ connection, namespace: temporal.namespace });
  try {
    await waitForApi(http, baseUrl, api);
    const post = (path: string, token: string, body: unknown, headers: Record<string, string> = {}) =>
      call(`${baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const tokens = await Promise.all(people.map((p, i) => loginAs(http, baseUrl, p.username, password, i)));
    const [supervisorToken] = tokens;
    const staffTokens = tokens.slice(2);

    // --- one item per client, its one task led by that client's department; signed
    log(`  launching ${clients} items through the API and signing their tasks…`);
    const taskIds: string[] = [];
    for (let i = 0; i < clients; i++) {
      const response = await post('/api/items', supervisorToken!, {
        kind: 'routine',
        title: `压测进展 ${label}-${i}`,
        description: 'bench',
        source: 'bench',
        issuedBy: leaderId,
        dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        tasks: [{ departmentId: depts[i]!.id, role: 'lead' }],
      });
      if (response.status !== 201) throw new Error(`launch: ${response.status} ${response.text}`);
      taskIds.push((JSON.parse(response.text) as { tasks: { id: string }[] }).tasks[0]!.id);
    }
    await Promise.all(
      taskIds.map(async (taskId, i) => {
        const response = await post(`/api/tasks/${taskId}/sign`, staffTokens[i]!, {});
        if (response.status !== 200) throw new Error(`sign: ${response.status} ${response.text}`);
      }),
    );

    const filters = [
      'status=in_progress&light=red',
      'kind=routine&status=in_progress',
      'light=yellow&page=3',
      `departmentId=${generated.department_id}&status=in_progress`,
      `issuedBy=${generated.issued_by}&kind=meeting_resolution&light=red`,
      'q=%E5%8E%8B%E6%B5%8B%E4%BA%8B%E9%A1%B9%2012345',
    ];
    log('measuring:');
    // Warm-up (connections, JIT, plans); not counted.
    await Promise.all(Array.from({ length: clients }, (_, c) => call(`${baseUrl}/api/ping-db`, { headers: { authorization: `Bearer ${staffTokens[c]}` } })));
    const floorOnce = async (c: number) => (await call(`${baseUrl}/api/ping-db`, { headers: { authorization: `Bearer ${staffTokens[c]}` } })).ok;
    const byFilter = filters.map(() => [] as number[]);
    const list = await measure(`list   GET /api/items?<filters> (${ITEMS_IN_READ_MODEL.toLocaleString('en-US')} items)`, async (c, i) => {
      const which = (c + i) % filters.length;
      const t0 = performance.now();
      const response = await call(`${baseUrl}/api/items?${filters[which]}`, { headers: { authorization: `Bearer ${supervisorToken}` } });
      byFilter[which]!.push(performance.now() - t0);
      return response.ok;
    });
    filters.forEach((filter, i) => {
      const sorted = byFilter[i]!.sort((a, b) => a - b);
      log(`      ?${decodeURIComponent(filter).padEnd(70)} p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms`);
    });
    const progressOnce = (c: number, i: number) =>
      post(`/api/tasks/${taskIds[c]}/progress`, staffTokens[c]!, { text: `进展 ${i}`, percent: Math.min(99, i) }, { 'idempotency-key': randomUUID() }).then((r) => r.ok);
    const actor = { userId: people[2]!.id, name: 'bench', role: 'department' as const, departmentId: depts[0]!.id };
    const updateOnce = async (c: number, i: number) => {
      await temporalClient.workflow.getHandle(`task-${taskIds[c]}`).executeUpdate(progressUpdate, {
        args: [{ actor: { ...actor, departmentId: depts[c]!.id }, text: `直接 ${i}`, percent: Math.min(99, i) }],
        updateId: randomUUID(),
      });
      return true;
    };
    // Warm-up of the Update path, not counted: the first Update phase after the floor and list
    // phases paid for it, and progress comes first (in one run, progress measured first had p95
    // 1,102 ms, the worker spending 14.3 ms of CPU per Update; measured twice more later in the same
    // run, 813 and 818 ms at 10.9-11.2 ms, next to 815 ms for the direct Update).
    await runStretch((c, i) => (i % 2 === 0 ? progressOnce(c, i) : updateOnce(c, i)), Math.min(5, seconds));
    // The goal compares progress with the floor and the direct Update: the three are measured in
    // turns (ROUNDS rounds of seconds/ROUNDS each), so a drift in the machine's speed during the
    // run cannot favour or penalise one of them. In stop 14's runs before this, one progress phase
    // and the Update phase after it differed by 27-147 ms at p50 from one run to the next.
    log(`  floor, progress and update in turns: ${ROUNDS} rounds of ${(seconds / ROUNDS).toFixed(1)} s each…`);
    const [floor, progress, update] = (await measureInTurns(
      [
        { name: 'floor  GET /api/ping-db', once: floorOnce },
        { name: 'progress POST /api/tasks/:id/progress (API + Update)', once: progressOnce },
        { name: 'update progress Update straight to Temporal (engine only)', once: updateOnce },
      ],
      ROUNDS,
    )) as [Figures, Figures, Figures];

    log('\nresults (p50 / p95, ms):');
    const row = (f: Figures) => `  ${f.name.padEnd(62)} ${f.p50.toFixed(1).padStart(7)} ${f.p95.toFixed(1).padStart(7)}   ×${(f.p95 / floor.p95).toFixed(1)} floor p95`;
    for (const f of [floor, list, progress, update]) log(row(f));
    const progressGoal = 3 * floor.p95 + update.p95;
    log(`\n  list p95 ${list.p95.toFixed(1)} ms — goal < 100 ms: ${list.p95 < 100 ? 'met' : 'NOT met'}`);
    log(`  progress p95 ${progress.p95.toFixed(1)} ms — goal ≤ 3 × floor p95 + update p95 = ${progressGoal.toFixed(1)} ms: ${progress.p95 <= progressGoal ? 'met' : 'NOT met'}`);
    if (floor.errors + list.errors + progress.errors + update.errors > 0) log('  (some requests failed; see the error counts above)');
  } finally {
    http.destroy();
    await connection.close();
    await Promise.all([stopChild(api), stopChild(worker)]);
    await database.close();
    await temporal.stop();
    await Promise.all([postgres.stop(), redis.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`bench/api failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
