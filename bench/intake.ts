/**
 * Intake under load (issue 19), each figure next to a baseline measured in the same run:
 *
 *   npx tsx bench/intake.ts [seconds-per-phase=10] [clients=20] [citizens=50]      (npm run bench:intake)
 *
 * - floor:    GET /api/ping-db, authenticated, at `clients` and at `citizens` concurrent clients
 * - launch:   POST /api/items, a minimal launch (one lead task), as a supervisor: the bare launch rate
 * - signals:  POST /api/intake/signals, signed (X-Api-Key, X-Timestamp, X-Signature = hex HMAC-SHA256
 *             of `<timestamp>.<raw body>`), each a new externalId, so each starts an item. Goal:
 *             signals/s ≥ 0.5 × launches/s. Every fifth request of a client repeats one of its
 *             externalIds (new details, so a new signature): it must answer created=false with the
 *             same itemId, and is counted apart.
 * - appeal:   POST /public/appeals, the citizen's page, under `citizens` concurrent citizens, each
 *             with an ALTCHA captcha solved before the timed stretch (the citizen's proof-of-work is
 *             not the server's time; at most BENCH_CAPTCHAS_PER_ROUND=300 a round). The per-address limits (api/routes/public-appeals.ts: 30
 *             challenges and 5 submissions a minute) are not raised (there is no setting for them):
 *             the API runs with TRUST_PROXY=1, as behind a load balancer, and every simulated citizen
 *             comes from an X-Forwarded-For address of its own.
 * The loads take turns in rounds (3 rounds of seconds/3 each, pooled), so a drift in the machine's
 * speed hits them alike. The API and the worker run as child processes (bench/platform.ts, as in
 * bench/api.ts); database `supervision_bench_intake`, Redis under a bench prefix, Temporal at
 * TEMPORAL_ADDRESS if set, else a dev server of its own (in memory, port BENCH_TEMPORAL_PORT or 17533).
 * Prints a table and, last, one line of JSON with the figures.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { hash } from 'argon2';
import { loadConfig } from '../config/env';
import { connectDatabase } from '../db/client';
import { runMigrations } from '../db/migrate';
import { departments, users } from '../db/schema/org';
import { resolvePostgres } from '../scripts/postgres';
import { resolveRedis } from '../scripts/redis';
import { benchEnv, benchTemporal, freePort, keepAliveClient, log, login, percentile, startChild, stopChild, waitForApi, type Answer } from './platform';

const seconds = Number(process.argv[2] ?? 10);
const clients = Number(process.argv[3] ?? 20);
const citizens = Number(process.argv[4] ?? 50);
const ROUNDS = 3;
const TEMPORAL_PORT = Number(process.env.BENCH_TEMPORAL_PORT ?? 17533);
const REPEAT_EVERY = 5;
/**
 * Solving takes this machine's cores too (about 70 ms of wall time a captcha, 50 at once, when loaded):
 * an appeal stretch gets at most this many, and ends early when they are spent (its rate is taken over
 * the time it really ran; only its last ≤ 50 requests see fewer than 50 citizens at once).
 */
const CAPTCHAS_PER_ROUND = Number(process.env.BENCH_CAPTCHAS_PER_ROUND ?? 300);
const http = keepAliveClient(Math.max(clients, citizens) + 10);

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** One request: the bucket its latency counts in (e.g. 'new', 'repeat'), or false when it failed. */
type Once = (client: number, i: number) => Promise<string | false>;

interface Stretch {
  latencies: Map<string, number[]>;
  errors: number;
  elapsedMs: number;
}

/** Thrown by a `once` with nothing left to send: its loop stops. */
class Exhausted extends Error {}

/** `concurrency` loops calling `once` back to back for `forSeconds` (a loop whose `once` throws `Exhausted` stops). */
async function runStretch(concurrency: number, once: Once, forSeconds: number): Promise<Stretch> {
  const latencies = new Map<string, number[]>();
  let errors = 0;
  const started = Date.now();
  const endAt = started + forSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      for (let i = 0; Date.now() < endAt; i++) {
        const t0 = performance.now();
        const bucket = await once(client, i).catch((error: unknown) => {
          if (error instanceof Exhausted) return null;
          return false as const;
        });
        if (bucket === null) return;
        if (bucket === false) errors += 1;
        else (latencies.get(bucket) ?? latencies.set(bucket, []).get(bucket)!).push(performance.now() - t0);
      }
    }),
  );
  return { latencies, errors, elapsedMs: Date.now() - started };
}

interface Figures {
  name: string;
  count: number;
  errors: number;
  p50: number;
  p95: number;
  perSecond: number;
}

function figuresOf(name: string, stretches: Stretch[], bucket: string): Figures {
  const latencies = stretches.flatMap((s) => s.latencies.get(bucket) ?? []).sort((a, b) => a - b);
  const elapsedMs = stretches.reduce((n, s) => n + s.elapsedMs, 0);
  const errors = stretches.reduce((n, s) => n + s.errors, 0);
  return { name, count: latencies.length, errors, p50: percentile(latencies, 50), p95: percentile(latencies, 95), perSecond: latencies.length / (elapsedMs / 1000) };
}

const firstErrors = new Map<string, string>();
function failed(what: string, answer: Answer): false {
  if (!firstErrors.has(what)) {
    firstErrors.set(what, `${answer.status} ${answer.text.slice(0, 300)}`);
    log(`  first failure of ${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  }
  return false;
}

async function main() {
  log(`bench/intake: ${seconds} s per phase in ${ROUNDS} rounds; ${clients} clients (floor, launch, signals), ${citizens} citizens (floor, appeal)`);
  const loadAtStart = loadAverage();
  log(`  load average at start: ${loadAtStart}`);
  const [postgres, redis] = await Promise.all([resolvePostgres({ databaseName: 'supervision_bench_intake', log }), resolveRedis(log)]);
  await runMigrations(postgres.url);
  const temporal = await benchTemporal(TEMPORAL_PORT, 'supervision-bench');

  const port = await freePort();
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const env = benchEnv({ databaseUrl: postgres.url, redisUrl: redis.url, temporal }, prefix, { PORT: String(port) });
  const database = connectDatabase(loadConfig(env).DATABASE_URL, { max: 2 });
  const baseUrl = `http://127.0.0.1:${port}`;

  const label = randomUUID().slice(0, 6);
  const password = 'bench-password-123';
  const passwordHash = await hash(password);
  const [launchDept, signalDept] = await database.db
    .insert(departments)
    .values([{ name: `压测承办-${label}` }, { name: `压测核查-${label}` }])
    .returning({ id: departments.id });
  const people = await database.db
    .insert(users)
    .values([
      { username: `bench-${label}-admin`, displayName: '压测管理员', role: 'admin' as const, passwordHash },
      { username: `bench-${label}-sup`, displayName: '压测督查', role: 'supervisor' as const, passwordHash },
      { username: `bench-${label}-lead`, displayName: '压测领导', role: 'leader' as const, passwordHash },
      { username: `bench-${label}-staff`, displayName: '压测承办人', role: 'department' as const, departmentId: launchDept!.id, passwordHash },
    ])
    .returning({ id: users.id, username: users.username });
  const leaderId = people[2]!.id;

  log(`  starting the API (port ${port}, TRUST_PROXY=1) and a worker as child processes…`);
  const api = startChild('api', 'api/main.ts', { ...env, TRUST_PROXY: '1' });
  const worker = startChild('worker', 'worker/main.ts', env);
  try {
    await waitForApi(http, baseUrl, api);
    const [adminToken, supervisorToken, , staffToken] = await Promise.all(people.map((p, i) => login(http, baseUrl, p.username, password, i)));
    const json = (method: string, path: string, token: string, body: unknown) =>
      http.call(`${baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // --- the intake's set-up, through the admin routes
    const source = `bench_${label}`;
    const expect = (what: string, answer: Answer, status: number) => {
      if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${answer.text}`);
      return JSON.parse(answer.text) as Record<string, string>;
    };
    expect('source', await json('PUT', `/api/intake/sources/${source}`, adminToken!, { name: '压测预警系统', resultUrl: null }), 200);
    expect('rule', await json('PUT', '/api/intake/rules', adminToken!, { source, riskLevel: 'high', departmentId: signalDept!.id, issuedBy: leaderId, dueInWorkingDays: 3 }), 200);
    const account = expect('service account', await json('POST', '/api/service-accounts', adminToken!, { name: '压测监测平台', source }), 201);

    // --- the loads
    const floorOnce: Once = async () => {
      const answer = await http.call(`${baseUrl}/api/ping-db`, { headers: { authorization: `Bearer ${staffToken}` } });
      return answer.ok ? 'ok' : failed('floor', answer);
    };
    const launchOnce: Once = async (c, i) => {
      const answer = await json('POST', '/api/items', supervisorToken!, {
        kind: 'routine',
        title: `压测立项 ${label}-${c}-${i}`,
        description: 'bench',
        source: 'bench',
        issuedBy: leaderId,
        dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        tasks: [{ departmentId: launchDept!.id, role: 'lead' }],
      });
      return answer.status === 201 ? 'ok' : failed('launch', answer);
    };
    const signed = (body: unknown) => {
      const raw = JSON.stringify(body);
      const timestamp = String(Math.floor(Date.now() / 1000));
      const signature = createHmac('sha256', account.secret!).update(`${timestamp}.${raw}`).digest('hex');
      return http.call(`${baseUrl}/api/intake/signals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': account.apiKey!, 'x-timestamp': timestamp, 'x-signature': signature },
        body: raw,
      });
    };
    const createdBy = Array.from({ length: clients }, () => [] as Array<{ externalId: string; itemId: string }>);
    const dedup = { right: 0, wrong: 0 };
    const sentBy = Array.from({ length: clients }, () => 0);
    let sequence = 0;
    const signalOnce: Once = async (c, i) => {
      const mine = createdBy[c]!;
      const nth = sentBy[c]!++;
      const repeat = nth % REPEAT_EVERY === REPEAT_EVERY - 1 && mine.length > 0 ? mine[nth % mine.length]! : null;
      const externalId = repeat?.externalId ?? `${label}-${c}-${sequence++}`;
      // New details each time: the repeat is a new request with a new signature, not a replay.
      const answer = await signed({ source, externalId, subject: '压测监测点水质超标', riskLevel: 'high', details: { station: `S-${c}`, reading: i } });
      if (answer.status !== 202) return failed(repeat ? 'signal repeat' : 'signal', answer);
      const { itemId, created } = JSON.parse(answer.text) as { itemId: string; created: boolean };
      if (repeat) {
        if (!created && itemId === repeat.itemId) dedup.right += 1;
        else dedup.wrong += 1;
        return 'repeat';
      }
      if (!created) return failed('signal (created=false for a new externalId)', answer);
      mine.push({ externalId, itemId });
      return 'new';
    };

    // The citizens: each submission from an address of its own, its captcha fetched from there and solved beforehand.
    let addresses = 0;
    const nextAddress = () => {
      const a = 65_536 + addresses++;
      return `10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}`;
    };
    let solved: Array<{ address: string; captcha: string }> = [];
    let solveMs = 0;
    let solvedCount = 0;
    /** `count` captchas, fetched and solved by `citizens` at once (the solver awaits each hash: one at a time leaves the cores idle). */
    const solveCaptchas = async (count: number) => {
      const t0 = performance.now();
      const batch: typeof solved = [];
      let claimed = 0;
      await Promise.all(
        Array.from({ length: citizens }, async () => {
          while (claimed++ < count) {
            const address = nextAddress();
            const answer = await http.call(`${baseUrl}/public/appeals/challenge`, { headers: { 'x-forwarded-for': address } });
            if (!answer.ok) throw new Error(`challenge: ${answer.status} ${answer.text}`);
            const challenge = JSON.parse(answer.text) as Challenge;
            const solution = await solveChallenge({ challenge, deriveKey });
            batch.push({ address, captcha: Buffer.from(JSON.stringify({ challenge, solution })).toString('base64') });
          }
        }),
      );
      solveMs += performance.now() - t0;
      solvedCount += count;
      solved = batch;
    };
    let ranOut = 0;
    const appealOnce: Once = async (c, i) => {
      const citizen = solved.pop();
      if (!citizen) {
        ranOut += 1;
        throw new Exhausted();
      }
      const answer = await http.call(`${baseUrl}/public/appeals`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': citizen.address },
        body: JSON.stringify({ text: `小区路灯损坏，夜间出行不便（压测 ${c}-${i}）`, phone: `139${String(addresses % 100_000_000).padStart(8, '0')}`, citizenName: '压测市民', captcha: citizen.captcha }),
      });
      return answer.status === 201 ? 'ok' : failed('appeal', answer);
    };

    // --- warm-up, not counted; it also sizes the captcha batches from the appeal rate it sees
    log('  warm-up…');
    await runStretch(clients, floorOnce, 1);
    await runStretch(clients, launchOnce, 2);
    await runStretch(clients, signalOnce, 2);
    await solveCaptchas(citizens * 2);
    const warm = await runStretch(citizens, appealOnce, 2);
    let appealRate = (warm.latencies.get('ok')?.length ?? 0) / (warm.elapsedMs / 1000);
    log(`  warm-up appeal rate ${appealRate.toFixed(1)}/s; captchas take ${(solveMs / solvedCount).toFixed(1)} ms of wall time each to fetch and solve here (${citizens} at once)`);
    ranOut = 0;

    const stretchSeconds = seconds / ROUNDS;
    const loads: Array<{ name: string; concurrency: number; once: Once; before?: () => Promise<void> }> = [
      { name: `floor@${clients}`, concurrency: clients, once: floorOnce },
      { name: 'launch', concurrency: clients, once: launchOnce },
      { name: 'signals', concurrency: clients, once: signalOnce },
      { name: `floor@${citizens}`, concurrency: citizens, once: floorOnce },
      { name: 'appeal', concurrency: citizens, once: appealOnce, before: () => solveCaptchas(Math.min(CAPTCHAS_PER_ROUND, Math.ceil(Math.max(appealRate, 10) * stretchSeconds * 1.2) + citizens)) },
    ];
    const stretches = loads.map(() => [] as Stretch[]);
    log(`measuring: ${ROUNDS} rounds of ${stretchSeconds.toFixed(1)} s per load…`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [k, load] of loads.entries()) {
        await load.before?.();
        const stretch = await runStretch(load.concurrency, load.once, stretchSeconds);
        stretches[k]!.push(stretch);
        if (load.name === 'appeal') appealRate = Math.max(appealRate, (stretch.latencies.get('ok')?.length ?? 0) / (stretch.elapsedMs / 1000));
      }
      log(`  round ${round + 1} done (load ${loadAverage()})`);
    }
    const [floorN, launch, signals, repeats, floorC, appeal] = [
      figuresOf(`floor   GET /api/ping-db, ${clients} clients`, stretches[0]!, 'ok'),
      figuresOf(`launch  POST /api/items, ${clients} clients`, stretches[1]!, 'ok'),
      figuresOf(`signals POST /api/intake/signals (new), ${clients} clients`, stretches[2]!, 'new'),
      figuresOf(`        the same, repeats (dedup)`, stretches[2]!, 'repeat'),
      figuresOf(`floor   GET /api/ping-db, ${citizens} clients`, stretches[3]!, 'ok'),
      figuresOf(`appeal  POST /public/appeals, ${citizens} citizens`, stretches[4]!, 'ok'),
    ];
    const loadAtEnd = loadAverage();

    log('\nresults:');
    log(`  ${'load'.padEnd(56)} ${'ok'.padStart(6)} ${'errors'.padStart(6)} ${'per s'.padStart(7)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}`);
    for (const f of [floorN, launch, signals, repeats, floorC, appeal]) {
      log(`  ${f.name.padEnd(56)} ${String(f.count).padStart(6)} ${String(f.errors).padStart(6)} ${f.perSecond.toFixed(1).padStart(7)} ${f.p50.toFixed(1).padStart(8)} ${f.p95.toFixed(1).padStart(8)}`);
    }
    const ratio = signals.perSecond / launch.perSecond;
    log(`\n  signals/s ÷ launches/s = ${ratio.toFixed(2)} — goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'}`);
    // The signal clients spend part of their time on repeats (an Update on the item's workflow each), which the goal's rate leaves out.
    const allSignalsRatio = (signals.perSecond + repeats.perSecond) / launch.perSecond;
    log(`  (every 202, repeats included: ${allSignalsRatio.toFixed(2)} × launches/s)`);
    log(`  repeats: ${dedup.right} answered created=false with the same item, ${dedup.wrong} did not${dedup.wrong ? ' — DEDUP BROKEN' : ''}`);
    log(`  appeal p95 ${appeal.p95.toFixed(1)} ms next to the floor's ${floorC.p95.toFixed(1)} ms under ${citizens} clients (×${(appeal.p95 / floorC.p95).toFixed(1)})`);
    log(`  per-address limits unchanged: API with TRUST_PROXY=1, every citizen its own X-Forwarded-For; captchas solved before each stretch (${(solveMs / solvedCount).toFixed(1)} ms of wall time each here, not timed); ${ranOut} citizen loops stopped when the stretch's ${CAPTCHAS_PER_ROUND} captchas were spent`);
    log(`  load average: ${loadAtStart} at start, ${loadAtEnd} at end (2 cores)`);
    const figure = (f: Figures) => ({ perSecond: +f.perSecond.toFixed(1), p50: +f.p50.toFixed(1), p95: +f.p95.toFixed(1), count: f.count, errors: f.errors });
    log(
      JSON.stringify({
        bench: 'intake',
        at: new Date().toISOString(),
        seconds,
        rounds: ROUNDS,
        clients,
        citizens,
        floor: figure(floorN),
        launch: figure(launch),
        signals: figure(signals),
        signalsToLaunch: +ratio.toFixed(2),
        allSignalsToLaunch: +allSignalsRatio.toFixed(2),
        repeats: { ...figure(repeats), dedupRight: dedup.right, dedupWrong: dedup.wrong },
        floorCitizens: figure(floorC),
        appeal: figure(appeal),
        appealMode: 'TRUST_PROXY=1, distinct X-Forwarded-For per citizen',
        captchasRanOut: ranOut,
        loadavg: { start: loadAtStart, end: loadAtEnd },
      }),
    );
  } finally {
    http.destroy();
    await Promise.all([stopChild(api), stopChild(worker)]);
    await database.close();
    await temporal.stop();
    await Promise.all([postgres.stop(), redis.stop()]);
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`bench/intake failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
