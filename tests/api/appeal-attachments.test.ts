/**
 * An appeal's attachments (issue 19): the files an operator uploaded become the appeal item's, read
 * exactly like it; an unknown id, someone else's file, or one already held elsewhere is a 400 naming
 * `body.attachmentIds.<i>` and writes nothing; the public page takes none (a citizen owns no upload).
 */
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appeals } from '../../db/schema/appeals';
import { attachments } from '../../db/schema/attachments';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { waitFor } from '../support/item-fixtures';

let h: ApiHarness;
let operator: LoggedIn;
let otherOperator: LoggedIn;
let supervisor: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let deptA: string;

beforeAll(async () => {
  h = await startApiHarness();
  const [a, b] = await Promise.all([h.createDepartment('附件甲局'), h.createDepartment('附件乙局')]);
  deptA = a.id;
  [operator, otherOperator, supervisor, staffA, staffB] = await Promise.all([
    h.createUser('operator'),
    h.createUser('operator'),
    h.createUser('supervisor'),
    h.createUser('department', a.id),
    h.createUser('department', b.id),
  ]);
}, 120_000);
afterAll(async () => h?.close());

async function upload(user: LoggedIn, text: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([text], { type: 'text/plain' }), '现场情况.txt');
  const res = await fetch(`${h.baseUrl}/api/attachments`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: form });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function download(user: LoggedIn, id: string) {
  const res = await fetch(`${h.baseUrl}/api/attachments/${id}`, { headers: { authorization: `Bearer ${user.token}` } });
  return { status: res.status, text: await res.text() };
}

const appealBody = (attachmentIds: string[]) => ({ text: '路面塌陷，附现场说明', phone: '13812340000', channel: 'hotline', attachmentIds });
const appealCount = async () => (await h.deps.database.db.select({ id: appeals.id }).from(appeals)).length;
const fieldsOf = (res: { body: { error?: { details?: { fields?: Array<{ field: string; messageZh?: string }> } } } }) =>
  res.body.error?.details?.fields?.map((f) => f.field) ?? [];

describe('POST /api/appeals with attachmentIds', () => {
  it("ties the operator's own files to the appeal: read like the appeal's item, by its department once dispatched", async () => {
    const file = await upload(operator, '塌陷约两平方米');
    const registered = await operator.post('/api/appeals', appealBody([file]));
    expect(registered.status).toBe(201);
    const appealId = registered.body.id as string;
    const [row] = await h.deps.database.db.select().from(attachments).where(eq(attachments.id, file));
    expect(row).toMatchObject({ itemId: appealId, taskId: null });
    expect((await operator.get(`/api/appeals/${appealId}`)).body.attachmentIds).toEqual([file]);

    expect((await download(operator, file)).text).toBe('塌陷约两平方米');
    expect((await download(supervisor, file)).status).toBe(200);
    expect((await download(staffA, file)).status).toBe(404);

    expect((await operator.post(`/api/appeals/${appealId}/dispatch`, { departmentId: deptA })).status).toBe(200);
    await waitFor(async () => (await download(staffA, file)).status === 200, 'the department to read the appeal file');
    expect((await download(staffB, file)).status).toBe(404);
    const listed = await staffA.get(`/api/items/${appealId}/attachments`);
    expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(file);
  });

  it('an unknown id, another user’s file, or one already tied: 400 naming the index, nothing written', async () => {
    const mine = await upload(operator, '我的附件');
    const theirs = await upload(otherOperator, '别人的附件');
    const before = await appealCount();

    const foreign = await operator.post('/api/appeals', appealBody([mine, theirs]));
    expect(foreign.status).toBe(400);
    expect(fieldsOf(foreign)).toEqual(['body.attachmentIds.1']);
    const unknown = await operator.post('/api/appeals', appealBody([randomUUID()]));
    expect(unknown.status).toBe(400);
    expect(fieldsOf(unknown)).toEqual(['body.attachmentIds.0']);
    expect(await appealCount()).toBe(before);
    const untouched = await h.deps.database.db.select().from(attachments).where(inArray(attachments.id, [mine, theirs]));
    expect(untouched.every((a) => a.itemId === null)).toBe(true);

    // Tied once, never twice.
    expect((await operator.post('/api/appeals', appealBody([mine]))).status).toBe(201);
    const again = await operator.post('/api/appeals', appealBody([mine]));
    expect(again.status).toBe(400);
    expect(fieldsOf(again)).toEqual(['body.attachmentIds.0']);
    expect(again.body.error.details.fields[0].messageZh).toBe('该附件已属于其他记录');
    expect(await appealCount()).toBe(before + 1);
  });
});

describe('POST /public/appeals with attachmentIds', () => {
  it('takes none: any id is a 400 naming it, and no appeal is written', async () => {
    const file = await upload(operator, '操作员的附件');
    const challenge = (await h.request<Challenge>('GET', '/public/appeals/challenge')).body;
    const solution = await solveChallenge({ challenge, deriveKey });
    const captcha = Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
    const before = await appealCount();
    const res = await h.request('POST', '/public/appeals', { body: { text: '噪音扰民', phone: '13900002222', captcha, attachmentIds: [file] } });
    expect(res.status).toBe(400);
    expect(fieldsOf(res)).toEqual(['body.attachmentIds.0']);
    expect(await appealCount()).toBe(before);
    const [row] = await h.deps.database.db.select().from(attachments).where(eq(attachments.id, file));
    expect(row!.itemId).toBeNull();
  });
});
