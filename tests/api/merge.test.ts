/**
 * Duplicates (issue 18): a duplicate merged into its primary against the real Temporal, Postgres and
 * Redis. Its tasks stop (cancelled as merged), the primary shows its text, both histories say so in
 * zh and en, the audit log has both calls; an unmerge brings it back with its clock resuming; a
 * citizen behind a merged appeal sees the primary's reply; refused merges write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { DAY, launchBody, waitFor, type LaunchTask } from '../support/item-fixtures';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let h: ApiHarness;
let supervisor: LoggedIn;
let operator: LoggedIn;
let leader: LoggedIn;
let auditor: LoggedIn;
let staffA: LoggedIn;
let deptA: string;

const PHONE = '13912345678';

beforeAll(async () => {
  h = await startApiHarness();
  deptA = (await h.createDepartment('合并甲局')).id;
  [supervisor, operator, leader, auditor, staffA] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('operator'),
    h.createUser('leader'),
    h.createUser('auditor'),
    h.createUser('department', deptA, 'staffA'),
  ]);
});
afterAll(async () => h?.close());

const lead = (departmentId: string): LaunchTask => ({ departmentId, role: 'lead' });
async function launch(title: string, description: string): Promise<Json> {
  const res = await supervisor.post('/api/items', launchBody(leader.id, [lead(deptA)], { title, description }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}
const detail = async (id: string): Promise<Json> => (await supervisor.get(`/api/items/${id}`)).body;
const historyText = async (id: string, lang: 'zh' | 'en') => JSON.stringify((await supervisor.get(`/api/items/${id}/history?lang=${lang}`)).body);
const fieldsOf = (res: Json): string[] => res.body.error.details.fields.map((f: { field: string }) => f.field);

describe('merging a duplicate into its primary, and undoing it', () => {
  it('stops the duplicate, shows its text on the primary, says so on both sides, and unmerges with the clock resuming', async () => {
    const primary = await launch('老旧小区加装电梯推进', '推进老旧小区加装电梯，年内完成二十部');
    const duplicate = await launch('加装电梯工作推进', '重复交办：老旧小区加装电梯进度偏慢');
    const before = await waitFor(async () => (await detail(duplicate.id)).tasks?.find((t: Json) => t.version >= 0), 'the duplicate task');

    const merged = await supervisor.post(`/api/items/${duplicate.id}/merge`, { primaryId: primary.id });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body).toMatchObject({ status: 'cancelled', mergedInto: { id: primary.id, code: primary.code } });
    expect(merged.body.tasks.every((t: Json) => t.status === 'cancelled')).toBe(true);

    const dup = await waitFor(async () => {
      const d = await detail(duplicate.id);
      return d.status === 'cancelled' && d.tasks.every((t: Json) => t.status === 'cancelled') && d;
    }, 'the duplicate closed as merged');
    expect(dup.mergedInto).toMatchObject({ id: primary.id, code: primary.code, title: '老旧小区加装电梯推进' });
    const prim = await detail(primary.id);
    expect(prim.status).not.toBe('cancelled');
    expect(prim.duplicates).toEqual([expect.objectContaining({ id: duplicate.id, code: duplicate.code, description: '重复交办：老旧小区加装电梯进度偏慢' })]);
    // The department no longer sees the duplicate's task counting.
    await waitFor(async () => (await historyText(duplicate.id, 'zh')).includes(`并入${primary.code}`), 'the duplicate history in Chinese');
    expect(await historyText(duplicate.id, 'en')).toContain(`merged this item as a duplicate into ${primary.code}`);
    await waitFor(async () => (await historyText(primary.id, 'zh')).includes(`重复件${duplicate.code}并入本事项`), 'the primary history in Chinese');
    expect(await historyText(primary.id, 'en')).toContain(`merged the duplicate ${duplicate.code} into this item`);

    const unmerged = await supervisor.post(`/api/items/${duplicate.id}/unmerge`, {});
    expect(unmerged.status, JSON.stringify(unmerged.body)).toBe(200);
    expect(unmerged.body).toMatchObject({ status: 'launched', mergedInto: null, cancelledAt: null });
    const reopened = unmerged.body.tasks.find((t: Json) => t.status !== 'cancelled');
    expect(reopened).toMatchObject({ departmentId: deptA, role: 'lead' });
    // The clock resumes: due later than before by the time spent merged, never earlier.
    expect(Date.parse(reopened.dueAt)).toBeGreaterThanOrEqual(Date.parse(before.dueAt));
    expect(Date.parse(reopened.dueAt) - Date.parse(before.dueAt)).toBeLessThan(DAY);
    await waitFor(async () => (await staffA.get(`/api/items/${duplicate.id}`)).body.tasks?.some((t: Json) => t.id === reopened.id && t.version >= 0), 'the reopened task for the department', 60_000);
    const back = await waitFor(async () => {
      const d = await detail(duplicate.id);
      return d.status === 'launched' && d;
    }, 'the duplicate running again');
    expect(back.mergedInto).toBeNull();
    expect((await detail(primary.id)).duplicates).toEqual([]);
    await waitFor(async () => (await historyText(duplicate.id, 'zh')).includes(`撤销并入${primary.code}`), 'the unmerge in the duplicate history');
    expect(await historyText(duplicate.id, 'en')).toContain(`unmerged this item from ${primary.code}`);
    await waitFor(async () => (await historyText(primary.id, 'en')).includes(`unmerged the duplicate ${duplicate.code}`), 'the unmerge in the primary history');
    expect(await historyText(primary.id, 'zh')).toContain(`重复件${duplicate.code}撤销并入本事项`);

    const mergeLog = await auditor.get(`/api/audit-log?action=${encodeURIComponent('POST /api/items/:id/merge')}&target=${duplicate.id}`);
    expect(mergeLog.body.items.map((e: Json) => e.status)).toEqual([200]);
    const unmergeLog = await auditor.get(`/api/audit-log?action=${encodeURIComponent('POST /api/items/:id/unmerge')}&target=${duplicate.id}`);
    expect(unmergeLog.body.items.map((e: Json) => e.status)).toEqual([200]);
    // Unmerged again: refused, nothing changes.
    expect((await supervisor.post(`/api/items/${duplicate.id}/unmerge`, {})).status).toBe(409);
  });

  it('refuses a merge into itself, into a duplicate (no chains), of a primary, across kinds and by the wrong role, naming the field and writing nothing', async () => {
    const a = await launch('河道清淤整治', '河道清淤，汛期前完成');
    const b = await launch('河道清淤', '河道清淤进度');
    const c = await launch('清淤工程', '清淤工程督办');
    const self = await supervisor.post(`/api/items/${a.id}/merge`, { primaryId: a.id });
    expect(self.status).toBe(422);
    expect(fieldsOf(self)).toEqual(['body.primaryId']);
    expect((await supervisor.post(`/api/items/${b.id}/merge`, { primaryId: a.id })).status).toBe(200);

    const chain = await supervisor.post(`/api/items/${c.id}/merge`, { primaryId: b.id });
    expect(chain.status).toBe(422);
    expect(fieldsOf(chain)).toEqual(['body.primaryId']);
    expect(chain.body.error.message).toContain(a.code);
    const ofPrimary = await supervisor.post(`/api/items/${a.id}/merge`, { primaryId: c.id });
    expect(ofPrimary.status).toBe(409);
    expect(fieldsOf(ofPrimary)).toEqual(['body.id']);
    const missing = await supervisor.post(`/api/items/${c.id}/merge`, { primaryId: '00000000-0000-4000-8000-000000000009' });
    expect(missing.status).toBe(422);
    expect(fieldsOf(missing)).toEqual(['body.primaryId']);
    expect((await supervisor.post(`/api/items/${c.id}/merge`, { primaryId: 'nope' })).status).toBe(400);
    expect((await operator.post(`/api/items/${c.id}/merge`, { primaryId: a.id })).status).toBe(403);
    expect((await staffA.post(`/api/items/${c.id}/merge`, { primaryId: a.id })).status).toBe(403);
    expect((await leader.post(`/api/items/${c.id}/merge`, { primaryId: a.id })).status).toBe(403);

    // Nothing written: c runs, a lists only b, c's history has no merge.
    const cNow = await detail(c.id);
    expect(cNow.status).toBe('launched');
    expect(cNow.mergedInto).toBeNull();
    expect((await detail(a.id)).duplicates.map((d: Json) => d.id)).toEqual([b.id]);
    expect(await historyText(c.id, 'en')).not.toContain('merged');
    expect((await supervisor.post(`/api/items/${a.id}/unmerge`, {})).status).toBe(409);
  });
});

describe('a merged appeal', () => {
  async function registerAndDispatch(text: string): Promise<{ id: string; queryCode: string; code: string }> {
    const res = await operator.post('/api/appeals', { text, phone: PHONE, citizenName: '赵先生', channel: 'hotline' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const dispatched = await operator.post(`/api/appeals/${res.body.id}/dispatch`, { departmentId: deptA });
    expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
    return res.body;
  }

  it("is merged by an operator, and its citizen sees the primary's status and reply", async () => {
    const first = await registerAndDispatch('幸福路夜间施工噪音扰民');
    const second = await registerAndDispatch('幸福路工地晚上施工太吵');
    const supervisionItem = await launch('噪音治理', '噪音治理督办');
    const across = await operator.post(`/api/items/${second.id}/merge`, { primaryId: supervisionItem.id });
    expect(across.status).toBe(422);
    expect(fieldsOf(across)).toEqual(['body.primaryId']);
    const merged = await operator.post(`/api/items/${second.id}/merge`, { primaryId: first.id });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);

    const task = await waitFor(async () => (await detail(first.id)).tasks?.find((t: Json) => t.role === 'lead' && t.version >= 0), 'the primary lead task');
    expect((await staffA.post(`/api/tasks/${task.id}/sign`, {})).status).toBe(200);
    const reply = await staffA.post(`/api/tasks/${task.id}/reply`, { text: '已责令施工单位夜间停工', contactMethod: 'phone', contactedAt: new Date().toISOString() });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);

    const seen = await h.request('GET', `/public/appeals/${second.queryCode}?phone=${PHONE}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ status: 'replied', reply: '已责令施工单位夜间停工' });
  });
});
