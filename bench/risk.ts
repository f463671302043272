/**
 * Red risk (issue 18) and the hotspots' keyword cache, in a database of its own
 * (BENCH_DATABASE_NAME, default sv_risk_bench), emptied at each run.
 *
 * Risk: a synthetic but plausible history written into the read model as the projection writes it
 * (tests/support/risk-history.ts: 12 departments, each at its own pace, tasks' paces scattered around
 * it, progress reports, urges when lagging, red when finished after the due date), then the product's
 * own training path (jobs/ai/risk-train.ts `closedStories` → assist/risk-train.ts `trainRisk`): Brier
 * and AUC on the newest 20 % of closed tasks (time-ordered split), next to the baseline in the same
 * run — the department's smoothed base red rate for the kind alone. Then the read-time cost of
 * scoring a page of 50 open tasks.
 *
 * Hotspots: 3,000 items launched in the last 30 days; one request the old way (segment every item),
 * the first request with the cache (segments and stores), and warm requests (cache hits).
 *
 *   npx tsx bench/risk.ts [closedTasks=3000]
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { hotspots } from '../assist/hotspots';
import { trainRisk } from '../assist/risk-train';
import { keywords } from '../assist/tokenize';
import { hotspotsOf } from '../api/services/ai/hotspots';
import { risksOf } from '../api/services/ai/risk';
import { connectDatabase } from '../db/client';
import { runMigrations } from '../db/migrate';
import { itemsLaunchedBetween } from '../db/queries/ai';
import { items } from '../db/schema/items';
import { closedStories } from '../jobs/ai/risk-train';
import { resolvePostgres } from '../scripts/postgres';
import { rng } from '../tests/api/dashboard-seed';
import { riskHistory, seedOpenTask, seedRiskHistory } from '../tests/support/risk-history';

const DAY = 86_400_000;
const CLOSED = Number(process.argv[2] ?? 3000);
const HOTSPOT_ITEMS = 3000;

const PLACES = ['幸福小区', '滨江路', '人民医院', '第三中学', '老城区菜市场', '高新区管委会', '火车站广场', '东湖公园', '城南工业园', '解放路口', '阳光花园', '金色家园'];
const MATTERS = [
  ['垃圾清运不及时', '垃圾桶满溢无人清理，气味难闻，影响居民生活'],
  ['路灯损坏', '夜间道路漆黑，行人出行存在安全隐患'],
  ['噪音扰民', '施工单位夜间作业，机器轰鸣影响休息'],
  ['停车位不足', '车辆乱停乱放，消防通道被堵塞'],
  ['污水外溢', '下水道堵塞，污水漫到路面'],
  ['道路坑洼', '路面破损严重，雨天积水，车辆颠簸'],
  ['违章搭建', '业主在楼顶私自加盖房屋，存在安全隐患'],
  ['油烟污染', '餐馆油烟直排，居民无法开窗'],
  ['供暖不热', '暖气温度不达标，老人孩子受冻'],
  ['电梯故障', '电梯频繁停运，高层住户上下楼困难'],
  ['学校周边交通拥堵', '上下学时段车辆拥堵，学生安全堪忧'],
  ['物业服务差', '物业公司收费不服务，维修不及时'],
] as const;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await run();
  return [value, performance.now() - t0];
}

async function main() {
  const databaseName = process.env.BENCH_DATABASE_NAME ?? 'sv_risk_bench';
  const source = await resolvePostgres({ databaseName, log: () => {} });
  const url = new URL(source.url);
  url.pathname = `/${databaseName}`;
  await runMigrations(url.toString());
  const handle = connectDatabase(url.toString(), { max: 4 });
  const deps = { database: handle };
  try {
    await handle.sql.unsafe('truncate items, tasks, item_events, hotspot_tokens, hotspot_pins, risk_models cascade');
    const issuedBy = randomUUID();
    const random = rng(5);
    const paces = Object.fromEntries(Array.from({ length: 12 }, () => [randomUUID(), Math.exp(0.15 + 0.35 * (random() * 2 - 1))]));
    const stories = riskHistory({ paces, count: CLOSED, noise: 0.35 });
    await seedRiskHistory(handle.db, stories, issuedBy);

    const [closed, readMs] = await timed(() => closedStories(handle.db));
    const [outcome, trainMs] = await timed(async () => trainRisk(closed));
    if (!outcome.ok) throw new Error(`too little history: ${outcome.closed} closed, ${outcome.red} red`);
    const f = outcome.figures;
    console.log(`risk: ${f.closed} closed tasks (${f.red} red, ${((f.red / f.closed) * 100).toFixed(1)} %), 12 departments × 4 kinds`);
    console.log(`  snapshots at 1/4, 1/2, 3/4 of the window: ${f.trainSnapshots} to train, ${f.heldOutSnapshots} held out (newest 20 % of closed tasks)`);
    console.log('  figure        model   baseline (department × kind base red rate)');
    console.log(`  Brier         ${f.brier.toFixed(3)}   ${f.baselineBrier.toFixed(3)}`);
    console.log(`  AUC           ${f.auc.toFixed(3)}   ${f.baselineAuc.toFixed(3)}`);
    console.log(`  reading the history ${readMs.toFixed(0)} ms, training (held-out fit + served fit) ${trainMs.toFixed(0)} ms`);

    const open: string[] = [];
    for (let i = 0; i < 50; i++) open.push((await seedOpenTask(handle.db, Object.keys(paces)[i % 12]!, issuedBy, { elapsed: random() })).id);
    const model = { ...outcome.model, baseRate: outcome.baseRate };
    await risksOf(deps, model, open);
    const samples: number[] = [];
    for (let i = 0; i < 10; i++) samples.push((await timed(() => risksOf(deps, model, open)))[1]);
    samples.sort((a, b) => a - b);
    console.log(`  scoring a page of 50 open tasks at read time: p50 ${samples[5]!.toFixed(1)} ms, max ${samples[9]!.toFixed(1)} ms`);

    await seedHotspotItems(handle.db, issuedBy, random);
    const now = new Date();
    const from = new Date(now.getTime() - 30 * DAY);
    const [, oldMs] = await timed(async () => {
      const rows = await itemsLaunchedBetween(handle.db, from, now, HOTSPOT_ITEMS);
      return hotspots(
        rows.map((row) => ({ id: row.id, tokens: keywords(`${row.title}\n${row.description}`), at: row.createdAt, departmentIds: row.departmentIds })),
        { from, to: now },
      );
    });
    const [first, coldMs] = await timed(() => hotspotsOf(deps, { days: 30 }, now));
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push((await timed(() => hotspotsOf(deps, { days: 30 }, now)))[1]);
    warm.sort((a, b) => a - b);
    console.log(`hotspots over ${first.items} items (30 days), ${first.topics.length} topics:`);
    console.log(`  before (segment every item each request): ${oldMs.toFixed(0)} ms`);
    console.log(`  first request with the cache (segments and stores): ${coldMs.toFixed(0)} ms`);
    console.log(`  later requests (cache hits): p50 ${warm[2]!.toFixed(0)} ms, max ${warm[4]!.toFixed(0)} ms`);
  } finally {
    await handle.close();
    await source.stop();
  }
}

async function seedHotspotItems(db: ReturnType<typeof connectDatabase>['db'], issuedBy: string, random: () => number) {
  const rows: Array<typeof items.$inferInsert> = [];
  for (let i = 0; i < HOTSPOT_ITEMS; i++) {
    const place = PLACES[Math.floor(random() * PLACES.length)]!;
    // Some matters are hot: a skewed pick.
    const [matter, detail] = MATTERS[Math.floor(random() ** 2 * MATTERS.length)]!;
    const at = new Date(Date.now() - Math.floor(random() * 29 * DAY));
    const id = randomUUID();
    rows.push({
      id,
      code: `HOT-${id.slice(0, 13)}`,
      kind: 'routine',
      title: `${place}${matter}`,
      description: `群众反映${place}附近${detail}，已持续${1 + Math.floor(random() * 20)}天，请相关部门尽快处理并答复。`,
      status: 'in_progress',
      light: 'green',
      issuedBy,
      dueAt: new Date(at.getTime() + 10 * DAY),
      createdAt: at,
      launchedAt: at,
      workflowId: `item-${id}`,
      version: 1,
    });
  }
  for (let i = 0; i < rows.length; i += 500) await db.insert(items).values(rows.slice(i, i + 500));
}

await main();
