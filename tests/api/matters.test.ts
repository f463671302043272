/**
 * The catalogue of supervision matters (监管事项清单, issue 19) against the real Temporal, Postgres and
 * Redis: who may read and write it, the spreadsheet import (all or nothing, the bad row and field
 * named, a re-import updates), a signal routed by a rule naming a matter, an appeal tied to a matter,
 * and the standing book by matter.
 */
import { createHmac } from 'node:crypto';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemMatters, supervisionMatters } from '../../db/schema/matters';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { waitFor } from '../support/item-fixtures';
import { uniqueName } from '../support/services';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let h: ApiHarness;
let admin: LoggedIn;
let supervisor: LoggedIn;
let leader: LoggedIn;
let operator: LoggedIn;
let staffA: LoggedIn;
let deptA: { id: string; name: string };
let deptB: { id: string; name: string };
const prefix = uniqueName('M').replace(/[^\w-]/g, '');

beforeAll(async () => {
  h = await startApiHarness();
  [deptA, deptB] = await Promise.all([h.createDepartment('事项甲局'), h.createDepartment('事项乙局')]);
  [admin, supervisor, leader, operator, staffA] = await Promise.all([
    h.createUser('admin'),
    h.createUser('supervisor'),
    h.createUser('leader'),
    h.createUser('operator'),
    h.createUser('department', deptA.id),
  ]);
}, 120_000);
afterAll(async () => h?.close());

const matterOf = (code: string, departmentId: string, overrides: Record<string, unknown> = {}) => ({
  code,
  name: `对${code}的监督检查`,
  departmentId,
  level: 'city',
  object: '辖区内企业',
  legalBasis: '《某某条例》第十条',
  process: '制定计划、现场检查、出具意见',
  expectedResult: '问题整改到位',
  ...overrides,
});

async function xlsxOf(rows: (string | undefined)[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('监管事项');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function upload(user: LoggedIn, bytes: Buffer, name = 'matters.xlsx') {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${h.baseUrl}/api/matters/import`, { method: 'POST', headers: { authorization: `Bearer ${user.token}` }, body: form });
  return { status: res.status, body: (await res.json()) as Json };
}

const HEADER = ['事项编码', '事项名称', '责任单位', '层级', '监管对象', '设定依据', '监管流程', '预期结果'];

async function created(code: string, departmentId: string): Promise<Json> {
  const res = await admin.post('/api/matters', matterOf(code, departmentId));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('the catalogue', () => {
  it('admins write; supervisors, leaders and operators read; departments do neither', async () => {
    const matter = await created(`${prefix}-A1`, deptA.id);
    expect(matter).toMatchObject({ departmentId: deptA.id, departmentName: deptA.name, level: 'city' });

    for (const reader of [supervisor, leader, operator, admin]) {
      const list = await reader.get(`/api/matters?departmentId=${deptA.id}`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((m: Json) => m.code)).toContain(`${prefix}-A1`);
    }
    expect((await staffA.get('/api/matters')).status).toBe(403);
    for (const writer of [supervisor, leader, operator, staffA]) {
      expect((await writer.post('/api/matters', matterOf(`${prefix}-X`, deptA.id))).status).toBe(403);
      expect((await writer.request('PATCH', `/api/matters/${matter.id}`, { name: '改名' })).status).toBe(403);
      expect((await writer.request('DELETE', `/api/matters/${matter.id}`)).status).toBe(403);
    }

    const changed = await admin.request('PATCH', `/api/matters/${matter.id}`, { name: '改过的名称', level: 'county' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ name: '改过的名称', level: 'county', code: `${prefix}-A1` });

    // A department filter lists only that department's matters.
    await created(`${prefix}-B1`, deptB.id);
    const onlyB = await supervisor.get(`/api/matters?departmentId=${deptB.id}`);
    expect(onlyB.body.items.map((m: Json) => m.code)).toEqual([`${prefix}-B1`]);
  });

  it('refuses bad input naming the field, in both languages', async () => {
    const duplicate = await admin.post('/api/matters', matterOf(`${prefix}-A1`, deptA.id));
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.details.fields[0]).toMatchObject({ field: 'body.code', messageZh: expect.any(String) });
    const badLevel = await admin.post('/api/matters', matterOf(`${prefix}-A2`, deptA.id, { level: 'galaxy' }));
    expect(badLevel.status).toBe(400);
    expect(JSON.stringify(badLevel.body)).toContain('body.level');
    const noDepartment = await admin.post('/api/matters', matterOf(`${prefix}-A3`, '00000000-0000-4000-8000-000000000000'));
    expect(noDepartment.status).toBe(422);
    expect(noDepartment.body.error.details.fields[0].field).toBe('body.departmentId');
    const badCode = await admin.post('/api/matters', matterOf('has space', deptA.id));
    expect(badCode.status).toBe(400);
    expect(JSON.stringify(badCode.body)).toContain('body.code');
  });

  it('deletes a matter no item is tied to', async () => {
    const matter = await created(`${prefix}-DEL`, deptA.id);
    expect((await admin.request('DELETE', `/api/matters/${matter.id}`)).status).toBe(204);
    expect((await admin.get(`/api/matters/${matter.id}`)).status).toBe(404);
  });
});

describe('importing a spreadsheet', () => {
  it('imports nothing when one row is bad, and names the row and the field', async () => {
    const bytes = await xlsxOf([
      HEADER,
      [`${prefix}-I1`, '餐饮服务食品安全监督检查', deptA.name, '市级', '餐饮服务提供者', '《食品安全法》', '双随机抽查', '风险消除'],
      [`${prefix}-I2`, '特种设备安全监督检查', deptB.name, '星级', '使用单位', '《特种设备安全法》', '现场检查', '隐患整改'],
    ]);
    const res = await upload(admin, bytes);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/row 3, field level/);
    expect(res.body.error.details.messageZh).toMatch(/第 3 行.*层级/);
    const [kept] = await h.deps.database.db.select().from(supervisionMatters).where(eq(supervisionMatters.code, `${prefix}-I1`));
    expect(kept).toBeUndefined();

    const unknownDepartment = await upload(admin, await xlsxOf([HEADER, [`${prefix}-I1`, '名称', '不存在的单位', '市级']]));
    expect(unknownDepartment.status).toBe(400);
    expect(unknownDepartment.body.error.message).toMatch(/row 2, field department/);
    expect((await upload(supervisor, bytes)).status).toBe(403);
  });

  it('imports every row, and a re-import of the same codes updates them instead of adding', async () => {
    const rows = (name: string) => [
      HEADER,
      [`${prefix}-I1`, name, deptA.name, '市级', '餐饮服务提供者', '《食品安全法》', '双随机抽查', '风险消除'],
      [`${prefix}-I2`, '特种设备安全监督检查', deptB.name, '县级', '使用单位', '《特种设备安全法》', '现场检查', '隐患整改'],
    ];
    const first = await upload(admin, await xlsxOf(rows('餐饮服务食品安全监督检查')));
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toEqual({ rows: 2, created: 2, updated: 0 });
    const again = await upload(admin, await xlsxOf(rows('餐饮服务食品安全监督检查（修订）')));
    expect(again.body).toEqual({ rows: 2, created: 0, updated: 2 });
    const list = await supervisor.get(`/api/matters?q=${prefix}-I&pageSize=50`);
    expect(list.body.total).toBe(2);
    expect(list.body.items[0]).toMatchObject({ code: `${prefix}-I1`, name: '餐饮服务食品安全监督检查（修订）', departmentId: deptA.id, level: 'city' });

    // CSV, English headers.
    const csv = `code,name,department,level\n${prefix}-C1,Fire safety inspection,${deptB.name},county\n`;
    const fromCsv = await upload(admin, Buffer.from(csv), 'matters.csv');
    expect(fromCsv.body).toEqual({ rows: 1, created: 1, updated: 0 });
  });
});

const sign = (secret: string, timestamp: string, raw: string) => createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex');

describe('items tied to a matter', () => {
  let matterA: Json;
  let signalItemId: string;
  let appealId: string;

  it('a signal under a rule naming a matter goes to the matter’s department and is tied to it', async () => {
    matterA = await created(`${prefix}-S1`, deptA.id);
    const source = uniqueName('monitor').replace(/-/g, '_');
    expect((await admin.request('PUT', `/api/intake/sources/${source}`, { name: '市场监管预警', resultUrl: null })).status).toBe(200);
    // The rule names department B, but its matter belongs to department A: the matter decides.
    const unknown = await admin.request('PUT', '/api/intake/rules', { source, riskLevel: 'high', departmentId: deptB.id, issuedBy: leader.id, matterId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields[0].field).toBe('body.matterId');
    const rule = await admin.request('PUT', '/api/intake/rules', { source, riskLevel: 'high', departmentId: deptB.id, issuedBy: leader.id, matterId: matterA.id });
    expect(rule.status, JSON.stringify(rule.body)).toBe(200);
    expect(rule.body.matterId).toBe(matterA.id);
    const account = (await admin.post('/api/service-accounts', { name: '预警平台', source })).body;

    const raw = JSON.stringify({ source, externalId: uniqueName('alarm'), subject: '某餐馆抽检不合格', riskLevel: 'high' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const res = await h.request('POST', '/api/intake/signals', {
      body: raw,
      headers: { 'content-type': 'application/json', 'x-api-key': account.apiKey, 'x-timestamp': timestamp, 'x-signature': sign(account.secret, timestamp, raw) },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    signalItemId = res.body.itemId;
    const item = await supervisor.get(`/api/items/${signalItemId}`);
    expect(item.body.tasks[0]).toMatchObject({ departmentId: deptA.id, role: 'lead' });
    const [tie] = await h.deps.database.db.select().from(itemMatters).where(eq(itemMatters.itemId, signalItemId));
    expect(tie?.matterId).toBe(matterA.id);
  });

  it('an appeal registered with a matter is tied to it at dispatch; an unknown matter is a 400', async () => {
    const bad = await operator.post('/api/appeals', { text: '饭店后厨卫生差', phone: '13812341234', channel: 'hotline', matterId: '00000000-0000-4000-8000-000000000000' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0]).toMatchObject({ field: 'body.matterId', messageZh: '没有这个监管事项' });

    const registered = await operator.post('/api/appeals', { text: '饭店后厨卫生差', phone: '13812341234', channel: 'hotline', matterId: matterA.id });
    expect(registered.status).toBe(201);
    appealId = registered.body.id;
    const dispatched = await operator.post(`/api/appeals/${appealId}/dispatch`, { departmentId: deptA.id });
    expect(dispatched.status, JSON.stringify(dispatched.body)).toBe(200);
    expect(dispatched.body.matterId).toBe(matterA.id);
    const [tie] = await h.deps.database.db.select().from(itemMatters).where(eq(itemMatters.itemId, appealId));
    expect(tie?.matterId).toBe(matterA.id);
  });

  it('the standing book by matter counts the tied items, open and done, filtered by department', async () => {
    // The appeal is replied to and visited: its task is done, on time.
    const taskId = await waitFor(async () => (await supervisor.get(`/api/items/${appealId}`)).body.tasks?.[0]?.id as string | undefined, 'the appeal task');
    expect((await staffA.post(`/api/tasks/${taskId}/sign`, {})).status).toBe(200);
    expect((await staffA.post(`/api/tasks/${taskId}/reply`, { text: '已检查整改', contactMethod: 'phone', contactedAt: new Date().toISOString() })).status).toBe(200);
    expect((await operator.post(`/api/appeals/${appealId}/return-visit`, { result: 'satisfied' })).status).toBe(200);

    const row = await waitFor(async () => {
      const book = await leader.get(`/api/dashboard/matters?departmentId=${deptA.id}`);
      expect(book.status).toBe(200);
      const found = book.body.matters.find((m: Json) => m.matterId === matterA.id);
      return found?.done === 1 ? found : undefined;
    }, 'the completed appeal on the standing book');
    expect(row).toMatchObject({ code: `${prefix}-S1`, departmentId: deptA.id, items: 2, tasks: 2, open: 1, red: 0, done: 1, onTimeRate: 1 });

    const onlyB = await supervisor.get(`/api/dashboard/matters?departmentId=${deptB.id}`);
    expect(onlyB.body.matters.every((m: Json) => m.departmentId === deptB.id)).toBe(true);
    expect(onlyB.body.matters.find((m: Json) => m.code === `${prefix}-B1`)).toMatchObject({ items: 0, open: 0, onTimeRate: null });
    expect((await operator.get('/api/dashboard/matters')).status).toBe(403);

    // A matter with items stays.
    const kept = await admin.request('DELETE', `/api/matters/${matterA.id}`);
    expect(kept.status).toBe(409);
    expect(signalItemId).toBeTruthy();
  });
});
