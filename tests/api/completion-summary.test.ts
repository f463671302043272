/**
 * Issue 17: the default templates asked for the summary and again for `result` (the same thing).
 * A department writes it once: `{summary}` alone completes a task on a default template, the
 * summary stands in `result`, and a template's own required fields are still enforced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody } from '../support/item-fixtures';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staff: LoggedIn;
let dept: string;

beforeAll(async () => {
  h = await startApiHarness();
  dept = (await h.createDepartment('办结摘要局')).id;
  [supervisor, leader] = await Promise.all([h.createUser('supervisor'), h.createUser('leader')]);
  staff = await h.createUser('department', dept);
});
afterAll(async () => h?.close());

async function signedTask(kind: string) {
  const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept, role: 'lead' }], { kind }));
  expect(launched.status).toBe(201);
  const taskId = launched.body.tasks[0].id as string;
  expect((await staff.post(`/api/tasks/${taskId}/sign`)).status).toBe(200);
  return { itemId: launched.body.id as string, taskId };
}

describe('completing on a default template', () => {
  it('the template does not ask for `result` again: it is neither required nor an input of the form', async () => {
    const template = await supervisor.get('/api/templates/leadership_instruction');
    expect(template.status).toBe(200);
    expect(template.body.completionFields.required ?? []).not.toContain('result');
    expect(template.body.completionFields.properties.result.readOnly).toBe(true);
  });

  it('{summary} alone completes, and the summary is recorded as the result', async () => {
    const { itemId, taskId } = await signedTask('leadership_instruction');
    const done = await staff.post(`/api/tasks/${taskId}/complete`, { summary: '已按批示完成整改，形成报告一份' });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('submitted');
    const detail = await supervisor.get(`/api/items/${itemId}`);
    const submitted = detail.body.timeline.filter((e: { taskId: string | null; data: unknown }) => e.taskId === taskId && JSON.stringify(e.data).includes('"result"'));
    expect(JSON.stringify(submitted)).toContain('"result":"已按批示完成整改，形成报告一份"');
    await supervisor.post(`/api/items/${itemId}/cancel`, { reason: 'test finished' });
  });

  it("a template's own required fields are still enforced (the approval document's reply number)", async () => {
    const { itemId, taskId } = await signedTask('approval_document');
    const missing = await staff.post(`/api/tasks/${taskId}/complete`, { summary: '已回复' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(['body.fields.documentNumber']);
    // Found by the contract fuzz: the form's own refusals carry a Chinese message too.
    expect(missing.body.error.details.fields[0].messageZh).toMatch(/documentNumber/);
    expect(missing.body.error.details.fields[0].messageZh).toMatch(/[\u4e00-\u9fff]/);
    const extra = await staff.post(`/api/tasks/${taskId}/complete`, { summary: '已回复', fields: { documentNumber: '办复〔2026〕12号', a: true } });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details.fields).toEqual([expect.objectContaining({ field: 'body.fields.a', messageZh: expect.stringMatching(/[\u4e00-\u9fff]/) })]);
    const done = await staff.post(`/api/tasks/${taskId}/complete`, { summary: '已回复', fields: { documentNumber: '办复〔2026〕12号' } });
    expect(done.status).toBe(200);
    await supervisor.post(`/api/items/${itemId}/cancel`, { reason: 'test finished' });
  });
});
