import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchItemId } from '../../api/services/items/commands';
import { items, tasks } from '../../db/schema/items';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { DAY, fromNow, launchBody, waitFor, workflowExists, type LaunchTask } from '../support/item-fixtures';
import { testConfig, uniqueName } from '../support/services';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let auditor: LoggedIn;
let deptA: string;
let deptB: string;
let deptC: string;

beforeAll(async () => {
  h = await startApiHarness();
  const made = await Promise.all([h.createDepartment('甲局'), h.createDepartment('乙局'), h.createDepartment('丙局')]);
  [deptA, deptB, deptC] = [made[0].id, made[1].id, made[2].id];
  [supervisor, leader, staffA, staffB, auditor] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('department', deptA, 'staffA'),
    h.createUser('department', deptB, 'staffB'),
    h.createUser('auditor'),
  ]);
});
afterAll(async () => h?.close());

const lead = (departmentId: string, dueAt?: string): LaunchTask => ({ departmentId, role: 'lead', ...(dueAt ? { dueAt } : {}) });
const assist = (departmentId: string, dueAt?: string): LaunchTask => ({ departmentId, role: 'assist', ...(dueAt ? { dueAt } : {}) });

async function rowsOfItem(itemId: string) {
  const db = h.deps.database.db;
  return {
    items: await db.select().from(items).where(eq(items.id, itemId)),
    tasks: await db.select().from(tasks).where(eq(tasks.itemId, itemId)),
  };
}

describe('POST /api/items', () => {
  it('launches: 201 with id, code, workflowId, light, status and tasks; listed and running at once', async () => {
    const body = launchBody(leader.id, [lead(deptA), assist(deptB)]);
    const res = await supervisor.post('/api/items', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      status: 'launched',
      light: 'green',
      workflowId: `item-${res.body.id}`,
      title: body.title,
      issuedBy: leader.id,
    });
    expect(res.body.code).toMatch(/^DB-\d{4}-\d{6}$/);
    expect(res.body.tasks).toHaveLength(2);
    const [a, b] = res.body.tasks;
    expect(a).toMatchObject({ departmentId: deptA, role: 'lead', status: 'assigned', light: 'green', outcome: null, redEver: false });
    expect(b).toMatchObject({ departmentId: deptB, role: 'assist' });
    // Both clocks start equal; a day-scale deadline is on the calendar (never earlier than asked).
    expect(a.dueAt).toBe(a.originalDueAt);
    expect(Date.parse(a.dueAt)).toBeGreaterThanOrEqual(Date.parse(body.dueAt));
    expect(Date.parse(a.warnAt)).toBe(Date.parse(a.dueAt) - 2 * DAY);

    const rows = await rowsOfItem(res.body.id);
    expect(rows.items).toHaveLength(1);
    expect(rows.tasks).toHaveLength(2);
    expect(await workflowExists(h.deps.temporal, `item-${res.body.id}`)).toBe(true);
    // The task workflows the item opens record their assignment in the timeline.
    await waitFor(async () => {
      const detail = await supervisor.get(`/api/items/${res.body.id}`);
      const assigned = detail.body.timeline.filter((e: { type: string }) => e.type === 'assigned');
      return assigned.length === 2 ? assigned : undefined;
    }, 'both tasks assigned');
  });

  it('a leader launching without issuedBy issues it themselves; codes never repeat', async () => {
    const body = launchBody(leader.id, [lead(deptA)]);
    delete (body as { issuedBy?: string }).issuedBy;
    const [one, two] = await Promise.all([
      leader.post('/api/items', body),
      leader.post('/api/items', { ...body, title: `${body.title}-2` }),
    ]);
    expect(one.status).toBe(201);
    expect(two.status).toBe(201);
    expect(one.body.issuedBy).toBe(leader.id);
    expect(one.body.code).not.toBe(two.body.code);
  });

  it('dueInWorkingDays: the deadline is the end of the Nth working day (China time), recorded as working days', async () => {
    const res = await supervisor.post('/api/items', launchBody(leader.id, [lead(deptA)], { dueAt: undefined, dueInWorkingDays: 5 }));
    expect(res.status).toBe(201);
    const due = new Date(res.body.dueAt);
    // 23:59:59 in UTC+8 is 15:59:59 UTC.
    expect(due.getUTCHours()).toBe(15);
    expect(due.getUTCMinutes()).toBe(59);
    expect(Date.parse(res.body.dueAt)).toBeGreaterThan(Date.now() + 5 * DAY);
    const detail = await supervisor.get(`/api/items/${res.body.id}`);
    expect(detail.body.tasks[0].workingDays).toBe(5);
  });

  it('takes the template defaults when durations and the due date are left out', async () => {
    const body = launchBody(leader.id, [lead(deptA)]);
    for (const field of ['dueAt', 'warnBefore', 'signWithin']) delete (body as Record<string, unknown>)[field];
    const res = await supervisor.post('/api/items', body);
    expect(res.status).toBe(201);
    // leadership_instruction: 10 working days, warning 2 days before.
    const task = res.body.tasks[0];
    expect(Date.parse(task.dueAt) - Date.parse(task.warnAt)).toBe(2 * DAY);
    expect(Date.parse(task.dueAt)).toBeGreaterThan(Date.now() + 10 * DAY);
  });

  describe('refuses a bad launch naming the field, and starts and writes nothing', () => {
    const cases: Array<[string, () => Record<string, unknown>, number, string]> = [
      ['unknown department', () => launchBody(leader.id, [lead('00000000-0000-4000-8000-000000000001')]), 422, 'body.tasks.0.departmentId'],
      ['two leads', () => launchBody(leader.id, [lead(deptA), lead(deptB)]), 422, 'body.tasks'],
      ['no lead', () => launchBody(leader.id, [assist(deptA)]), 422, 'body.tasks'],
      ['the same department twice', () => launchBody(leader.id, [lead(deptA), assist(deptA)]), 422, 'body.tasks.1.departmentId'],
      ['a due date in the past', () => launchBody(leader.id, [lead(deptA)], { dueAt: fromNow(-DAY) }), 422, 'body.dueAt'],
      [
        'both dueAt and dueInWorkingDays',
        () => launchBody(leader.id, [lead(deptA)], { dueInWorkingDays: 3 }),
        400,
        'body.dueInWorkingDays',
      ],
      ['a warnBefore that is no duration', () => launchBody(leader.id, [lead(deptA)], { warnBefore: 'P2X' }), 400, 'body.warnBefore'],
      ['a signWithin in months', () => launchBody(leader.id, [lead(deptA)], { signWithin: 'P1M' }), 400, 'body.signWithin'],
      ['a reportEvery that is no duration', () => launchBody(leader.id, [lead(deptA)], { reportEvery: 'weekly' }), 400, 'body.reportEvery'],
      ['an impossible date', () => launchBody(leader.id, [lead(deptA)], { dueAt: '2027-02-30T10:00:00Z' }), 400, 'body.dueAt'],
      ['a date without a zone', () => launchBody(leader.id, [lead(deptA)], { dueAt: '2027-01-10T10:00:00' }), 400, 'body.dueAt'],
      ['an issuer who is not a leader', () => launchBody(staffA.id, [lead(deptA)]), 422, 'body.issuedBy'],
      ['an issuer who does not exist', () => launchBody('00000000-0000-4000-8000-000000000002', [lead(deptA)]), 422, 'body.issuedBy'],
      ['a task due after its item', () => launchBody(leader.id, [lead(deptA, fromNow(20 * DAY))]), 422, 'body.tasks.0.dueAt'],
      ['a task due in the past', () => launchBody(leader.id, [lead(deptA, fromNow(-1000))]), 422, 'body.tasks.0.dueAt'],
      ['an unknown kind', () => launchBody(leader.id, [lead(deptA)], { kind: 'gossip' }), 400, 'body.kind'],
      ['an empty title', () => launchBody(leader.id, [lead(deptA)], { title: '   ' }), 400, 'body.title'],
      ['no tasks', () => launchBody(leader.id, [], {}), 400, 'body.tasks'],
      ['a department id that is no uuid', () => launchBody(leader.id, [lead('finance')]), 400, 'body.tasks.0.departmentId'],
    ];
    it.each(cases)('%s → %s naming %s', async (_name, body, status, field) => {
      const key = uniqueName('bad-launch');
      const b = body();
      const res = await supervisor.post('/api/items', b, { 'idempotency-key': key });
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(status === 400 ? 'validation_failed' : 'rule_violation');
      expect(res.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
      const itemId = launchItemId(supervisor.id, key);
      expect(await workflowExists(h.deps.temporal, `item-${itemId}`)).toBe(false);
      expect((await rowsOfItem(itemId)).items).toHaveLength(0);
      expect(
        (
          await h.deps.database.db
            .select()
            .from(items)
            .where(eq(items.title, String(b.title)))
        ).length,
      ).toBe(0);
    });

    it('a malformed field is explained in English and in Chinese', async () => {
      const res = await supervisor.post(
        '/api/items',
        launchBody(leader.id, [lead(deptA)], { dueAt: '2027-01-10T10:00:00', kind: 'gossip', title: '' }),
      );
      expect(res.status).toBe(400);
      const byField = Object.fromEntries(res.body.error.details.fields.map((f: { field: string }) => [f.field, f]));
      // The schema's own words, both languages.
      expect(byField['body.dueAt']).toMatchObject({
        message: 'an ISO-8601 instant with a zone, e.g. 2026-12-31T10:00:00Z',
        messageZh: '带时区的 ISO-8601 时刻，如 2026-12-31T10:00:00Z',
      });
      // zod's words, in Chinese from its own locale.
      expect(byField['body.kind'].messageZh).toMatch(/^无效选项：期望以下之一 .*"leadership_instruction"/);
      expect(byField['body.title'].messageZh).toMatch(/^数值过小/);

      // A business rule of the launch: both languages too, for the field and for the whole answer.
      const twoLeads = await supervisor.post('/api/items', launchBody(leader.id, [lead(deptA), lead(deptB)]));
      expect(twoLeads.status).toBe(422);
      expect(twoLeads.body.error.details).toMatchObject({
        fields: [
          {
            field: 'body.tasks',
            message: 'exactly one task must have the role "lead" (found 2)',
            messageZh: '须有且只有一个牵头单位（现有 2 个）',
          },
        ],
        messageZh: '须有且只有一个牵头单位（现有 2 个）',
      });
    });

    it('a supervisor must name the issuing leader', async () => {
      const body = launchBody(leader.id, [lead(deptA)]);
      delete (body as { issuedBy?: string }).issuedBy;
      const res = await supervisor.post('/api/items', body);
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields[0].field).toBe('body.issuedBy');
    });

    it('a body that is not JSON answers 400, not 500', async () => {
      const res = await h.request('POST', '/api/items', {
        body: '{"kind": ',
        headers: { authorization: `Bearer ${supervisor.token}`, 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
    });
  });

  it('only supervisors and leaders launch: 401 without login, 403 for department staff and auditors', async () => {
    const body = launchBody(leader.id, [lead(deptA)]);
    expect((await h.request('POST', '/api/items', { body })).status).toBe(401);
    expect((await staffA.post('/api/items', body)).status).toBe(403);
    expect((await auditor.post('/api/items', body)).status).toBe(403);
  });

  it('an Idempotency-Key repeat returns the first answer and launches once', async () => {
    const key = uniqueName('launch');
    const body = launchBody(leader.id, [lead(deptA)]);
    const [first, second] = await Promise.all([
      supervisor.post('/api/items', body, { 'idempotency-key': key }),
      supervisor.post('/api/items', body, { 'idempotency-key': key }),
    ]);
    const third = await supervisor.post('/api/items', body, { 'idempotency-key': key });
    expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
    expect(second.body).toEqual(first.body);
    expect(third.body).toEqual(first.body);
    expect(first.body.id).toBe(launchItemId(supervisor.id, key));
    expect((await h.deps.database.db.select().from(items).where(eq(items.title, body.title))).length).toBe(1);
  });
});

describe('a launch whose workflow cannot start', () => {
  it('answers 503 and leaves no rows behind (the rows and the start are one transaction)', async () => {
    // The same database, but a Temporal that does not answer: everything validates, the start fails.
    const broken = await startApiHarness({ worker: false, config: testConfig({ TEMPORAL_ADDRESS: '127.0.0.1:1' }) });
    try {
      const dept = await broken.createDepartment('断线局');
      const [boss, sup] = await Promise.all([broken.createUser('leader'), broken.createUser('supervisor')]);
      const key = uniqueName('no-temporal');
      const body = launchBody(boss.id, [lead(dept.id)]);
      const res = await sup.post('/api/items', body, { 'idempotency-key': key });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('unavailable');
      const rows = await rowsOfItem(launchItemId(sup.id, key));
      expect(rows.items).toHaveLength(0);
      expect(rows.tasks).toHaveLength(0);
      expect((await h.deps.database.db.select().from(items).where(eq(items.title, body.title))).length).toBe(0);
    } finally {
      await broken.close();
    }
  });
});

describe('GET /api/items and /api/items/:id', () => {
  const tag = uniqueName('筛选');
  const launched: Record<string, { id: string; code: string }> = {};

  beforeAll(async () => {
    const specs: Array<[string, Record<string, unknown>, LaunchTask[]]> = [
      ['a', { kind: 'leadership_instruction' }, [lead(deptA)]],
      ['b', { kind: 'routine' }, [lead(deptB)]],
      ['c', { kind: 'routine' }, [lead(deptA), assist(deptC)]],
      ['d', { kind: 'approval_document' }, [lead(deptC)]],
      // Due in 12 hours: a sub-day deadline never rolls to a working day, whatever day the test runs.
      ['e', { kind: 'meeting_resolution', dueAt: fromNow(DAY / 2) }, [lead(deptB), assist(deptA)]],
    ];
    for (const [name, overrides, taskList] of specs) {
      const res = await supervisor.post('/api/items', launchBody(leader.id, taskList, { title: `${tag} ${name}`, ...overrides }));
      expect(res.status).toBe(201);
      launched[name] = res.body;
    }
  });

  const titles = (body: { items: { title: string }[] }) => body.items.map((i) => i.title.split(' ').pop()).sort();

  it('answers each listed item with exactly the documented fields, nothing internal', async () => {
    const page = (await supervisor.get(`/api/items?q=${encodeURIComponent(tag)}`)).body;
    expect(Object.keys(page).sort()).toEqual(['items', 'page', 'pageSize', 'total']);
    for (const item of page.items) {
      expect(Object.keys(item).sort()).toEqual(
        ['code', 'completedAt', 'createdAt', 'departmentIds', 'dueAt', 'id', 'issuedBy', 'kind', 'light', 'public', 'status', 'title'].sort(),
      );
    }
  });

  it('filters by q (title or code), kind, departmentId, issuedBy, light, status, from/to', async () => {
    expect(titles((await supervisor.get(`/api/items?q=${encodeURIComponent(tag)}`)).body)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(titles((await supervisor.get(`/api/items?q=${launched.d!.code}`)).body)).toEqual(['d']);
    expect(titles((await supervisor.get(`/api/items?q=${launched.d!.code.toLowerCase()}`)).body)).toEqual(['d']);
    // Text without cased letters (plain Chinese) is matched too; newest first, so ours lead.
    const chinese = await supervisor.get(`/api/items?q=${encodeURIComponent('筛选')}&pageSize=200`);
    expect(chinese.body.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining(Object.values(launched).map((l) => l.id)));
    expect(titles((await supervisor.get(`/api/items?q=${encodeURIComponent(tag)}&kind=routine`)).body)).toEqual(['b', 'c']);
    expect(titles((await supervisor.get(`/api/items?q=${encodeURIComponent(tag)}&departmentId=${deptA}`)).body)).toEqual(['a', 'c', 'e']);
    expect((await supervisor.get(`/api/items?issuedBy=${leader.id}&q=${encodeURIComponent(tag)}`)).body.total).toBe(5);
    // Due in 12 hours with a 2-day warning lead: born yellow.
    expect(titles((await supervisor.get(`/api/items?q=${encodeURIComponent(tag)}&light=yellow`)).body)).toEqual(['e']);
    expect((await supervisor.get(`/api/items?q=${encodeURIComponent(tag)}&status=completed`)).body.total).toBe(0);
    expect(
      (await supervisor.get(`/api/items?q=${encodeURIComponent(tag)}&from=${fromNow(-3_600_000)}&to=${fromNow(60_000)}`)).body.total,
    ).toBe(5);
    expect((await supervisor.get(`/api/items?q=${encodeURIComponent(tag)}&from=${fromNow(60_000)}`)).body.total).toBe(0);
  });

  it('pages: ?page&pageSize → {items, total, page, pageSize}; default 20, at most 200', async () => {
    const q = encodeURIComponent(tag);
    const page2 = await supervisor.get(`/api/items?q=${q}&pageSize=2&page=2`);
    expect(page2.body).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page2.body.items).toHaveLength(2);
    const all = await supervisor.get(`/api/items?q=${q}`);
    expect(all.body.pageSize).toBe(20);
    // Newest first, and pages do not overlap.
    expect(titles(all.body)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(all.body.items.map((i: { title: string }) => i.title.split(' ').pop())).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(page2.body.items.map((i: { id: string }) => i.id)).toEqual(all.body.items.slice(2, 4).map((i: { id: string }) => i.id));
    expect((await supervisor.get(`/api/items?pageSize=201`)).status).toBe(400);
    expect((await supervisor.get(`/api/items?page=0`)).status).toBe(400);
    expect((await supervisor.get(`/api/items?light=purple`)).status).toBe(400);
    expect((await supervisor.get(`/api/items?from=yesterday`)).status).toBe(400);
  });

  it('department staff list only items with a task of theirs, and read in full only their own tasks inside', async () => {
    const q = encodeURIComponent(tag);
    const seenByA = await staffA.get(`/api/items?q=${q}`);
    expect(titles(seenByA.body)).toEqual(['a', 'c', 'e']);
    // Which departments share an item is theirs to know: they coordinate on it.
    for (const item of seenByA.body.items) expect(item.departmentIds).toContain(deptA);
    expect(titles((await staffB.get(`/api/items?q=${q}`)).body)).toEqual(['b', 'e']);
    // A filter cannot widen the view.
    expect(titles((await staffB.get(`/api/items?q=${q}&departmentId=${deptA}`)).body)).toEqual(['e']);

    const detail = await staffA.get(`/api/items/${launched.c!.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.tasks.map((t: { departmentId: string }) => t.departmentId)).toEqual([deptA]);
    expect(detail.body.departments.map((t: { departmentId: string }) => t.departmentId).sort()).toEqual([deptA, deptC].sort());
    for (const entry of detail.body.timeline) expect([null, detail.body.tasks[0].id]).toContain(entry.taskId);
    // Another department's item answers exactly like a missing one.
    const hidden = await staffB.get(`/api/items/${launched.c!.id}`);
    const missing = await staffB.get(`/api/items/00000000-0000-4000-8000-000000000003`);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
  });

  it('detail: tasks with lights, both clocks and outcomes, and the timeline; leaders and auditors read everything', async () => {
    const id = launched.c!.id;
    await waitFor(
      async () => ((await supervisor.get(`/api/items/${id}`)).body.timeline.length > 0 ? true : undefined),
      'the launch in the timeline',
    );
    for (const reader of [supervisor, leader, auditor]) {
      const res = await reader.get(`/api/items/${id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, code: launched.c!.code, kind: 'routine', status: 'launched' });
      expect(res.body.tasks).toHaveLength(2);
      for (const t of res.body.tasks) {
        expect(t).toHaveProperty('light');
        expect(t).toHaveProperty('dueAt');
        expect(t).toHaveProperty('originalDueAt');
        expect(t).toHaveProperty('outcome', null);
      }
      expect(res.body.timeline[0]).toMatchObject({ type: 'launched', actor: { userId: supervisor.id, role: 'supervisor' } });
    }
    expect((await supervisor.get('/api/items/not-a-uuid')).status).toBe(400);
    expect((await h.request('GET', `/api/items/${id}`)).status).toBe(401);
  });
});

describe('POST /api/items/:id/cancel', () => {
  it('a supervisor cancels: every open task closes; a second cancel is a wrong state', async () => {
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [lead(deptA), assist(deptB)]));
    expect((await staffA.post(`/api/items/${launched.body.id}/cancel`, { reason: 'no' })).status).toBe(403);
    expect((await leader.post(`/api/items/${launched.body.id}/cancel`, { reason: 'no' })).status).toBe(403);
    expect((await supervisor.post(`/api/items/${launched.body.id}/cancel`, {})).status).toBe(400);
    const res = await supervisor.post(`/api/items/${launched.body.id}/cancel`, { reason: '工作已由上级统筹' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.tasks.every((t: { status: string }) => t.status === 'cancelled')).toBe(true);
    await waitFor(async () => {
      const rows = await rowsOfItem(launched.body.id);
      return rows.items[0]?.status === 'cancelled' && rows.tasks.every((t) => t.status === 'cancelled');
    }, 'the cancel in the read model');
    const again = await supervisor.post(`/api/items/${launched.body.id}/cancel`, { reason: 'again' });
    expect(again.status).toBe(409);
    expect((await supervisor.post(`/api/items/00000000-0000-4000-8000-000000000004/cancel`, { reason: 'x' })).status).toBe(404);
  });
});

describe('GET /public/items', () => {
  it('shows public items only, with title, kind, departments, due date, status and light — nothing else', async () => {
    const tag = uniqueName('公开');
    const secret = uniqueName('SECRET');
    const open = await supervisor.post(
      '/api/items',
      launchBody(leader.id, [lead(deptA), assist(deptB)], { title: `${tag} open`, public: true, description: secret, source: secret }),
    );
    await supervisor.post('/api/items', launchBody(leader.id, [lead(deptA)], { title: `${tag} internal`, public: false }));
    const res = await h.request('GET', '/public/items?pageSize=200');
    expect(res.status).toBe(200);
    const mine = res.body.items.filter((i: { title: string }) => i.title.startsWith(tag));
    expect(mine).toHaveLength(1);
    expect(Object.keys(mine[0]).sort()).toEqual(['departments', 'dueAt', 'kind', 'light', 'status', 'title']);
    expect(mine[0].departments.length).toBe(2);
    const text = JSON.stringify(res.body);
    for (const leak of [secret, open.body.id, open.body.code, leader.id, deptA, 'workflow', 'issuedBy']) expect(text).not.toContain(leak);
  });
});
