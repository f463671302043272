/**
 * Issue 21: one character must not freeze a task. Text that Postgres or XML cannot hold is refused
 * at the edge (every text field, 400 naming it) and again by the workflows' Update validators (an
 * Update can come from any client). And a projection that fails for good (here: a trigger that
 * refuses the task's row, as a value the database cannot store would) is recorded and reported, while
 * the task's timers, its notifications and later urges keep working; once the cause is gone an admin
 * repairs the item from its histories and the read model catches up.
 */
import { sql } from 'drizzle-orm';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../domain';
import { itemWorkflowId, taskWorkflowId } from '../../workflows/ids';
import { cancelItemUpdate, changeDeadlineUpdate, instructUpdate, setPublicUpdate } from '../../workflows/item-definitions';
import {
  completeUpdate,
  decideExtensionUpdate,
  decideTransferUpdate,
  progressUpdate,
  requestExtensionUpdate,
  requestTransferUpdate,
  reviewUpdate,
  urgeUpdate,
} from '../../workflows/task-definitions';
import { startPipeline } from '../integration/notifications/support/pipeline';
import { startApiHarness, type ApiHarness, type HttpAnswer, type LoggedIn } from '../support/api-harness';
import { fromNow, launchBody, waitFor, workflowExists } from '../support/item-fixtures';
import { testClient } from '../support/temporal';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staff: LoggedIn;
let admin: LoggedIn;
let auditor: LoggedIn;
let dept: string;

beforeAll(async () => {
  h = await startApiHarness();
  dept = (await h.createDepartment('毒化输入局')).id;
  [supervisor, leader, admin, auditor, staff] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('admin'),
    h.createUser('auditor'),
    h.createUser('department', dept, 'staffPoison'),
  ]);
});
afterAll(async () => h?.close());

function refusal(answer: HttpAnswer) {
  const fields = (answer.body?.error?.details?.fields ?? []) as { field: string }[];
  return { status: answer.status, fields: fields.map((f) => f.field) };
}

async function launch(overrides: Record<string, unknown> = {}, dueInMs = 3_600_000) {
  const body = launchBody(leader.id, [{ departmentId: dept, role: 'lead', dueAt: fromNow(dueInMs) }], { dueAt: fromNow(2 * dueInMs), ...overrides });
  const launched = await supervisor.post('/api/items', body);
  expect(launched.status).toBe(201);
  return { itemId: launched.body.id as string, taskId: launched.body.tasks[0].id as string };
}

const NUL = 'nul here:\u0000 end';
const LONE_SURROGATE = 'half a pair: \ud800 end';

describe('text no store can hold, at the edge', () => {
  it('is refused in every text field of every action with a 400 naming the field', async () => {
    const { itemId, taskId } = await launch();
    const before = (await staff.get(`/api/items/${itemId}`)).body.tasks[0];
    const t = `/api/tasks/${taskId}`;
    const i = `/api/items/${itemId}`;
    const cases: Array<[LoggedIn, string, Record<string, unknown>, string]> = [
      [staff, `${t}/progress`, { text: NUL, percent: 10 }, 'body.text'],
      [staff, `${t}/extension`, { reason: NUL, newDueAt: fromNow(9_000_000) }, 'body.reason'],
      [staff, `${t}/transfer`, { reason: NUL }, 'body.reason'],
      [staff, `${t}/complete`, { summary: NUL }, 'body.summary'],
      [staff, `${t}/complete`, { summary: '办结', fields: { result: NUL } }, 'body.fields.result'],
      [supervisor, `${t}/review`, { decision: 'return', comment: NUL }, 'body.comment'],
      [supervisor, `${t}/extension-decision`, { approve: false, comment: NUL }, 'body.comment'],
      [supervisor, `${t}/transfer-decision`, { approve: false, comment: NUL }, 'body.comment'],
      [supervisor, `${t}/urge`, { message: NUL }, 'body.message'],
      [leader, `${t}/urge`, { message: LONE_SURROGATE }, 'body.message'],
      [supervisor, `${i}/cancel`, { reason: NUL }, 'body.reason'],
      [supervisor, `${i}/deadline`, { dueAt: fromNow(9_000_000), reason: NUL }, 'body.reason'],
      [leader, `${i}/instructions`, { text: LONE_SURROGATE }, 'body.text'],
      [supervisor, `${i}/public`, { public: true, reason: NUL }, 'body.reason'],
    ];
    for (const [who, path, body, field] of cases) {
      expect({ path, ...refusal(await who.post(path, body)) }).toEqual({ path, status: 400, fields: [field] });
    }
    // Nothing of it was applied: the task still stands as launched.
    const page = await staff.get(i);
    expect(page.body.tasks[0]).toMatchObject({ status: 'assigned', version: before.version });
  });

  it('is refused in the query strings that reached the database', async () => {
    for (const path of ['/api/items?q=%00', '/api/users?q=%00', '/api/departments?q=a%00b', '/api/audit-log?actor=%00', '/api/audit-log?action=%00']) {
      const who = path.startsWith('/api/users') || path.startsWith('/api/audit-log') ? admin : supervisor;
      const answer = await who.get(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
    }
    const anonymous = await h.request('POST', '/api/auth/login', { body: { username: 'admin\u0000', password: 'whatever-password' } });
    expect(refusal(anonymous)).toEqual({ status: 400, fields: ['body.username'] });
  });
});

describe("text no store can hold, at the workflows' Update validators", () => {
  it('is refused for every text argument of a direct Update, naming the argument, and nothing enters history', async () => {
    const { itemId, taskId } = await launch();
    const { client, connection } = await testClient(h.config);
    try {
      const actorOf = (u: LoggedIn): Actor => ({ userId: u.id, name: u.username, role: u.role as Actor['role'], departmentId: u.departmentId });
      await waitFor(() => workflowExists(client, taskWorkflowId(taskId)), 'the task workflow to start');
      const task = client.workflow.getHandle(taskWorkflowId(taskId));
      const item = client.workflow.getHandle(itemWorkflowId(itemId));
      const s = actorOf(staff);
      const sup = actorOf(supervisor);
      const attempts: Array<[string, () => Promise<unknown>]> = [
        ['text', () => task.executeUpdate(progressUpdate, { args: [{ actor: s, text: NUL }] })],
        ['reason', () => task.executeUpdate(requestExtensionUpdate, { args: [{ actor: s, reason: NUL, newDueAt: Date.now() + 9e6 }] })],
        ['reason', () => task.executeUpdate(requestTransferUpdate, { args: [{ actor: s, reason: LONE_SURROGATE }] })],
        ['summary', () => task.executeUpdate(completeUpdate, { args: [{ actor: s, summary: NUL }] })],
        ['fields.evidence.note', () => task.executeUpdate(completeUpdate, { args: [{ actor: s, summary: 'ok', fields: { evidence: { note: NUL } } }] })],
        ['comment', () => task.executeUpdate(reviewUpdate, { args: [{ actor: sup, decision: 'return', comment: NUL }] })],
        ['comment', () => task.executeUpdate(decideExtensionUpdate, { args: [{ actor: sup, approve: false, comment: NUL }] })],
        ['comment', () => task.executeUpdate(decideTransferUpdate, { args: [{ actor: sup, approve: false, comment: NUL }] })],
        ['message', () => task.executeUpdate(urgeUpdate, { args: [{ actor: sup, message: NUL }] })],
        ['actor.name', () => task.executeUpdate(urgeUpdate, { args: [{ actor: { ...sup, name: NUL }, message: 'hurry' }] })],
        ['reason', () => item.executeUpdate(cancelItemUpdate, { args: [{ actor: sup, reason: NUL }] })],
        ['reason', () => item.executeUpdate(changeDeadlineUpdate, { args: [{ actor: sup, dueAt: Date.now() + 9e6, reason: NUL }] })],
        ['text', () => item.executeUpdate(instructUpdate, { args: [{ actor: actorOf(leader), id: crypto.randomUUID(), text: NUL }] })],
        ['reason', () => item.executeUpdate(setPublicUpdate, { args: [{ actor: sup, public: true, reason: NUL }] })],
      ];
      for (const [field, attempt] of attempts) {
        const error = await attempt().then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
        const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
        expect({ field, type: cause.type, details: cause.details?.[0] }).toMatchObject({ field, type: 'invalid_input', details: { field } });
      }
      const history = await task.fetchHistory();
      const accepted = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
      expect(accepted).toEqual([]);
    } finally {
      await connection.close();
    }
  });
});

describe('a projection that fails for good', () => {
  it('is recorded and reported, does not hold up lights, notifications or urges, and is repaired once its cause is gone', async () => {
    const pipeline = await startPipeline({ config: h.config });
    const suffix = Math.random().toString(36).slice(2, 8);
    const db = h.deps.database.db;
    try {
      const { itemId, taskId } = await launch({ warnBefore: 'PT4S', signWithin: 'PT1H' }, 9_000);
      expect((await staff.post(`/api/tasks/${taskId}/sign`, {})).status).toBe(200);
      // The cause: the read model refuses this task's row from now on (SQLSTATE 22023, a data exception).
      await db.execute(
        sql.raw(`create function poison_${suffix}() returns trigger language plpgsql as $$
          begin raise exception 'refused by the poison test' using errcode = '22023'; end $$;
          create trigger poison_${suffix} before update on tasks for each row when (new.id = '${taskId}') execute function poison_${suffix}();`),
      );

      const progress = await staff.post(`/api/tasks/${taskId}/progress`, { text: '进展：已完成现场核查', percent: 40 });
      expect(progress.status).toBe(200);
      const failures = await waitFor(async () => {
        const listed = await admin.get('/api/admin/projection-failures');
        return listed.body.items.find((f: { taskId: string }) => f.taskId === taskId);
      }, 'the failed projection to be listed');
      expect(failures).toMatchObject({ kind: 'task', itemId, errorCode: '22023', error: expect.stringContaining('refused by the poison test') });
      expect((await admin.get('/api/health')).body.projectionFailures).toBeGreaterThanOrEqual(1);
      expect((await supervisor.get('/api/admin/projection-failures')).status).toBe(403);

      // The warning timer still fires and its notification reaches the department; a later urge too.
      await waitFor(async () => (await pipeline.inboxOf(staff.id)).find((n) => n.event === 'yellow'), 'the yellow notification', 20_000);
      expect((await supervisor.post(`/api/tasks/${taskId}/urge`, { message: '请尽快办理' })).status).toBe(200);
      await waitFor(async () => (await pipeline.inboxOf(staff.id)).find((n) => n.event === 'urged'), 'the urge notification', 20_000);

      // While the cause is there, repair says so and changes nothing.
      const early = await admin.post(`/api/admin/projection-failures/${itemId}/repair`);
      expect(early.status).toBe(409);
      const stale = await staff.get(`/api/items/${itemId}`);
      expect(stale.body.tasks[0].status).toBe('signed');
      expect((await auditor.get(`/api/items/${itemId}/verify`)).body.readModel.ok).toBe(false);

      await db.execute(sql.raw(`drop trigger poison_${suffix} on tasks; drop function poison_${suffix}();`));
      const repaired = await admin.post(`/api/admin/projection-failures/${itemId}/repair`);
      expect(repaired.status).toBe(200);
      expect(repaired.body).toMatchObject({ itemId, cleared: 1 });
      const page = await staff.get(`/api/items/${itemId}`);
      expect(page.body.tasks[0]).toMatchObject({ status: 'in_progress' });
      const history = await auditor.get(`/api/items/${itemId}/history?lang=zh`);
      expect(JSON.stringify(history.body.events)).toContain('已完成现场核查');
      expect((await auditor.get(`/api/items/${itemId}/verify`)).body.readModel).toMatchObject({ ok: true });
      expect((await admin.get('/api/admin/projection-failures')).body.items.filter((f: { itemId: string }) => f.itemId === itemId)).toEqual([]);
    } finally {
      await db.execute(sql.raw(`drop trigger if exists poison_${suffix} on tasks; drop function if exists poison_${suffix}();`));
      await pipeline.close();
    }
  });
});
