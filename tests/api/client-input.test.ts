/**
 * Client input that once answered 500 now answers a 4xx naming the field in both languages:
 * a deadline in a past year ("bad year range 2026..2025" from the calendar builder) and text
 * holding a control character (Postgres refuses NUL). Times and durations have sane bounds: no
 * deadline more than ten years ahead, no report cadence under a minute. The property test throws
 * the general case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type HttpAnswer, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staff: LoggedIn;
let dept: string;

beforeAll(async () => {
  h = await startApiHarness();
  dept = (await h.createDepartment('输入校验局')).id;
  [supervisor, leader] = await Promise.all([h.createUser('supervisor'), h.createUser('leader')]);
  staff = await h.createUser('department', dept);
});
afterAll(async () => h?.close());

function refusal(answer: HttpAnswer) {
  const fields = (answer.body?.error?.details?.fields ?? []) as { field: string; message: string; messageZh: string }[];
  return { status: answer.status, fields: fields.map((f) => f.field), zh: fields.map((f) => f.messageZh).join(' ') };
}

describe('a deadline in a past year', () => {
  it('is refused at the item deadline, naming body.dueAt, in both languages', async () => {
    const answer = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept, role: 'lead' }], { dueAt: '2025-03-01T00:00:00Z' }));
    expect(refusal(answer)).toMatchObject({ status: 422, fields: ['body.dueAt'], zh: expect.stringContaining('晚于现在') });
  });

  it('is refused at a task deadline, naming that task', async () => {
    const answer = await supervisor.post(
      '/api/items',
      launchBody(leader.id, [{ departmentId: dept, role: 'lead', dueAt: '2001-01-01T08:00:00+08:00' }]),
    );
    expect(refusal(answer)).toMatchObject({ status: 422, fields: ['body.tasks.0.dueAt'] });
  });

  it('is refused as an extension date', async () => {
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept, role: 'lead' }]));
    expect(launched.status).toBe(201);
    const taskId = launched.body.tasks[0].id;
    await waitFor(async () => (await supervisor.get(`/api/items/${launched.body.id}`)).body.timeline.some((e: { type: string }) => e.type === 'assigned'), 'the task workflow');
    expect((await staff.post(`/api/tasks/${taskId}/sign`)).status).toBe(200);
    const answer = await staff.post(`/api/tasks/${taskId}/extension`, { reason: '需要延期', newDueAt: '2024-12-31T00:00:00Z' });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(refusal(answer).fields).toEqual(['body.newDueAt']);
    await supervisor.post(`/api/items/${launched.body.id}/cancel`, { reason: 'test finished' });
  });
});

describe('control characters in text', () => {
  it('a NUL in a title is a 400 naming body.title, and nothing is launched', async () => {
    const title = `带空字符\u0000的标题 ${Date.now()}`;
    const answer = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept, role: 'lead' }], { title }));
    expect(refusal(answer)).toMatchObject({ status: 400, fields: ['body.title'], zh: expect.stringContaining('不允许的字符') });
    const listed = await supervisor.get(`/api/items?q=${encodeURIComponent('带空字符')}`);
    expect(listed.body.items ?? []).toEqual([]);
  });

  it('is found deep in a body, in an object key, and in a query string', async () => {
    const nested = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: `${dept}\u0007`, role: 'lead' }]));
    expect(refusal(nested)).toMatchObject({ status: 400, fields: ['body.tasks.0.departmentId'] });
    const key = await staff.post('/api/tasks/00000000-0000-4000-8000-000000000000/complete', { summary: '办结', fields: { 'result\u0000': '好' } });
    expect(refusal(key)).toMatchObject({ status: 400, fields: ['body.fields'] });
    const query = await supervisor.get('/api/items?q=%00');
    expect(refusal(query)).toMatchObject({ status: 400, fields: ['querystring.q'] });
  });

  it('line breaks and tabs in a report are still text', async () => {
    const answer = await supervisor.post(
      '/api/items',
      launchBody(leader.id, [{ departmentId: dept, role: 'lead' }], { description: '第一段\n\t第二段\r\n' }),
    );
    expect(answer.status).toBe(201);
    await supervisor.post(`/api/items/${answer.body.id}/cancel`, { reason: 'test finished' });
  });
});

describe('times and durations have sane bounds', () => {
  const lead = () => [{ departmentId: dept, role: 'lead' as const }];
  const launchedTitles = async (marker: string) =>
    ((await supervisor.get(`/api/items?q=${encodeURIComponent(marker)}`)).body.items ?? []) as unknown[];

  it('a deadline 8,000 years ahead is refused at its field, and nothing is launched', async () => {
    const marker = `远期截止 ${Date.now()}`;
    const item = await supervisor.post('/api/items', launchBody(leader.id, lead(), { title: marker, dueAt: '9999-12-31T00:00:00Z' }));
    expect(refusal(item)).toMatchObject({ status: 422, fields: ['body.dueAt'], zh: expect.stringContaining('十年') });
    const task = await supervisor.post(
      '/api/items',
      launchBody(leader.id, [{ departmentId: dept, role: 'lead', dueAt: '8026-01-01T00:00:00Z' }], { title: marker }),
    );
    expect(refusal(task)).toMatchObject({ status: 422, fields: ['body.tasks.0.dueAt'] });
    const warn = await supervisor.post('/api/items', launchBody(leader.id, lead(), { title: marker, warnBefore: 'P20Y' }));
    expect(refusal(warn)).toMatchObject({ status: 400, fields: ['body.warnBefore'] });
    expect(await launchedTitles(marker)).toEqual([]);
  });

  it('a report cadence of 1 ms is refused on a launch and on a template', async () => {
    const marker = `过密反馈 ${Date.now()}`;
    const answer = await supervisor.post('/api/items', launchBody(leader.id, lead(), { title: marker, reportEvery: 'PT0.001S' }));
    expect(refusal(answer)).toMatchObject({ status: 400, fields: ['body.reportEvery'], zh: expect.stringContaining('一分钟') });
    expect(await launchedTitles(marker)).toEqual([]);
    const admin = await h.createUser('admin');
    const template = (await admin.get('/api/templates/routine')).body;
    const settings = { ...template, reportEvery: 'PT1S' };
    for (const key of ['kind', 'updatedAt', 'updatedBy', 'isDefault']) delete settings[key];
    const put = await admin.request('PUT', '/api/templates/routine', settings);
    expect(refusal(put)).toMatchObject({ status: 400, fields: ['body.reportEvery'] });
    expect((await admin.get('/api/templates/routine')).body.reportEvery).toBe(template.reportEvery);
  });
});
