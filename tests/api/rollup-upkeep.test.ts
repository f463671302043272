/**
 * The count roll-ups' upkeep (db/rollup-upkeep.ts) against a real Postgres, in a database of its
 * own (its VACUUM FULL would otherwise wait on the other test files' locks): after a bulk import
 * has bloated the roll-ups' small tables, one pass leaves them compact, the list reads its total
 * from a few pages instead of thousands, and no figure moves — list totals and standing-book
 * counts equal the rows' own counts before and after.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DatabaseHandle } from '../../db/client';
import { runMigrations } from '../../db/migrate';
import { countFacts, type CountRow } from '../../db/queries/dashboard';
import { listItems, type ItemFilter } from '../../db/queries/items';
import { scheduleRollupUpkeep, upkeepRollups, type RollupTable } from '../../db/rollup-upkeep';
import { databaseOfItsOwn } from '../support/services';

const ITEMS = 12_000;
const url = databaseOfItsOwn('supervision_test_upkeep');
let database: DatabaseHandle;
let depts: string[];
let leader: string;

/** Like an import from an older system: thousands of items and their tasks in one statement each. */
async function importItems(count: number): Promise<void> {
  const sql = database.sql;
  await sql`
    insert into items (id, code, kind, title, status, light, issued_by, due_at, created_at, launched_at, department_ids, workflow_id, version)
    select gen_random_uuid(), 'IMPORT-' || gen_random_uuid(),
      (array['meeting_resolution','leadership_instruction','approval_document','routine'])[1 + g % 4],
      '导入事项 ' || g,
      (array['launched','in_progress','in_progress','completed','archived','cancelled'])[1 + (g / 4) % 6],
      (array['green','green','yellow','red'])[1 + (g / 7) % 4],
      ${leader}::uuid, now() + ((g % 400) - 100) * interval '1 day',
      now() - (g % 2000) * interval '1 hour', now() - (g % 2000) * interval '1 hour',
      array[(${depts}::uuid[])[1 + g % 3], (${depts}::uuid[])[1 + (g / 3) % 3]],
      'import-' || g, 1
    from generate_series(1, ${count}::int) g`;
  await sql`
    insert into tasks (id, item_id, department_id, role, status, light, light_reason_code, light_reason_en, light_reason_zh,
      sign_due_at, warn_at, due_at, original_due_at, started_at, workflow_id, version)
    select gen_random_uuid(), i.id, i.department_ids[1], 'lead',
      (array['assigned','signed','in_progress','submitted'])[1 + abs(hashtext(i.id::text)) % 4],
      i.light, 'imported', 'imported', '导入', i.created_at, i.due_at - interval '3 days', i.due_at, i.due_at, i.created_at,
      'import-task-' || i.id, 1
    from items i where i.workflow_id like 'import-%' and not exists (select 1 from tasks t where t.item_id = i.id)`;
}

async function pagesOf(table: RollupTable): Promise<number> {
  const [row] = await database.sql<{ pages: number }[]>`select (pg_total_relation_size(${table}::regclass) / 8192)::int as pages`;
  return row!.pages;
}

/** Every count the list's roll-up holds, counts and pending deltas together. */
async function listRollupFigures() {
  return database.sql`
    select department_id, kind, status, light, issued_by, sum(n)::int as n
    from (select department_id, kind, status, light, issued_by, n from items_list_counts
          union all select department_id, kind, status, light, issued_by, n from items_list_count_deltas) every
    group by 1, 2, 3, 4, 5 having sum(n) <> 0 order by 1, 2, 3, 4, 5`;
}

const FILTERS: ItemFilter[] = [
  { light: 'yellow' },
  { status: 'in_progress', light: 'red' },
  { kind: 'routine', status: 'in_progress' },
  {},
];

async function expectListTotalsExact() {
  for (const filter of [...FILTERS, { departmentId: depts[1], status: 'completed' }, { visibleToDepartment: depts[2], light: 'green' }]) {
    const [byRollup, byRows] = await Promise.all([
      listItems(database, filter, { limit: 20, offset: 0 }, { countFrom: 'rollup' }),
      listItems(database, filter, { limit: 20, offset: 0 }, { countFrom: 'rows' }),
    ]);
    expect(byRollup.total, JSON.stringify(filter)).toBe(byRows.total);
    expect(byRollup.total, JSON.stringify(filter)).toBeGreaterThan(0);
  }
}

const sortedCounts = (rows: CountRow[]) =>
  [...rows].sort((a, b) => `${a.kind}|${a.departmentId}`.localeCompare(`${b.kind}|${b.departmentId}`));
async function expectStandingBookExact() {
  const filter = { dateField: 'launched' as const, departmentIds: depts };
  const [byRollup, byScan] = await Promise.all([
    countFacts(database.db, filter, { source: 'rollup' }),
    countFacts(database.db, filter, { source: 'scan' }),
  ]);
  expect(sortedCounts(byRollup)).toEqual(sortedCounts(byScan));
  expect(byScan.reduce((sum, row) => sum + (row.total ?? 0), 0)).toBeGreaterThan(0);
}

/** Shared buffers the list statement touches for a total of every item with a yellow light. */
async function listTotalBuffers(): Promise<number> {
  let captured: { text: string; values: unknown[] } | undefined;
  const spy = new Proxy(database.sql, {
    get: (target, key) =>
      key === 'unsafe'
        ? (text: string, values: unknown[], options: unknown) => {
            captured = { text, values };
            return target.unsafe(text, values as never, options as never);
          }
        : Reflect.get(target, key),
  });
  await listItems({ db: database.db, sql: spy }, { light: 'yellow' }, { limit: 20, offset: 0 });
  const plan = await database.sql.unsafe(`explain (analyze, buffers, format json) ${captured!.text}`, captured!.values as never);
  type Node = { 'Node Type': string; 'Shared Hit Blocks': number; 'Shared Read Blocks': number; Plans?: Node[] };
  const root = (plan[0]!['QUERY PLAN'] as { Plan: Node }[])[0]!.Plan;
  const buffers = (n: Node) => n['Shared Hit Blocks'] + n['Shared Read Blocks'];
  // The total's share: the page's own rows (the Limit under the root) are read whatever the roll-up's
  // state; since lights are read as of reading (issue 16) the page reads every item of the light asked.
  const page = root.Plans?.find((n) => n['Node Type'] === 'Limit');
  return buffers(root) - (page ? buffers(page) : 0);
}

beforeAll(async () => {
  await runMigrations(url);
  database = connectDatabase(url, { max: 4 });
  depts = (
    await database.sql<{ id: string }[]>`insert into departments (name) values ('导入一局'), ('导入二局'), ('导入三局') returning id`
  ).map((d) => d.id);
  const [created] = await database.sql<{ id: string }[]>`
    insert into users (username, display_name, role, password_hash) values ('import-leader', '导入领导', 'leader', 'x') returning id`;
  leader = created!.id;
  await importItems(ITEMS);
  await database.sql`vacuum (analyze) items, tasks`;
});

afterAll(async () => database?.close());

describe('roll-up upkeep', () => {
  it('leaves the bloated roll-up tables compact, the list total cheap to read, and every figure as it was', async () => {
    const before = {
      deltas: await pagesOf('items_list_count_deltas'),
      counts: await pagesOf('items_list_counts'),
      buffers: await listTotalBuffers(),
    };
    const figures = await listRollupFigures();
    // The import's compactions (one per ~1,000 deltas, inside its one statement) left thousands of dead rows.
    expect(before.deltas).toBeGreaterThan(200);
    expect(before.counts).toBeGreaterThan(100);
    await expectListTotalsExact();
    await expectStandingBookExact();
    const [pending] = await database.sql<{ n: number }[]>`select count(*)::int as n from items_list_count_deltas`;

    const report = await upkeepRollups(database);

    expect(report.ran).toBe(true);
    expect(report.folded.itemList).toBe(pending!.n);
    expect(report.tables.map((t) => t.table).sort()).toEqual([
      'items_list_count_deltas',
      'items_list_counts',
      'standing_book_month_deltas',
      'standing_book_months',
    ]);
    expect(report.tables.filter((t) => t.deferred)).toEqual([]);
    for (const table of report.tables) expect(table.pagesAfter, table.table).toBeLessThanOrEqual(Math.max(16, table.pagesBefore / 10));
    expect(await pagesOf('items_list_count_deltas')).toBeLessThan(8);
    // The page and its total now read a fraction of the buffers they read through the bloated files.
    const after = await listTotalBuffers();
    expect(after).toBeLessThan(before.buffers / 2);

    expect(await listRollupFigures()).toEqual(figures);
    await expectListTotalsExact();
    await expectStandingBookExact();
  });

  it('runs one pass at a time: a second one started meanwhile steps aside', async () => {
    await importItems(2_000);
    const reports = await Promise.all([upkeepRollups(database), upkeepRollups(database)]);
    expect(reports.map((r) => r.ran).sort()).toEqual([false, true]);
    await expectListTotalsExact();
  });

  it('does not wait on a reader holding a table: the rewrite is deferred and the lists keep answering', async () => {
    await importItems(6_000);
    const reader = await database.sql.reserve();
    try {
      await reader`begin`;
      await reader`lock table items_list_count_deltas in access share mode`;
      const started = performance.now();
      const report = await upkeepRollups(database, { lockTimeoutMs: 50 });
      // VACUUM's truncation gives up on its own after a few seconds of conditional tries; the rewrite after 50 ms.
      expect(performance.now() - started).toBeLessThan(20_000);
      const deltas = report.tables.find((t) => t.table === 'items_list_count_deltas')!;
      expect(deltas).toMatchObject({ rewritten: false, deferred: true });
      expect(report.tables.find((t) => t.table === 'items_list_counts')!.deferred).toBe(false);
      await expectListTotalsExact();
    } finally {
      await reader`rollback`;
      reader.release();
    }
    // The next pass, with the reader gone, does what was deferred.
    const next = await upkeepRollups(database);
    expect(next.tables.filter((t) => t.deferred)).toEqual([]);
    expect(await pagesOf('items_list_count_deltas')).toBeLessThan(8);
    await expectListTotalsExact();
  });

  it('runs on a schedule until closed, folding the deltas that writes leave', async () => {
    await importItems(500);
    const pending = async () => (await database.sql<{ n: number }[]>`select count(*)::int as n from items_list_count_deltas`)[0]!.n;
    expect(await pending()).toBeGreaterThan(0);
    const logged: string[] = [];
    const schedule = scheduleRollupUpkeep(database, 200, (message) => logged.push(message));
    try {
      for (let i = 0; i < 100 && (await pending()) > 0; i++) await sleep(100);
      expect(await pending()).toBe(0);
    } finally {
      await schedule.close();
    }
    expect(logged).not.toContain('roll-up upkeep failed');
    await expectListTotalsExact();
  });
});
