/**
 * The standing book's monthly roll-up (migrations 0012 and 0016: by launch, due and completion
 * month), for the standing book and the monthly trend, against counting the task rows themselves: any window on any date field, any kind, before
 * and after compaction, after every kind of task change, and under concurrent writers and
 * compactions (no deadlock, no writer waiting for another, nothing lost).
 */
import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillDownLinks, filterQueryString } from '../../api/services/dashboard/standing-book';
import { connectDatabase, type Database, type DatabaseHandle } from '../../db/client';
import { chinaMonthStart, compactStandingBook, countFacts, DATE_FIELDS, monthlyRollupPlan, trendOf, type CountRow, type DateField, type FactFilter } from '../../db/queries/dashboard';
import { items, tasks } from '../../db/schema/items';
import { ITEM_KINDS, type ItemKind } from '../../domain/types';
import { runMigrations } from '../../db/migrate';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { databaseOfItsOwn, testConfig } from '../support/services';
import { DAY_MS, expectedFigures, makeStories, METRIC_KEYS, rng, seedStories, type SeedItem } from './dashboard-seed';
import { writersRacingCompaction } from '../support/concurrency';

let h: ApiHarness;
let db: Database;
let depts: string[];
let issuer: string;
let stories: SeedItem[];
// 2024-12-10 China time: the stories span a year boundary and five month boundaries.
const BASE = Date.UTC(2024, 11, 9, 16);
const DAYS = 150;

// A database of this file's own: its lock drills and global compactions must not meet other files' writers.
const databaseUrl = databaseOfItsOwn('supervision_rollup');

beforeAll(async () => {
  await runMigrations(databaseUrl);
  h = await startApiHarness({ worker: false, config: testConfig({ DATABASE_URL: databaseUrl }) });
  db = h.deps.database.db;
  depts = (await Promise.all(['月表一局', '月表二局', '月表三局'].map((n) => h.createDepartment(n)))).map((d) => d.id);
  issuer = (await h.createUser('leader')).id;
  stories = makeStories(depts, 240, BASE, DAYS, 20241210);
  await seedStories(db, stories, issuer);
});
afterAll(async () => h?.close());

const sorted = (rows: CountRow[]) => [...rows].sort((a, b) => `${a.kind}|${a.departmentId}`.localeCompare(`${b.kind}|${b.departmentId}`));

/** The roll-up's answer equals the plain count's, row for row (kind × department and the sums). */
async function expectRollupMatchesScan(filter: FactFilter, now = new Date()) {
  const plan = monthlyRollupPlan(filter, now, { evenIfSlower: true });
  expect(plan, JSON.stringify(filter)).toBeDefined();
  const [byRollup, byScan] = await Promise.all([countFacts(db, filter, { source: 'rollup', now }), countFacts(db, filter, { source: 'scan' })]);
  expect(sorted(byRollup), JSON.stringify({ filter, plan })).toEqual(sorted(byScan));
  // The trend's months too: each month's figures as the roll-up sums them, as counting the rows gives them.
  const [trendByRollup, trendByScan] = await Promise.all([
    trendOf(db, filter, 'month', { source: 'rollup', now }),
    trendOf(db, filter, 'month', { source: 'scan', now }),
  ]);
  expect(trendByRollup, JSON.stringify({ filter, plan, trend: true })).toEqual(trendByScan);
  return byRollup;
}

const mine = (dateField: DateField = 'launched'): FactFilter => ({ dateField, departmentIds: depts });

/** Every basis of the roll-up, without a window (every month, null months too). */
async function expectEveryBasisMatches() {
  for (const dateField of DATE_FIELDS) await expectRollupMatchesScan(mine(dateField));
}

describe('standing book monthly roll-up', () => {
  it('puts an instant in the same China-time month as Postgres does', async () => {
    const random = rng(5);
    const instants = [
      ...Array.from({ length: 200 }, () => new Date(Date.UTC(1995, 0, 1) + Math.floor(random() * 60 * 365 * DAY_MS))),
      ...[0, 1, 11].flatMap((m) => [-1, 0, 1].map((ms) => new Date(Date.UTC(2025, m, 1) - 8 * 3_600_000 + ms))),
    ];
    const rows = await db.execute<{ at: string; month: Date | string }>(sql`
      select a.at, standing_book_month(a.at::timestamptz) as month
      from unnest(${`{${instants.map((d) => d.toISOString()).join(',')}}`}::text[]) as a(at)`);
    for (const r of rows) expect(new Date(r.month).toISOString(), r.at).toBe(chinaMonthStart(new Date(r.at)).toISOString());
  });

  it.each(DATE_FIELDS)('counts any window on the %s date exactly: whole months from the roll-up, the edges from the task rows', async (dateField) => {
    const random = rng(11);
    const monthStarts = Array.from({ length: 8 }, (_, i) => chinaMonthStart(new Date(BASE), i - 1).getTime());
    const instantNear = () => {
      const roll = random();
      if (roll < 0.25) return monthStarts[Math.floor(random() * monthStarts.length)]!; // on a boundary
      if (roll < 0.35) return monthStarts[Math.floor(random() * monthStarts.length)]! + (random() < 0.5 ? -1 : 1); // a millisecond off
      return BASE - 20 * DAY_MS + Math.floor(random() * (DAYS + 40) * DAY_MS);
    };
    const nows = [new Date(), new Date(BASE + 70 * DAY_MS)];
    let checked = 0;
    for (let i = 0; i < 60; i++) {
      const [from, end] = [instantNear(), instantNear()].sort((a, b) => a - b) as [number, number];
      const to = i % 10 === 0 || end === from ? undefined : end;
      const filter: FactFilter = {
        ...mine(dateField),
        from: i % 10 === 5 ? undefined : new Date(from),
        to: to === undefined ? undefined : new Date(to),
        kind: i % 3 === 0 ? ITEM_KINDS[i % ITEM_KINDS.length] : undefined,
      };
      const now = nows[i % 2]!;
      if (!monthlyRollupPlan(filter, now, { evenIfSlower: true })) continue; // inside one month: counted from the rows
      const rows = await expectRollupMatchesScan(filter, now);
      const expected = expectedFigures(stories, { dateField, from: filter.from?.getTime(), to: filter.to?.getTime(), kind: filter.kind as ItemKind | undefined });
      const total = rows.find((r) => r.kind === null && r.departmentId === null)!;
      expect(Object.fromEntries(METRIC_KEYS.map((m) => [m, total[m]]))).toEqual(expected.total);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
    // No window at all: every month, and the rows whose item has not arrived yet (or not completed).
    await expectRollupMatchesScan(mine(dateField));
  });

  it('chooses the roll-up for a year and a month, and the rows for a few days', () => {
    const now = new Date(Date.UTC(2026, 10, 23, 4));
    const year = monthlyRollupPlan({ dateField: 'launched', from: new Date(now.getTime() - 365 * DAY_MS), to: now }, now)!;
    expect(year.monthsTo!.getTime() - year.monthsFrom!.getTime()).toBeGreaterThan(330 * DAY_MS);
    // Neither edge reads more than half a month of launches; the one after `now` reads none.
    for (const e of year.edges) expect(Math.min(e.to.getTime(), now.getTime()) - e.from.getTime()).toBeLessThanOrEqual(16 * DAY_MS);
    expect(monthlyRollupPlan({ dateField: 'launched', from: new Date(now.getTime() - 30 * DAY_MS), to: now }, now)).toBeDefined();
    expect(monthlyRollupPlan({ dateField: 'launched', from: new Date(now.getTime() - 3 * DAY_MS), to: now }, now)).toBeUndefined();
    // A year by due date or by completion date too (0016); a due window may run into the future.
    for (const dateField of ['due', 'completed'] as const) {
      const plan = monthlyRollupPlan({ dateField, from: new Date(now.getTime() - 365 * DAY_MS), to: now }, now)!;
      expect(plan.monthsTo!.getTime() - plan.monthsFrom!.getTime(), dateField).toBeGreaterThan(330 * DAY_MS);
    }
    const ahead = monthlyRollupPlan({ dateField: 'due', from: now, to: new Date(now.getTime() + 90 * DAY_MS) }, now)!;
    expect(ahead.monthsTo!.getTime() - ahead.monthsFrom!.getTime()).toBeGreaterThan(55 * DAY_MS);
    expect(monthlyRollupPlan({ dateField: 'due', from: now }, now)).toBeDefined();
    // What the roll-up does not hold: an issuer, the timeline.
    expect(monthlyRollupPlan({ dateField: 'launched', issuedBy: randomUUID(), from: new Date(0), to: now }, now)).toBeUndefined();
    expect(monthlyRollupPlan({ dateField: 'due', issuedBy: randomUUID(), from: new Date(0), to: now }, now)).toBeUndefined();
    expect(monthlyRollupPlan({ dateField: 'launched', asOf: now, from: new Date(0), to: now }, now)).toBeUndefined();
  });

  it('follows every change of a task row, before and after compaction', async () => {
    const check = async () => {
      for (const dateField of DATE_FIELDS) {
        await expectRollupMatchesScan(mine(dateField));
        await expectRollupMatchesScan({ ...mine(dateField), from: new Date(BASE + 17 * DAY_MS), to: new Date(BASE + 101 * DAY_MS) });
      }
    };
    const live = stories.flatMap((s) => s.tasks).filter((t) => !t.closed && t.acceptedAt === null);
    const [a, b, c, d, e, f, g] = live;
    await db.update(tasks).set({ status: 'accepted', outcome: 'overdue', acceptedAt: new Date(BASE + 60 * DAY_MS), light: 'green' }).where(eq(tasks.id, a!.id));
    // An extension moves the due date into another month; an acceptance is corrected to another day.
    await db.update(tasks).set({ dueAt: new Date(f!.dueAt + 40 * DAY_MS), postponed: true }).where(eq(tasks.id, f!.id));
    await db.update(tasks).set({ acceptedAt: new Date(BASE + 95 * DAY_MS) }).where(eq(tasks.id, a!.id));
    await db.update(tasks).set({ status: 'accepted', outcome: 'on_time', acceptedAt: new Date() }).where(eq(tasks.id, g!.id));
    await db.update(tasks).set({ light: 'red', redEver: true }).where(eq(tasks.id, b!.id));
    await db.update(tasks).set({ status: 'transferred', closedAt: new Date() }).where(eq(tasks.id, c!.id));
    await db.update(tasks).set({ departmentId: depts[(depts.indexOf(d!.departmentId) + 1) % depts.length]! }).where(eq(tasks.id, d!.id));
    await db.delete(tasks).where(eq(tasks.id, e!.id));
    // Updates that move no count append nothing (and change nothing).
    await db.update(tasks).set({ urgeCount: 5, percent: 40 }).where(eq(tasks.id, b!.id));
    await check();

    // A task written before its item (the audit rebuild's order) counts once the item arrives.
    const early = { ...stories[0]!.tasks[0]!, id: randomUUID(), itemId: randomUUID() };
    const [template] = await db.select().from(tasks).where(eq(tasks.id, stories[0]!.tasks[0]!.id));
    const launched = new Date(BASE + 40 * DAY_MS);
    await db.insert(tasks).values({ ...template!, id: early.id, itemId: early.itemId, status: 'in_progress', workflowId: `task-${early.id}` });
    await check();
    const [itemTemplate] = await db.select().from(items).where(eq(items.id, stories[0]!.id));
    await db.insert(items).values({ ...itemTemplate!, id: early.itemId, code: `DB-R-${early.itemId.slice(0, 13)}`, createdAt: launched, launchedAt: launched, workflowId: `item-${early.itemId}`, kind: 'routine' });
    const [moved] = await db.select().from(tasks).where(eq(tasks.id, early.id));
    expect(moved!.itemLaunchedAt?.getTime()).toBe(launched.getTime());
    await check();

    await compactStandingBook(db);
    await check();
  });

  it('lets concurrent writers and compactions run without deadlock or lost counts', async () => {
    const handle: DatabaseHandle = connectDatabase(h.config.DATABASE_URL, { max: 8 });
    try {
      const pool = handle.db;
      const rows = await pool.select({ id: tasks.id, itemId: tasks.itemId }).from(tasks).where(inArray(tasks.departmentId, depts));
      const itemIds = [...new Set(rows.map((r) => r.itemId))];
      const WRITERS = 6;
      const random = rng(99);
      const lights = ['green', 'yellow', 'red'] as const;
      const statuses = ['in_progress', 'signed', 'accepted', 'cancelled'] as const;
      const writer = async (w: number) => {
        // Each writer owns its own items' tasks, all sharing months and departments. (A task's write locks
        // its item's row, which its lights follow: two writers holding tasks of the same two items could
        // take those rows in opposite orders and deadlock, which no projection, one task a transaction, does.)
        const own = rows.filter((r) => itemIds.indexOf(r.itemId) % WRITERS === w).map((r) => r.id);
        for (let round = 0; round < 12; round++) {
          await pool.transaction(async (tx) => {
            await tx.execute(sql`set local lock_timeout = '5s'`);
            const picked = [...own].sort(() => random() - 0.5).slice(0, 4);
            for (const id of picked) {
              const status = statuses[Math.floor(random() * statuses.length)]!;
              await tx
                .update(tasks)
                .set({
                  status,
                  light: lights[Math.floor(random() * 3)]!,
                  redEver: random() < 0.3,
                  outcome: status === 'accepted' ? 'on_time' : null,
                  // Due and completion months move too (the roll-up's other bases).
                  acceptedAt: status === 'accepted' ? new Date(BASE + Math.floor(random() * DAYS * DAY_MS)) : null,
                  dueAt: new Date(BASE + Math.floor(random() * DAYS * DAY_MS)),
                })
                .where(eq(tasks.id, id));
              if (random() < 0.2) await tx.execute(sql`select standing_book_compact()`);
              await tx.execute(sql`select pg_sleep(0.002)`);
            }
          });
        }
      };
      expect(await writersRacingCompaction(WRITERS, writer, () => compactStandingBook(pool))).toEqual([]);
      await expectEveryBasisMatches();
      await compactStandingBook(pool);
      await expectEveryBasisMatches();
    } finally {
      await handle.close();
    }
  });

  it('never makes a writer wait for another, not even for one holding a compaction open', async () => {
    const handle = connectDatabase(h.config.DATABASE_URL, { max: 4 });
    try {
      // Three tasks of one department on three items: writers of one item's tasks do wait for each other,
      // on the item row its lights follow (migration 0020), and an earlier test moved a task into this
      // department beside its item's own.
      const ofDepartment = await handle.db.select({ id: tasks.id, itemId: tasks.itemId }).from(tasks).where(eq(tasks.departmentId, depts[0]!));
      const [first, second, third] = ofDepartment.filter((t, i) => ofDepartment.findIndex((o) => o.itemId === t.itemId) === i);
      expect(new Set([first!.itemId, second!.itemId, third!.itemId]).size).toBe(3);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let holding!: () => void;
      const isHolding = new Promise<void>((r) => (holding = r));
      const holder = handle.db.transaction(async (tx) => {
        await tx.update(tasks).set({ light: 'red', redEver: true }).where(eq(tasks.id, first!.id));
        await tx.execute(sql`select standing_book_compact()`);
        holding();
        await held;
      });
      await isHolding;
      // Same department and (likely) month as the open transaction's: commits at once, and counts.
      await handle.db.transaction(async (tx) => {
        await tx.execute(sql`set local lock_timeout = '2s'`);
        await tx.update(tasks).set({ light: 'yellow' }).where(eq(tasks.id, second!.id));
        await tx.update(tasks).set({ status: 'accepted', outcome: 'on_time' }).where(eq(tasks.id, third!.id));
        await tx.execute(sql`select standing_book_compact()`); // the lock is taken: skipped, not waited for
      });
      await expectEveryBasisMatches();
      release();
      await holder;
      await expectEveryBasisMatches();
    } finally {
      await handle.close();
    }
  });

  it('builds the same drill-down links as filterQueryString', () => {
    const filters: FactFilter[] = [
      { dateField: 'launched' },
      { dateField: 'due', from: new Date(BASE), to: new Date(BASE + DAY_MS), kind: 'routine', departmentIds: depts, issuedBy: randomUUID(), asOf: new Date(BASE) },
      { dateField: 'completed', departmentIds: [depts[0]!] },
    ];
    for (const filter of filters) {
      const links = drillDownLinks(filter);
      for (const extra of [{}, { kind: 'meeting_resolution' }, { departmentId: depts[1]! }, { kind: 'routine', departmentId: depts[2]! }]) {
        expect(links(extra)).toEqual({
          tasks: `/api/tasks?${filterQueryString(filter, extra)}`,
          items: `/api/items?${filterQueryString(filter, extra, 'departmentIds')}`,
        });
      }
    }
  });
});
