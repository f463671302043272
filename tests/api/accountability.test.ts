/**
 * Accountability (问责) over HTTP against the real Temporal, Postgres and Redis: refused on a green
 * task, recorded on a red one by a supervisor or leader only, isolated by department, revised and
 * withdrawn with both in the audit log, and flowing into the item's timeline, the standing book, the
 * assessment's explanation, the dossier and the volume export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExportProcessors } from '../../jobs/exports/run';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { fromNow, launchBody, waitFor } from '../support/item-fixtures';
import { pdfText } from './exports-support';

let h: ApiHarness;
let exportsWorker: ReturnType<typeof startExportProcessors>;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let auditor: LoggedIn;
let deptA: string;
let deptB: string;
let redItem: { id: string; taskA: string; taskB: string };
let greenItem: { id: string; taskA: string };

const REASON = '未按期完成道路改造任务-问责理由-7c1e';
const DECISION = '对责任人进行约谈-决定-4b2a';

async function launch(tasks: { departmentId: string; role: 'lead' | 'assist' }[], overrides: Record<string, unknown> = {}) {
  const res = await supervisor.post('/api/items', launchBody(leader.id, tasks, overrides));
  expect(res.status).toBe(201);
  return res.body as { id: string; tasks: { id: string; departmentId: string }[] };
}

const body = (overrides: Record<string, unknown> = {}) => ({
  kind: 'interview',
  personName: '张三',
  departmentId: deptA,
  reason: REASON,
  decision: DECISION,
  decidedAt: new Date(Date.now() - 60_000).toISOString(),
  ...overrides,
});

async function bytesOf(path: string, user: LoggedIn): Promise<{ status: number; bytes: Buffer }> {
  const res = await fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${user.token}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  h = await startApiHarness();
  exportsWorker = startExportProcessors({ config: h.config, db: h.deps.database.db });
  const [a, b] = await Promise.all([h.createDepartment('问责甲局'), h.createDepartment('问责乙局')]);
  [deptA, deptB] = [a.id, b.id];
  [supervisor, leader, staffA, staffB, auditor] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader', null, '问责领导'),
    h.createUser('department', deptA, 'staffA'),
    h.createUser('department', deptB, 'staffB'),
    h.createUser('auditor'),
  ]);
  // A (lead) and B (assist), due in three seconds: both go red.
  const red = await launch(
    [
      { departmentId: deptA, role: 'lead' },
      { departmentId: deptB, role: 'assist' },
    ],
    { dueAt: fromNow(3_000), warnBefore: 'PT1S', signWithin: 'PT1S', kind: 'approval_document' },
  );
  const of = (dept: string) => red.tasks.find((t) => t.departmentId === dept)!.id;
  redItem = { id: red.id, taskA: of(deptA), taskB: of(deptB) };
  const green = await launch([{ departmentId: deptA, role: 'lead' }], { kind: 'approval_document' });
  greenItem = { id: green.id, taskA: green.tasks[0]!.id };
  await waitFor(async () => {
    const item = (await supervisor.get(`/api/items/${redItem.id}`)).body;
    return item.tasks.every((t: { light: string }) => t.light === 'red') || undefined;
  }, 'both tasks red', 30_000);
});

afterAll(async () => {
  await exportsWorker?.close();
  await h?.close();
});

describe('recording an action', () => {
  it('is refused on a green task, with the reason in both languages, and nothing is written', async () => {
    const res = await supervisor.post(`/api/tasks/${greenItem.taskA}/accountability`, body());
    expect(res.status).toBe(409);
    expect(res.body.error.details.fields[0]).toMatchObject({ field: 'params.id' });
    expect(res.body.error.details.messageZh).toContain('红灯');
    expect((await supervisor.get(`/api/items/${greenItem.id}/accountability`)).body.items).toEqual([]);
  });

  it('only supervisors and leaders record; department staff and auditors are refused', async () => {
    expect((await staffA.post(`/api/tasks/${redItem.taskA}/accountability`, body())).status).toBe(403);
    expect((await auditor.post(`/api/tasks/${redItem.taskA}/accountability`, body())).status).toBe(403);
  });

  it('names bad fields (400) and refuses a department that has no task on the item or a future date (422)', async () => {
    const bad = await supervisor.post(`/api/tasks/${redItem.taskA}/accountability`, body({ kind: 'fine', personName: '' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['body.kind', 'body.personName']);
    const stranger = await h.createDepartment('无关局');
    const foreign = await supervisor.post(`/api/tasks/${redItem.taskA}/accountability`, body({ departmentId: stranger.id }));
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.details.fields[0].field).toBe('body.departmentId');
    const future = await supervisor.post(`/api/tasks/${redItem.taskA}/accountability`, body({ decidedAt: fromNow(86_400_000) }));
    expect(future.status).toBe(422);
    expect(future.body.error.details.fields[0].field).toBe('body.decidedAt');
  });

  it('a leader records one against a red task: listed on the item, in its timeline in plain words', async () => {
    const res = await leader.post(`/api/tasks/${redItem.taskA}/accountability`, body());
    expect(res.status).toBe(201);
    const list = (await supervisor.get(`/api/items/${redItem.id}/accountability`)).body.items;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: res.body.id, kind: 'interview', personName: '张三', departmentId: deptA, status: 'active', reason: REASON });
    expect(list[0].trail[0].text.zh).toContain('约谈');
    const timeline = (await supervisor.get(`/api/items/${redItem.id}`)).body.timeline;
    const entry = timeline.find((e: { type: string }) => e.type === 'accountability_recorded');
    expect(entry.reason.zh).toMatch(/问责甲局.*张三.*约谈/);
    expect(entry.reason.en).toContain('interview');
    expect(entry.actor.userId).toBe(leader.id);
  });
});

describe('department isolation', () => {
  it('department A sees the action against it; department B sees the item but not A’s action; a stranger gets 404', async () => {
    expect((await staffA.get(`/api/items/${redItem.id}/accountability`)).body.items).toHaveLength(1);
    const b = await staffB.get(`/api/items/${redItem.id}/accountability`);
    expect(b.status).toBe(200);
    expect(b.body.items).toEqual([]);
    expect(JSON.stringify((await staffB.get(`/api/items/${redItem.id}`)).body)).not.toContain(REASON);
    const other = await h.createUser('department', (await h.createDepartment('旁观局')).id);
    expect((await other.get(`/api/items/${redItem.id}/accountability`)).status).toBe(404);
  });
});

describe('the standing book, the assessment and the exports', () => {
  it('counts the action on department A’s row (and the kind’s), and explains it in the assessment', async () => {
    const dash = (await leader.get(`/api/dashboard?departmentId=${deptA},${deptB}&issuedBy=${leader.id}`)).body;
    const rowOf = (section: { departments: { departmentId: string; accountability: number }[] }, d: string) => section.departments.find((r) => r.departmentId === d)!;
    expect(rowOf(dash, deptA).accountability).toBe(1);
    expect(rowOf(dash, deptB).accountability).toBe(0);
    expect(dash.totals.accountability).toBe(1);
    const approvals = dash.kinds.find((k: { kind: string }) => k.kind === 'approval_document');
    expect(rowOf(approvals, deptA).accountability).toBe(1);
    const routine = dash.kinds.find((k: { kind: string }) => k.kind === 'routine');
    expect(rowOf(routine, deptA).accountability).toBe(0);

    const assessment = (await leader.get(`/api/assessment?departmentId=${deptA}&issuedBy=${leader.id}`)).body;
    const a = assessment.departments.find((d: { departmentId: string }) => d.departmentId === deptA);
    expect(a.accountability.count).toBe(1);
    expect(a.accountability.note).toContain('约谈');
    expect(a.accountability.actions[0]).toMatchObject({ kind: 'interview', personName: '张三', itemId: redItem.id });
  });

  it('prints the action in the dossier and in the volume', async () => {
    const dossier = await bytesOf(`/api/items/${redItem.id}/dossier.pdf`, supervisor);
    expect(dossier.status).toBe(200);
    const text = (await pdfText(dossier.bytes)).join('\n');
    expect(text).toContain('问责情况（1）');
    expect(text).toContain(REASON);
    expect(text).toContain(DECISION);

    const started = await supervisor.post('/api/exports', { type: 'volume', issuedBy: leader.id });
    expect(started.status).toBe(202);
    const done = await waitFor(
      async () => {
        const res = await supervisor.get(`/api/exports/${started.body.id}`);
        return ['done', 'failed'].includes(res.body.status) ? res.body : undefined;
      },
      'the volume',
      60_000,
    );
    expect(done.status).toBe('done');
    const volume = (await pdfText((await bytesOf(`/api/exports/${started.body.id}/file`, supervisor)).bytes)).join('\n');
    expect(volume).toContain('问责情况（1）');
    expect(volume).toContain(REASON);
  });
});

describe('revising and withdrawing', () => {
  it('a revision changes the fields named, is in the trail and the audit log; staff cannot revise', async () => {
    const [action] = (await supervisor.get(`/api/items/${redItem.id}/accountability`)).body.items;
    expect((await staffA.request('PATCH', `/api/accountability/${action.id}`, { kind: 'written_explanation' })).status).toBe(403);
    const revised = await supervisor.request('PATCH', `/api/accountability/${action.id}`, { kind: 'written_explanation', personName: '李四' });
    expect(revised.status).toBe(200);
    const nothing = await supervisor.request('PATCH', `/api/accountability/${action.id}`, { personName: '李四' });
    expect(nothing.status).toBe(422);
    const [after] = (await supervisor.get(`/api/items/${redItem.id}/accountability`)).body.items;
    expect(after).toMatchObject({ kind: 'written_explanation', personName: '李四' });
    expect(after.trail.map((e: { type: string }) => e.type)).toEqual(['recorded', 'revised']);
    const log = await auditor.get(`/api/audit-log?action=${encodeURIComponent('PATCH /api/accountability/:id')}&target=${action.id}`);
    expect(log.body.items.map((e: { status: number }) => e.status).sort()).toEqual([200, 403, 422]);
  });

  it('a withdrawal is audited, keeps the action listed as withdrawn, stops its counting and refuses further changes', async () => {
    const [action] = (await supervisor.get(`/api/items/${redItem.id}/accountability`)).body.items;
    expect((await supervisor.post(`/api/accountability/${action.id}/withdraw`, {})).status).toBe(400);
    const withdrawn = await leader.post(`/api/accountability/${action.id}/withdraw`, { reason: '经复核不属于本单位责任' });
    expect(withdrawn.status).toBe(200);
    const log = await auditor.get(`/api/audit-log?action=${encodeURIComponent('POST /api/accountability/:id/withdraw')}&target=${action.id}`);
    expect(log.body.items.find((e: { status: number }) => e.status === 200)).toMatchObject({ actorId: leader.id });
    const [after] = (await supervisor.get(`/api/items/${redItem.id}/accountability`)).body.items;
    expect(after).toMatchObject({ status: 'withdrawn', withdrawReason: '经复核不属于本单位责任' });
    const timeline = (await supervisor.get(`/api/items/${redItem.id}`)).body.timeline;
    expect(timeline.find((e: { type: string }) => e.type === 'accountability_withdrawn').reason.zh).toContain('撤销');
    const dash = (await leader.get(`/api/dashboard?departmentId=${deptA}&issuedBy=${leader.id}`)).body;
    expect(dash.totals.accountability).toBe(0);
    expect((await supervisor.post(`/api/accountability/${action.id}/withdraw`, { reason: '再次' })).status).toBe(409);
    expect((await supervisor.request('PATCH', `/api/accountability/${action.id}`, { personName: '王五' })).status).toBe(409);
  });
});

describe("the auditor's history", () => {
  it('shows the action recorded, revised and withdrawn in plain words, in both languages, in time order', async () => {
    const zh = await auditor.get(`/api/items/${redItem.id}/history?lang=zh`);
    expect(zh.status).toBe(200);
    const lines = zh.body.events as Array<{ seq: number; at: string; text: string; action: string; ref: string }>;
    const steps = lines.filter((e) => e.action.startsWith('accountability_'));
    expect(steps.map((e) => e.action)).toEqual(['accountability_recorded', 'accountability_revised', 'accountability_withdrawn']);
    expect(steps[0]!.text).toMatch(/对.+问责/);
    expect(steps[1]!.text).toContain('修改对');
    expect(steps[2]!.text).toContain('撤销对');
    expect(steps[2]!.text).toContain('经复核不属于本单位责任');
    expect(lines.map((e) => e.seq)).toEqual(lines.map((_, i) => i + 1));
    expect([...lines.map((e) => e.at)]).toEqual([...lines.map((e) => e.at)].sort());

    const en = await auditor.get(`/api/items/${redItem.id}/history?lang=en`);
    const enSteps = (en.body.events as Array<{ text: string; action: string }>).filter((e) => e.action.startsWith('accountability_'));
    expect(enSteps.map((e) => e.text)).toEqual([expect.stringContaining('to account'), expect.stringContaining('Revised the'), expect.stringContaining('Withdrew the')]);
    // Its point replays the item as of that instant.
    expect((await auditor.get(`/api/items/${redItem.id}/replay?at=${encodeURIComponent(steps[2]!.ref)}`)).status).toBe(200);
  });
});
