/**
 * Lights exact at the moment of reading (issue 16): when a task's instant passes before the timer
 * that records it has landed, every read already shows the new light. No worker runs here, so no
 * timer ever lands: the rows stay as the launch wrote them (stored light green, with the schedule).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveLight, type Light, type LightReason } from '../../domain';
import { listItems } from '../../db/queries/items';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { fromNow, launchBody } from '../support/item-fixtures';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staff: LoggedIn;
let dept: string;

beforeAll(async () => {
  h = await startApiHarness({ worker: false });
  dept = (await h.createDepartment('灯色局')).id;
  [supervisor, leader, staff] = await Promise.all([h.createUser('supervisor'), h.createUser('leader'), h.createUser('department', dept, 'staffLights')]);
});
afterAll(async () => h?.close());

const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now()) + 50));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe('lights as of the moment of reading, before any timer lands', () => {
  it('list, counts, item page, public page, standing book (as of now and asOf) and drill-down turn yellow at warnAt and red at dueAt', async () => {
    const dueAt = Date.now() + 6_000;
    const body = launchBody(leader.id, [{ departmentId: dept, role: 'lead', dueAt: new Date(dueAt).toISOString() }], {
      dueAt: fromNow(60_000),
      warnBefore: 'PT3S',
      signWithin: 'PT1H',
      public: true,
    });
    const launched = await supervisor.post('/api/items', body);
    expect(launched.status).toBe(201);
    const itemId = launched.body.id as string;
    const warnAt = dueAt - 3_000;

    const read = async () => {
      const list = await supervisor.get(`/api/items?departmentId=${dept}`);
      const byLight = async (light: Light) => (await supervisor.get(`/api/items?departmentId=${dept}&light=${light}`)).body.total as number;
      const page = await staff.get(`/api/items/${itemId}`);
      const pub = await h.request('GET', '/public/items?pageSize=100');
      const book = await leader.get(`/api/dashboard?departmentId=${dept}`);
      const totals = book.body.totals as Json;
      const drill = async (metric: string) => (await leader.get(`${totals.drillDown.tasks}&metric=${metric}`)).body as Json;
      return {
        listed: list.body.items.find((i: Json) => i.id === itemId)?.light as Light,
        counts: { green: await byLight('green'), yellow: await byLight('yellow'), red: await byLight('red') },
        item: page.body.light as Light,
        task: page.body.tasks[0] as Json,
        public: (pub.body as Json).items.find((i: Json) => i.title === body.title)?.light as Light,
        book: { yellow: totals.yellow as number, red: totals.red as number, redEver: totals.redEver as number },
        drill: { yellow: (await drill('yellow')).total as number, red: await drill('red') },
      };
    };

    const before = await read();
    expect(before).toMatchObject({ listed: 'green', counts: { green: 1, yellow: 0, red: 0 }, item: 'green', public: 'green', book: { yellow: 0, red: 0, redEver: 0 } });
    expect(before.task).toMatchObject({ light: 'green', lightReason: { code: 'on_track' }, nextYellowAt: new Date(warnAt).toISOString(), nextRedAt: new Date(dueAt).toISOString() });

    await sleepUntil(warnAt);
    const yellow = await read();
    expect(Date.now()).toBeLessThan(dueAt);
    expect(yellow).toMatchObject({ listed: 'yellow', counts: { green: 0, yellow: 1, red: 0 }, item: 'yellow', public: 'yellow', book: { yellow: 1, red: 0 } });
    expect(yellow.task).toMatchObject({ light: 'yellow', lightReason: { code: 'warning_window', en: 'due within 3 seconds' }, nextYellowAt: null, nextRedAt: new Date(dueAt).toISOString() });
    expect(yellow.drill.yellow).toBe(1);

    await sleepUntil(dueAt);
    const red = await read();
    expect(red).toMatchObject({ listed: 'red', counts: { green: 0, yellow: 0, red: 1 }, item: 'red', public: 'red', book: { yellow: 0, red: 1, redEver: 1 } });
    expect(red.task).toMatchObject({ light: 'red', redEver: true, lightReason: { code: 'due_passed', zh: '已超过办理期限' }, nextYellowAt: null, nextRedAt: null });
    expect(red.drill.red).toMatchObject({ total: 1, items: [expect.objectContaining({ light: 'red' })] });

    // As of a past instant: between warnAt and dueAt it was yellow, though no change was recorded then.
    const asOf = (at: number) => leader.get(`/api/dashboard?departmentId=${dept}&asOf=${new Date(at).toISOString()}`);
    expect((await asOf(warnAt + 500)).body.totals).toMatchObject({ yellow: 1, red: 0 });
    expect((await asOf(dueAt + 10)).body.totals).toMatchObject({ yellow: 0, red: 1, redEver: 1 });

    // The stored rows still say green: nothing but the reads moved.
    const [stored] = await h.deps.database.db.execute<{ light: string }>(sql`select light from tasks where item_id = ${itemId}`);
    expect(stored!.light).toBe('green');
    // The list's totals from the roll-up equal the rows' own count.
    for (const light of ['green', 'yellow', 'red'] as const) {
      const filter = { departmentId: dept, light };
      const [rollup, rows] = await Promise.all([
        listItems(h.deps.database, filter, { limit: 1, offset: 1 }, { countFrom: 'rollup' }),
        listItems(h.deps.database, filter, { limit: 1, offset: 1 }, { countFrom: 'rows' }),
      ]);
      expect(rollup.total, light).toBe(rows.total);
    }
  }, 30_000);

  it('the SQL rule (effective_light) and the domain rule (effectiveLight) agree', async () => {
    const reason: LightReason = { code: 'on_track', en: 'on track', zh: '正常推进' };
    const t = 1_800_000_000_000;
    const instants = [null, t - 1, t, t + 1];
    const cases: Array<[Light, number | null, number | null]> = [];
    for (const light of ['green', 'yellow', 'red'] as const) for (const y of instants) for (const r of instants) cases.push([light, y, r]);
    const ts = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    for (const [light, y, r] of cases) {
      const [row] = await h.deps.database.db.execute<{ l: string }>(
        sql`select effective_light(${light}, ${ts(y)}::timestamptz, ${ts(r)}::timestamptz, ${new Date(t).toISOString()}::timestamptz) as l`,
      );
      const schedule = { yellow: y === null ? null : { at: y, reason }, red: r === null ? null : { at: r, reason } };
      expect(row!.l, JSON.stringify({ light, y, r })).toBe(effectiveLight({ light, reason, schedule }, t).light);
    }
  });
});
