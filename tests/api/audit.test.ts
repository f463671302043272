// The audit routes over real HTTP with a real worker: who may read, language choice, replay points,
// verification, the raw export, and every auditor read recorded in the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { useWorkflowBundle } from '../../audit/verify';
import { dossierAppendix } from '../../api/services/exports/dossier-appendix';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';
import { testServices } from '../support/services';

let h: ApiHarness;
let dept: { id: string; name: string };
let supervisor: LoggedIn;
let leader: LoggedIn;
let auditor: LoggedIn;
let staff: LoggedIn;
let itemId: string;
let taskId: string;

beforeAll(async () => {
  useWorkflowBundle(testServices().workflowBundlePath);
  h = await startApiHarness();
  dept = await h.createDepartment('财政局');
  [supervisor, leader, auditor, staff] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('auditor'),
    h.createUser('department', dept.id, '张三'),
  ]);
  const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept.id, role: 'lead' }]));
  expect(launched.status).toBe(201);
  itemId = launched.body.id;
  taskId = launched.body.tasks[0].id;
  expect((await staff.post(`/api/tasks/${taskId}/sign`, {})).status).toBe(200);
  expect((await staff.post(`/api/tasks/${taskId}/progress`, { text: '已部署', percent: 30 })).status).toBe(200);
}, 120_000);
afterAll(async () => h?.close());

describe('GET /api/items/:id/history', () => {
  it('answers auditors, supervisors and leaders in the language asked for; others get 403', async () => {
    const en = await h.request('GET', `/api/items/${itemId}/history`, { headers: { authorization: `Bearer ${auditor.token}`, 'accept-language': 'en-US,en;q=0.9' } });
    expect(en.status).toBe(200);
    expect(en.body.lang).toBe('en');
    const sign = en.body.events.find((e: { action: string }) => e.action === 'sign');
    expect(sign.text).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} ${dept.name} \\(张三 \\w{4}\\) signed for receipt$`));
    expect(sign).toMatchObject({ workflowId: `task-${taskId}`, eventType: 'WORKFLOW_EXECUTION_UPDATE_ACCEPTED', actor: { userId: staff.id, role: 'department' } });
    expect(typeof sign.eventId).toBe('number');
    expect(sign.payload).toBeUndefined();

    const zh = await leader.get(`/api/items/${itemId}/history?lang=zh&raw=1`);
    expect(zh.status).toBe(200);
    expect(zh.body.events.map((e: { text: string }) => e.text)).toEqual(expect.arrayContaining([expect.stringMatching(/签收$/), expect.stringMatching(/反馈进展：已部署（30%）$/)]));
    expect(zh.body.events.find((e: { action: string }) => e.action === 'progress').payload).toEqual([expect.objectContaining({ text: '已部署', percent: 30 })]);

    expect((await supervisor.get(`/api/items/${itemId}/history`)).status).toBe(200);
    expect((await staff.get(`/api/items/${itemId}/history`)).status).toBe(403);
    expect((await h.request('GET', `/api/items/${itemId}/history`)).status).toBe(401);
    expect((await auditor.get(`/api/items/${randomUUID()}/history`)).status).toBe(404);
  });
});

describe('GET /api/items/:id/replay', () => {
  it('rebuilds the state at an event and at an instant; refuses a bad point with 400', async () => {
    const history = (await auditor.get(`/api/items/${itemId}/history`)).body;
    const sign = history.events.find((e: { action: string }) => e.action === 'sign');
    const atSign = await auditor.get(`/api/items/${itemId}/replay?at=${encodeURIComponent(sign.ref)}`);
    expect(atSign.status).toBe(200);
    expect(atSign.body.tasks[0]).toMatchObject({ id: taskId, status: 'signed', percent: null });
    const now = await auditor.get(`/api/items/${itemId}/replay?at=${new Date(Date.now() + 1000).toISOString()}`);
    expect(now.body.tasks[0]).toMatchObject({ status: 'in_progress', percent: 30 });
    const before = await auditor.get(`/api/items/${itemId}/replay?at=2000-01-01T00:00:00Z`);
    expect(before.body).toMatchObject({ item: null, tasks: [] });
    expect((await auditor.get(`/api/items/${itemId}/replay?at=yesterday`)).status).toBe(400);
    expect((await auditor.get(`/api/items/${itemId}/replay?at=task-x:999`)).status).toBe(400);
    expect((await supervisor.get(`/api/items/${itemId}/replay?at=1`)).status).toBe(403);
  });
});

describe('GET /api/items/:id/verify and /history/raw', () => {
  it('verifies replay and read model, and exports the raw histories', async () => {
    const report = await waitFor(async () => {
      const r = await auditor.get(`/api/items/${itemId}/verify`);
      return r.status === 200 && r.body.readModel.ok ? r.body : undefined;
    }, 'the read model to catch up');
    expect(report.replay.ok).toBe(true);
    expect(report.readModel.differences).toEqual([]);
    const raw = await auditor.get(`/api/items/${itemId}/history/raw`);
    expect(raw.status).toBe(200);
    expect(raw.body.workflows.map((w: { workflowId: string }) => w.workflowId)).toEqual([`item-${itemId}`, `task-${taskId}`]);
    expect(raw.body.workflows[0].history.events[0]).toMatchObject({ eventId: '1', eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' });
    expect((await leader.get(`/api/items/${itemId}/history/raw`)).status).toBe(403);
  });
});

describe('GET /api/items/:id/dossier.pdf', () => {
  it('builds the dossier with the raw-history appendix this module supplies', async () => {
    const pdf = await auditor.get(`/api/items/${itemId}/dossier.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toContain('application/pdf');
    const sections = await dossierAppendix(h.deps, itemId);
    expect(sections.map((x) => x.title)).toEqual([`原始事件历史 Raw history: item-${itemId} · run 1`, `原始事件历史 Raw history: task-${taskId} · run 1`]);
    expect(sections[0]!.paragraphs![0]).toMatch(/sha256 [0-9a-f]{64}/);
  });
});

describe('audit log', () => {
  it('records every auditor read of the audit routes', async () => {
    const log = await auditor.get(`/api/audit-log?actor=${auditor.id}&target=${itemId}&pageSize=200`);
    expect(log.status).toBe(200);
    const actions = new Set(log.body.items.map((e: { action: string }) => e.action));
    for (const route of ['GET /api/items/:id/history', 'GET /api/items/:id/replay', 'GET /api/items/:id/verify', 'GET /api/items/:id/history/raw']) {
      expect(actions, route).toContain(route);
    }
  });
});
