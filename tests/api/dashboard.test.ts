/**
 * The standing book on seeded data: figures per department, per kind and in total, each compared
 * with a count the test makes itself from the seeded stories; every figure's drill-down list has
 * exactly that many entries; the period filter on each date field; as-of from the timeline;
 * ranking and trend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ITEM_KINDS } from '../../domain/types';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { DAY_MS, emptyCounts, expectedFigures, factsIn, makeStories, METRIC_KEYS, seedStories, type Counts, type SeedItem, type SeedTask } from './dashboard-seed';

let h: ApiHarness;
let leader: LoggedIn;
let supervisor: LoggedIn;
let auditor: LoggedIn;
let staff: LoggedIn;
let depts: string[];
/** A department with no tasks at all: the standing book still lists it, with zeros. */
let idle: string;
let idleName: string;
let stories: SeedItem[];
// 2025-01-06 00:00 China time, a Monday.
const BASE = Date.UTC(2025, 0, 5, 16);
const DAYS = 120;

beforeAll(async () => {
  h = await startApiHarness({ worker: false });
  const made = await Promise.all(['台账一局', '台账二局', '台账三局', '台账四局', '台账闲局'].map((n) => h.createDepartment(n)));
  depts = made.slice(0, 4).map((d) => d.id);
  [idle, idleName] = [made[4]!.id, made[4]!.name];
  [leader, supervisor, auditor, staff] = await Promise.all([
    h.createUser('leader'),
    h.createUser('supervisor'),
    h.createUser('auditor'),
    h.createUser('department', depts[0]!),
  ]);
  stories = makeStories(depts, 160, BASE, DAYS, 20250106);
  await seedStories(h.deps.database.db, stories, leader.id);
});
afterAll(async () => h?.close());

const pick = (figures: Record<string, unknown>): Counts => Object.fromEntries(METRIC_KEYS.map((m) => [m, figures[m]])) as Counts;
const listed = () => [...depts, idle];
const mine = () => `departmentId=${listed().join(',')}`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Every listed department in every section, in the same order, with its figures or zeros. */
function expectMatches(body: Json, expected: ReturnType<typeof expectedFigures>) {
  const ids = listed();
  expect(pick(body.totals)).toEqual(expected.total);
  expect(body.departments.map((r: Json) => r.departmentId).sort()).toEqual([...ids].sort());
  for (const row of body.departments) expect(pick(row), `department ${row.departmentName}`).toEqual(expected.perDept.get(row.departmentId) ?? emptyCounts());
  const order = body.departments.map((r: Json) => r.departmentId);
  for (const section of body.kinds) {
    const k = expected.perKind.get(section.kind);
    expect(pick(section.totals), `kind ${section.kind}`).toEqual(k?.total ?? emptyCounts());
    expect(section.departments.map((r: Json) => r.departmentId), `kind ${section.kind}`).toEqual(order);
    for (const row of section.departments) {
      expect(pick(row), `kind ${section.kind} / ${row.departmentName}`).toEqual(k?.departments.get(row.departmentId) ?? emptyCounts());
    }
  }
}

type Weights = { onTimeRate: number; redEver: number; urge: number; returned: number; postponed: number };
const FACTOR_KEYS = ['onTimeRate', 'redEver', 'urge', 'returned', 'postponed'] as const;

/** Every page of a deductions link (small pages, so paging itself is exercised). */
async function allDeductions(link: string): Promise<Json[]> {
  const rows: Json[] = [];
  for (let page = 1; ; page++) {
    const res = await leader.get(`${link}&pageSize=7&page=${page}`);
    expect(res.status, link).toBe(200);
    rows.push(...res.body.items);
    if (res.body.items.length < 7) {
      expect(rows.length).toBe(res.body.total);
      return rows;
    }
  }
}

/** The assessment's rows against the seeded facts: per factor counts and points, score, and the paged deductions adding up. */
async function expectAssessment(body: Json, weights: Weights, facts: ReturnType<typeof factsIn>) {
  const departments = new Set(facts.map((f) => f.task.departmentId));
  expect(body.departments.map((d: Json) => d.departmentId).sort()).toEqual([...departments].sort());
  for (const row of body.departments) {
    const mineFacts = facts.filter((f) => f.task.departmentId === row.departmentId);
    const completed = mineFacts.filter((f) => f.fact.completed);
    const late = completed.filter((f) => f.fact.outcome !== 'on_time');
    const postponed = (t: SeedTask) => t.extensionApprovedAt !== null;
    const expected = {
      onTimeRate: { count: late.length, tasks: late.length, points: completed.length ? (weights.onTimeRate * late.length) / completed.length : 0 },
      redEver: { count: mineFacts.filter((f) => f.fact.redEver).length, tasks: mineFacts.filter((f) => f.fact.redEver).length },
      urge: { count: mineFacts.reduce((s, f) => s + f.task.urges.length, 0), tasks: mineFacts.filter((f) => f.task.urges.length > 0).length },
      returned: { count: mineFacts.reduce((s, f) => s + f.task.returns.length, 0), tasks: mineFacts.filter((f) => f.task.returns.length > 0).length },
      postponed: { count: mineFacts.filter((f) => postponed(f.task)).length, tasks: mineFacts.filter((f) => postponed(f.task)).length },
    };
    let lost = 0;
    for (const f of FACTOR_KEYS) {
      const e = expected[f];
      const points = 'points' in e ? e.points : weights[f] * e.count;
      lost += points;
      expect(row.byFactor[f], `${row.departmentName} ${f}`).toMatchObject({ count: e.count, tasks: e.tasks, weight: weights[f] });
      expect(row.byFactor[f].points, `${row.departmentName} ${f}`).toBeCloseTo(points, 2);
    }
    expect(row.total).toBe(mineFacts.length);
    expect(row.pointsLost).toBeCloseTo(lost, 1);
    expect(row.score, row.departmentName).toBeCloseTo(Math.max(0, 100 - lost), 1);
    // The explanation: every deduction of the department, page by page, names one of its tasks and
    // adds up to its factor's points; the factors add up to the points lost.
    const ids = new Set(mineFacts.map((f) => f.task.id));
    const all = await allDeductions(row.deductions.list);
    expect(all.length).toBe(row.deductions.total);
    expect(all.length).toBe(FACTOR_KEYS.reduce((s, f) => s + expected[f].tasks, 0));
    for (const d of all) {
      expect(ids.has(d.taskId), d.taskId).toBe(true);
      expect(d.departmentId).toBe(row.departmentId);
    }
    for (const f of FACTOR_KEYS) {
      const ofFactor = all.filter((d) => d.factor === f);
      expect(ofFactor.reduce((s, d) => s + d.count, 0), f).toBe(expected[f].count);
      expect(ofFactor.reduce((s, d) => s + d.points, 0), f).toBeCloseTo(row.byFactor[f].points, 1);
    }
    expect(all.reduce((s, d) => s + d.points, 0)).toBeCloseTo(row.pointsLost, 1);
    // One factor's own link lists exactly its deductions.
    const red = await allDeductions(row.byFactor.redEver.deductions);
    expect(red.map((d) => d.taskId).sort()).toEqual(all.filter((d) => d.factor === 'redEver').map((d) => d.taskId).sort());
  }
}

describe('GET /api/dashboard on seeded data', () => {
  it('counts per department, per kind and in total exactly as the stories say (launched in the whole period)', async () => {
    const res = await leader.get(`/api/dashboard?${mine()}`);
    expect(res.status).toBe(200);
    expect(res.body.dateField).toBe('launched');
    expect(res.body.kinds.map((k: Json) => k.kind)).toEqual([...ITEM_KINDS]);
    expect(res.body.kinds.find((k: Json) => k.kind === 'meeting_resolution').label).toBe('会议议定事项');
    const expected = expectedFigures(stories);
    expectMatches(res.body, expected);
    // The figures are not trivially zero: the seed exercises every one of them.
    for (const m of METRIC_KEYS) expect(expected.total[m], m).toBeGreaterThan(0);
    const t = res.body.totals;
    expect(t.total).toBe(t.completed + t.inProgress);
    expect(t.completed).toBe(t.onTime + t.overdue + t.postponed);
    expect(t.onTimeRate).toBeCloseTo(t.onTime / t.completed, 10);
  });

  it.each(['launched', 'due', 'completed'] as const)('filters the period on the %s date and says so', async (dateField) => {
    const from = BASE + 30 * DAY_MS;
    const to = BASE + 75 * DAY_MS;
    const res = await supervisor.get(`/api/dashboard?${mine()}&dateField=${dateField}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
    expect(res.status).toBe(200);
    expect(res.body.dateField).toBe(dateField);
    expect(res.body.from).toBe(new Date(from).toISOString());
    expectMatches(res.body, expectedFigures(stories, { dateField, from, to }));
  });

  it('filters one kind: only that special display, and totals of that kind', async () => {
    const res = await auditor.get(`/api/dashboard?${mine()}&kind=approval_document`);
    expect(res.status).toBe(200);
    expect(res.body.kinds.map((k: Json) => k.kind)).toEqual(['approval_document']);
    expectMatches(res.body, expectedFigures(stories, { kind: 'approval_document' }));
  });

  it('every figure drills down to a task list of exactly that many entries (and the items list to the same items)', async () => {
    const from = BASE + 10 * DAY_MS;
    const res = await leader.get(`/api/dashboard?${mine()}&dateField=due&from=${new Date(from).toISOString()}`);
    expect(res.status).toBe(200);
    const cells: { url: string; itemsUrl: string; expected: number; perDepartment: boolean }[] = [];
    const rows = [
      ...res.body.departments.map((r: Json) => [r, true]),
      [res.body.totals, false],
      ...res.body.kinds.flatMap((k: Json) => [...k.departments.map((r: Json) => [r, true]), [k.totals, false]]),
    ] as [Json, boolean][];
    for (const [row, perDepartment] of rows) {
      for (const m of METRIC_KEYS) cells.push({ url: `${row.drillDown.tasks}&metric=${m}`, itemsUrl: `${row.drillDown.items}&metric=${m}`, expected: row[m], perDepartment });
    }
    expect(cells.length).toBeGreaterThan(9 * 10);
    for (let i = 0; i < cells.length; i += 12) {
      await Promise.all(
        cells.slice(i, i + 12).map(async (cell) => {
          const list = await leader.get(`${cell.url}&pageSize=200`);
          expect(list.status, cell.url).toBe(200);
          expect(list.body.total, cell.url).toBe(cell.expected);
          expect(list.body.items.length).toBe(Math.min(200, cell.expected));
          // One task per department and item in this seed: a department's figure is also its number of items.
          const items = await leader.get(cell.itemsUrl);
          expect(items.status, cell.itemsUrl).toBe(200);
          if (cell.perDepartment) expect(items.body.total, cell.itemsUrl).toBe(cell.expected);
          else expect(items.body.total).toBeLessThanOrEqual(cell.expected);
        }),
      );
    }
  });

  it('the drill-down list shows what the figure counts', async () => {
    const res = await leader.get(`/api/tasks?${mine()}&metric=red&pageSize=200`);
    expect(res.status).toBe(200);
    for (const t of res.body.items) {
      expect(t.light).toBe('red');
      expect(t.completedAt).toBeNull();
      expect(depts).toContain(t.departmentId);
    }
  });

  it('as of a date: lights and counts as they stood then, from the timeline', async () => {
    for (const offset of [20, 45, 70, 100]) {
      const at = BASE + offset * DAY_MS;
      const res = await leader.get(`/api/dashboard?${mine()}&asOf=${new Date(at).toISOString()}`);
      expect(res.status).toBe(200);
      expect(res.body.asOf).toBe(new Date(at).toISOString());
      expectMatches(res.body, expectedFigures(stories, { at }));
      // …and its drill-down lists agree as of that moment too.
      const row = res.body.totals;
      for (const m of ['red', 'yellow', 'completed', 'redEver'] as const) {
        expect((await leader.get(`${row.drillDown.tasks}&metric=${m}`)).body.total, `${m} as of day ${offset}`).toBe(row[m]);
      }
    }
    // Before anything was launched the book was empty.
    const before = await leader.get(`/api/dashboard?${mine()}&asOf=${new Date(BASE - DAY_MS).toISOString()}`);
    expect(before.body.totals.total).toBe(0);
  });

  it('ranks departments by on-time rate and by red lights', async () => {
    const res = await leader.get(`/api/dashboard/ranking?${mine()}`);
    expect(res.status).toBe(200);
    const expected = expectedFigures(stories).perDept;
    const rates = res.body.onTimeRate.map((r: Json) => r.onTimeRate);
    const rated = rates.filter((r: number | null) => r !== null);
    expect(rated).toEqual([...rated].sort((a: number, b: number) => b - a));
    // Departments without a rate come after every rated one.
    expect(rates.slice(rated.length).every((r: number | null) => r === null)).toBe(true);
    for (const r of res.body.onTimeRate) {
      const e = expected.get(r.departmentId) ?? emptyCounts();
      if (e.completed === 0) expect(r.onTimeRate).toBeNull();
      else expect(r.onTimeRate).toBeCloseTo(e.onTime / e.completed, 10);
      expect(r.total).toBe(e.total);
      expect(r.redEver).toBe(e.redEver);
    }
    const reds = res.body.redLights.map((r: Json) => r.redEver);
    expect(reds).toEqual([...reds].sort((a: number, b: number) => b - a));
    expect(res.body.redLights[0].rank).toBe(1);
    expect(res.body.chart.redLights.labels).toHaveLength(listed().length);
  });

  it('lists every department, with zeros where it had no tasks in the period, in the dashboard and the ranking', async () => {
    // Nothing was launched in this stretch: every named department is still listed, all zeros.
    const from = new Date(BASE + (DAYS + 30) * DAY_MS).toISOString();
    const to = new Date(BASE + (DAYS + 60) * DAY_MS).toISOString();
    const empty = await leader.get(`/api/dashboard?${mine()}&from=${from}&to=${to}`);
    expect(empty.status).toBe(200);
    expectMatches(empty.body, expectedFigures(stories, { from: Date.parse(from), to: Date.parse(to) }));
    expect(empty.body.departments).toHaveLength(listed().length);
    const zeroRow = empty.body.departments.find((r: Json) => r.departmentId === idle);
    expect(zeroRow).toMatchObject({ departmentName: idleName, ...emptyCounts(), onTimeRate: null });
    // A zero's drill-down is an empty list.
    expect((await leader.get(`${zeroRow.drillDown.tasks}&metric=total`)).body.total).toBe(0);

    // Without a department filter every department is listed, the idle one too.
    const all = await leader.get('/api/dashboard?kind=routine');
    expect(all.body.departments.map((r: Json) => r.departmentId)).toEqual(expect.arrayContaining(listed()));
    expect(all.body.kinds[0].departments.find((r: Json) => r.departmentId === idle)).toMatchObject(emptyCounts());
    // With one, only that one.
    const one = await leader.get(`/api/dashboard?departmentId=${idle}`);
    expect(one.body.departments.map((r: Json) => r.departmentId)).toEqual([idle]);
    expect(one.body.kinds.map((k: Json) => k.departments.length)).toEqual(ITEM_KINDS.map(() => 1));

    const ranking = await leader.get(`/api/dashboard/ranking?${mine()}&from=${from}&to=${to}`);
    expect(ranking.status).toBe(200);
    expect(ranking.body.onTimeRate.map((r: Json) => r.departmentId).sort()).toEqual([...listed()].sort());
    expect(ranking.body.redLights.find((r: Json) => r.departmentId === idle)).toMatchObject({ departmentName: idleName, total: 0, redEver: 0, onTimeRate: null });
    const unfiltered = await leader.get('/api/dashboard/ranking');
    expect(unfiltered.body.onTimeRate.map((r: Json) => r.departmentId)).toEqual(expect.arrayContaining(listed()));
  });

  it.each(['week', 'month'] as const)('trend per %s: one point per period, adding up to the whole', async (granularity) => {
    const res = await leader.get(`/api/dashboard/trend?${mine()}&granularity=${granularity}`);
    expect(res.status).toBe(200);
    const expected = expectedFigures(stories);
    const sum = (key: string) => res.body.periods.reduce((s: number, p: Json) => s + p[key], 0);
    for (const m of METRIC_KEYS) expect(sum(m), m).toBe(expected.total[m]);
    expect(res.body.chart.labels).toHaveLength(res.body.periods.length);
    if (granularity === 'month') expect(res.body.chart.labels[0]).toBe('2025-01');
    else expect(res.body.chart.labels.every((l: string) => new Date(`${l}T00:00:00+08:00`).getUTCDay() === 0)).toBe(true); // Monday 00:00 China = Sunday 16:00 UTC
    // Independently: items launched in January 2025 (China time).
    if (granularity === 'month') {
      const jan = expectedFigures(stories, { from: BASE - 5 * DAY_MS, to: Date.UTC(2025, 0, 31, 16) });
      expect(res.body.periods[0].total).toBe(jan.total.total);
    }
  });

  it('assessment: a score per department from the weights an admin set, per factor, every point lost naming its item (paged)', async () => {
    const admin = await h.createUser('admin');
    const weights = { onTimeRate: 30, redEver: 4, urge: 1.5, returned: 2, postponed: 3 };
    const put = await h.request('PUT', '/api/assessment/weights', { body: weights, headers: { authorization: `Bearer ${admin.token}` } });
    expect(put.status).toBe(200);
    expect((await leader.get('/api/assessment/weights')).body).toMatchObject(weights);
    const res = await leader.get(`/api/assessment?${mine()}`);
    expect(res.status).toBe(200);
    // The appeal factors were left out of the PUT: they keep their points (the defaults here).
    expect(res.body.weights).toEqual({ ...weights, appealUnsatisfied: 3, appealLateContact: 1, appealReopened: 2 });
    await expectAssessment(res.body, weights, factsIn(stories));
    const scores = res.body.departments.map((d: Json) => d.score);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    const refused = await h.request('PUT', '/api/assessment/weights', { body: weights, headers: { authorization: `Bearer ${leader.token}` } });
    expect(refused.status).toBe(403);
  });

  it.each(['launched', 'due', 'completed'] as const)('assessment for a period (from/to on the %s date) counts only that period, deductions too', async (dateField) => {
    const weights = (await leader.get('/api/assessment/weights')).body;
    const from = BASE + 25 * DAY_MS;
    const to = BASE + 70 * DAY_MS;
    const res = await leader.get(`/api/assessment?${mine()}&dateField=${dateField}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`);
    expect(res.status).toBe(200);
    expect(res.body.period).toMatchObject({ dateField, from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    const inPeriod = factsIn(stories, { dateField, from, to });
    // The period matters: it leaves out tasks the whole book counts.
    expect(inPeriod.length).toBeLessThan(factsIn(stories).length);
    expect(inPeriod.length).toBeGreaterThan(0);
    await expectAssessment(res.body, weights, inPeriod);
  });

  it('is for leaders, supervisors and auditors; bad filters answer 400', async () => {
    expect((await staff.get('/api/dashboard')).status).toBe(403);
    expect((await staff.get('/api/tasks')).status).toBe(403);
    expect((await leader.get('/api/dashboard?dateField=whenever')).status).toBe(400);
    expect((await leader.get('/api/dashboard?from=2027-02-30T00:00:00Z')).status).toBe(400);
    expect((await leader.get('/api/dashboard?departmentId=nope')).status).toBe(400);
    expect((await leader.get('/api/dashboard?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z')).status).toBe(400);
  });
});

describe('a task row without its copy of the item facts', () => {
  it('still lists in the drill-down, with the kind and launch time of its item', async () => {
    const story = stories.find((s) => s.tasks.some((t) => t.acceptedAt === null && !t.closed))!;
    const task = story.tasks.find((t) => t.acceptedAt === null && !t.closed)!;
    const sql = h.deps.database.sql;
    await sql`update tasks set item_kind = null, item_launched_at = null where id = ${task.id}`;
    try {
      const res = await leader.get(`/api/tasks?departmentId=${task.departmentId}&metric=inProgress&pageSize=200`);
      expect(res.status).toBe(200);
      expect(res.body.items.find((t: Json) => t.taskId === task.id)).toMatchObject({ kind: story.kind, launchedAt: new Date(story.launchedAt).toISOString() });
    } finally {
      await sql`update tasks set item_kind = ${story.kind}, item_launched_at = ${new Date(story.launchedAt).toISOString()}::timestamptz where id = ${task.id}`;
    }
  });
});
