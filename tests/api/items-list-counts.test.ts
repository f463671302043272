/**
 * The item list's count roll-up (items_list_counts + deltas) against counting the item rows: every
 * mix of the filters it holds, pages of every length, after every kind of item change, before and
 * after compaction, and under concurrent writers and compactions.
 */
import { randomUUID } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../db/client';
import { compactItemListCounts, listItems, type ItemFilter } from '../../db/queries/items';
import { items } from '../../db/schema/items';
import { ITEM_KINDS, ITEM_STATUSES, LIGHTS } from '../../domain/types';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { rng } from './dashboard-seed';
import { writersRacingCompaction } from '../support/concurrency';

let h: ApiHarness;
let database: DatabaseHandle;
let depts: string[];
let leaders: string[];
const ids: string[] = [];

const random = rng(20261125);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;

function itemRow(i: number) {
  const id = randomUUID();
  const at = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000);
  const departmentIds = [...new Set([pick(depts), pick(depts), ...(random() < 0.3 ? [pick(depts)] : [])])];
  return {
    id,
    code: `DB-C-${id.slice(0, 13)}`,
    kind: pick(ITEM_KINDS),
    title: `计数测试事项 ${i}`,
    status: pick(ITEM_STATUSES),
    light: pick(LIGHTS),
    issuedBy: pick(leaders),
    dueAt: new Date(at.getTime() + 30 * 86_400_000),
    createdAt: at,
    launchedAt: at,
    departmentIds,
    workflowId: `item-${id}`,
    version: 1,
  };
}

beforeAll(async () => {
  h = await startApiHarness({ worker: false });
  database = h.deps.database;
  depts = (await Promise.all(['计数一局', '计数二局', '计数三局'].map((n) => h.createDepartment(n)))).map((d) => d.id);
  leaders = (await Promise.all([h.createUser('leader'), h.createUser('leader')])).map((u) => u.id);
  const rows = Array.from({ length: 160 }, (_, i) => itemRow(i));
  await database.db.insert(items).values(rows);
  ids.push(...rows.map((r) => r.id));
});
afterAll(async () => h?.close());

/**
 * Every filter the roll-up holds, each scoped to this test's leaders or departments (other test
 * files write items into the same database at the same time).
 */
function filters(): ItemFilter[] {
  const out: ItemFilter[] = [];
  const mixes: Pick<ItemFilter, 'kind' | 'status' | 'light'>[] = [{}, { kind: 'routine' }, { status: 'in_progress' }, { light: 'red' }, { kind: 'meeting_resolution', light: 'yellow' }];
  for (const mix of mixes) {
    for (const issuedBy of [...leaders, undefined]) {
      for (const department of [undefined, 'departmentId', 'visibleToDepartment', 'both'] as const) {
        if (!issuedBy && !department) continue;
        const d = depts[out.length % depts.length]!;
        out.push({
          ...mix,
          issuedBy,
          departmentId: department === 'departmentId' || department === 'both' ? d : undefined,
          visibleToDepartment: department === 'visibleToDepartment' || department === 'both' ? d : undefined,
        });
      }
    }
  }
  return out;
}

async function expectRollupMatchesRows() {
  for (const filter of filters()) {
    for (const page of [{ limit: 20, offset: 0 }, { limit: 5, offset: 5 }, { limit: 200, offset: 0 }, { limit: 20, offset: 10_000 }]) {
      const [byRollup, byRows] = await Promise.all([listItems(database, filter, page, { countFrom: 'rollup' }), listItems(database, filter, page, { countFrom: 'rows' })]);
      expect(byRollup, JSON.stringify({ filter, page })).toEqual(byRows);
    }
  }
}

describe('item list count roll-up', () => {
  it('counts every mix of kind, status, light, issuer and one department as the rows do', async () => {
    await expectRollupMatchesRows();
    // The total is every match, not the page; the leaders' items are all of this test's items.
    const all = await Promise.all(leaders.map((issuedBy) => listItems(database, { issuedBy }, { limit: 1, offset: 0 })));
    expect(all.reduce((n, r) => n + r.total, 0)).toBe(ids.length);
    // Filters it does not hold are counted from the rows, and asking for them is refused.
    await expect(listItems(database, { issuedBy: leaders[0], q: '计数' }, { limit: 1, offset: 0 }, { countFrom: 'rollup' })).rejects.toThrow(/does not hold/);
    await expect(listItems(database, { departmentId: depts[0], visibleToDepartment: depts[1] }, { limit: 1, offset: 0 }, { countFrom: 'rollup' })).rejects.toThrow(
      /does not hold/,
    );
  });

  it('follows every change of an item row, before and after compaction', async () => {
    const [a, b, c, d, e, f] = ids;
    await database.db.update(items).set({ status: 'completed', light: 'green' }).where(eq(items.id, a!));
    await database.db.update(items).set({ light: 'red' }).where(eq(items.id, b!));
    await database.db.update(items).set({ kind: 'routine', issuedBy: leaders[1]! }).where(eq(items.id, c!));
    // A transfer adds a department; one may also leave.
    await database.db.update(items).set({ departmentIds: depts }).where(eq(items.id, d!));
    await database.db.update(items).set({ departmentIds: [depts[2]!] }).where(eq(items.id, e!));
    // Updates that move no count append nothing and change nothing.
    await database.db.update(items).set({ dueAt: new Date(), completedAt: new Date() }).where(eq(items.id, f!));
    await database.db.delete(items).where(eq(items.id, ids.pop()!));
    const [added] = await database.db.insert(items).values(itemRow(500)).returning({ id: items.id });
    ids.push(added!.id);
    await expectRollupMatchesRows();

    await compactItemListCounts(database.db);
    await expectRollupMatchesRows();
  });

  it('lets concurrent writers and compactions run without deadlock or lost counts', async () => {
    const handle = connectDatabase(h.config.DATABASE_URL, { max: 8 });
    try {
      const WRITERS = 6;
      const writer = async (w: number) => {
        // Each writer owns its items (items never wait on each other), all sharing the counted groups.
        const own = ids.filter((_, i) => i % WRITERS === w);
        for (let round = 0; round < 10; round++) {
          await handle.db.transaction(async (tx) => {
            await tx.execute(sql`set local lock_timeout = '5s'`);
            for (const id of [...own].sort(() => random() - 0.5).slice(0, 4)) {
              await tx
                .update(items)
                .set({ status: pick(ITEM_STATUSES), light: pick(LIGHTS), departmentIds: [pick(depts)] })
                .where(eq(items.id, id));
              if (random() < 0.2) await tx.execute(sql`select items_list_count_compact()`);
              await tx.execute(sql`select pg_sleep(0.002)`);
            }
          });
        }
      };
      expect(await writersRacingCompaction(WRITERS, writer, () => compactItemListCounts(handle.db))).toEqual([]);
      await expectRollupMatchesRows();
      await compactItemListCounts(handle.db);
      await expectRollupMatchesRows();
    } finally {
      await handle.close();
    }
  });

  it("answers a department's staff with their items' exact total, filtered by their department or not", async () => {
    const staff = await h.createUser('department', depts[0]);
    const own = await database.db.select({ id: items.id, departmentIds: items.departmentIds }).from(items).where(inArray(items.id, ids));
    const expected = own.filter((r) => r.departmentIds.includes(depts[0]!)).length;
    expect((await staff.get('/api/items?pageSize=1')).body.total).toBe(expected);
    expect((await staff.get(`/api/items?pageSize=1&departmentId=${depts[0]}`)).body.total).toBe(expected);
    // Another department's filter inside their own items: both at once, counted from the rows.
    const both = own.filter((r) => r.departmentIds.includes(depts[0]!) && r.departmentIds.includes(depts[1]!)).length;
    expect((await staff.get(`/api/items?pageSize=1&departmentId=${depts[1]}`)).body.total).toBe(both);
  });
});
