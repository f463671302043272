/**
 * SEED_DEMO's items, played through the real API and worker into a database of their own: every
 * state a newcomer should see is there (kinds, yellow and red, on time and late, returned, extended,
 * transferred, public, waiting for review or for a decision), and a second run adds nothing.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../db/migrate';
import { seed } from '../../db/seed';
import { DEMO_ITEMS, seedDemoItems } from '../../scripts/demo-items';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { waitFor } from '../support/item-fixtures';
import { databaseOfItsOwn, testConfig } from '../support/services';

const databaseUrl = databaseOfItsOwn('supervision_demo');
let h: ApiHarness;

beforeAll(async () => {
  await runMigrations(databaseUrl);
  h = await startApiHarness({ config: testConfig({ DATABASE_URL: databaseUrl }) });
  await seed(h.deps.database.db, { adminPassword: 'demo-admin-password', demo: true });
}, 60_000);
afterAll(async () => h?.close());

async function count(where: string): Promise<number> {
  const [row] = await h.deps.database.db.execute<{ n: number }>(sql.raw(`select count(*)::int as n from tasks t join items i on i.id = t.item_id where ${where}`));
  return row!.n;
}

describe('the demo items', () => {
  it('a fresh seed yields every state, and a second one adds nothing', async () => {
    const first = await seedDemoItems(h.deps.database.db, h.baseUrl);
    expect(first.problems).toEqual([]);
    expect(first.launched).toBe(DEMO_ITEMS.length);
    expect(DEMO_ITEMS.length).toBeGreaterThanOrEqual(24);

    const [kinds] = await h.deps.database.db.execute<{ n: number }>(sql`select count(distinct kind)::int as n from items`);
    expect(kinds!.n).toBe(4);
    // The read model follows the workflows' projections: wait until the last actions have landed.
    await waitFor(async () => (await count(`t.status = 'accepted' and t.outcome = 'overdue'`)) >= 1, 'a task completed late', 30_000);
    expect(await count(`t.status = 'accepted' and t.outcome = 'on_time'`)).toBeGreaterThanOrEqual(3);
    expect(await count(`t.return_count >= 1 and t.status = 'in_progress'`)).toBeGreaterThanOrEqual(1);
    expect(await count(`t.postponed`)).toBeGreaterThanOrEqual(1);
    expect(await count(`t.pending_extension is not null`)).toBeGreaterThanOrEqual(1);
    expect(await count(`t.status = 'transferred'`)).toBeGreaterThanOrEqual(1);
    expect(await count(`t.status = 'submitted'`)).toBeGreaterThanOrEqual(1);
    expect(await count(`t.urge_count >= 1`)).toBeGreaterThanOrEqual(1);
    expect(await count(`i.public`)).toBeGreaterThanOrEqual(1);
    // Short windows: some turn yellow within a minute, some red.
    await waitFor(async () => (await count(`t.light = 'yellow' and t.closed_at is null`)) >= 1, 'a yellow task', 60_000);
    await waitFor(async () => (await count(`t.light = 'red' and t.closed_at is null`)) >= 1, 'a red task', 60_000);

    const [before] = await h.deps.database.db.execute<{ n: number }>(sql`select count(*)::int as n from items`);
    const second = await seedDemoItems(h.deps.database.db, h.baseUrl);
    expect(second).toEqual({ launched: 0, existing: DEMO_ITEMS.length, problems: [] });
    const [after] = await h.deps.database.db.execute<{ n: number }>(sql`select count(*)::int as n from items`);
    expect(after!.n).toBe(before!.n);
  }, 240_000);
});
