/**
 * Exports over HTTP with a real worker: the dashboard as .xlsx (sheets, Chinese headers, number
 * formats), one item's dossier as PDF (Chinese text round-trips through pdfjs and a page renders to
 * PNG with ink on it), and a PDF volume built by a BullMQ job that reports progress and serves
 * its file only to whoever asked.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExportProcessors } from '../../jobs/exports/run';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';
import { inkShare, pdfPageAsPng, pdfText } from './exports-support';

let h: ApiHarness;
let exportsWorker: ReturnType<typeof startExportProcessors>;
let supervisor: LoggedIn;
let leader: LoggedIn;
let auditor: LoggedIn;
let otherLeader: LoggedIn;
let staffA: LoggedIn;
let deptA: string;
let deptB: string;
const itemIds: string[] = [];
const titles = ['关于加快推进城区道路改造的批示', '关于做好防汛准备工作的批件'];

async function bytesOf(path: string, user: LoggedIn): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${user.token}` } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  h = await startApiHarness();
  exportsWorker = startExportProcessors({ config: h.config, db: h.deps.database.db });
  const [a, b] = await Promise.all([h.createDepartment('导出甲局'), h.createDepartment('导出乙局')]);
  [deptA, deptB] = [a.id, b.id];
  [supervisor, leader, auditor, otherLeader, staffA] = await Promise.all([
    h.createUser('supervisor'),
    h.createUser('leader', null, '王领导'),
    h.createUser('auditor'),
    h.createUser('leader'),
    h.createUser('department', deptA, 'staffA'),
  ]);
  for (const title of titles) {
    const res = await supervisor.post(
      '/api/items',
      launchBody(leader.id, [{ departmentId: deptA, role: 'lead' }, { departmentId: deptB, role: 'assist' }], { title, kind: 'approval_document' }),
    );
    expect(res.status).toBe(201);
    itemIds.push(res.body.id);
  }
  // The first item gets a report and a decision on its record.
  const detail = (await supervisor.get(`/api/items/${itemIds[0]}`)).body;
  const taskA = detail.tasks.find((t: { departmentId: string }) => t.departmentId === deptA).id;
  expect((await staffA.post(`/api/tasks/${taskA}/sign`)).status).toBe(200);
  expect((await staffA.post(`/api/tasks/${taskA}/progress`, { text: '已召开专题会议部署道路改造', percent: 60 })).status).toBe(200);
  expect((await staffA.post(`/api/tasks/${taskA}/complete`, { summary: '改造工程全部完工', fields: { result: '完成道路改造 3.2 公里', documentNumber: '城建复〔2026〕8号' } })).status).toBe(200);
  expect((await supervisor.post(`/api/tasks/${taskA}/review`, { decision: 'accept', comment: '同意办结' })).status).toBe(200);
  await waitFor(async () => {
    const item = (await supervisor.get(`/api/items/${itemIds[0]}`)).body;
    return item.timeline.some((e: { type: string }) => e.type === 'review') || undefined;
  }, 'the review in the timeline');
});
afterAll(async () => {
  await exportsWorker?.close();
  await h?.close();
});

describe('GET /api/reports/dashboard.xlsx', () => {
  it('one sheet per kind plus totals, Chinese headers, integers and a percentage', async () => {
    const res = await bytesOf(`/api/reports/dashboard.xlsx?departmentId=${deptA},${deptB}`, leader);
    expect(res.status).toBe(200);
    expect(res.type).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['总计', '会议议定事项', '领导批示', '上级批件', '常规督查']);
    const sheet = book.getWorksheet('上级批件')!;
    const header = (sheet.getRow(3).values as unknown[]).slice(1);
    expect(header).toEqual(['承办单位', '总数', '已办结', '按时办结', '超时办结', '延期办结', '在办', '黄灯（当前）', '红灯（当前）', '曾亮红灯', '按时办结率']);
    // Rows: department A, department B, then 合计 — matching the JSON dashboard.
    const json = (await leader.get(`/api/dashboard?departmentId=${deptA},${deptB}&kind=approval_document`)).body;
    const rows = [4, 5, 6].map((r) => (sheet.getRow(r).values as unknown[]).slice(1));
    expect(rows[2]![0]).toBe('合计');
    expect(rows[2]![1]).toBe(json.totals.total);
    expect(rows[2]![1]).toBe(4);
    const rowA = rows.find((r) => r[0] === json.departments.find((d: { departmentId: string }) => d.departmentId === deptA).departmentName)!;
    expect(rowA.slice(1, 4)).toEqual([2, 1, 1]);
    expect(rowA[10]).toBe(1);
    expect(sheet.getRow(4).getCell(11).numFmt).toBe('0.0%');
    expect(sheet.getRow(4).getCell(2).numFmt).toBe('#,##0');
  });

  it('is refused to department staff', async () => {
    expect((await bytesOf('/api/reports/dashboard.xlsx', staffA)).status).toBe(403);
  });
});

describe('GET /api/items/:id/dossier.pdf', () => {
  it('cover, contents, item, tasks and every report and decision with actor and time — in Chinese that renders', async () => {
    const res = await bytesOf(`/api/items/${itemIds[0]}/dossier.pdf`, auditor);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/pdf');
    const pages = await pdfText(res.bytes);
    const all = pages.join('\n');
    expect(pages[0]).toContain('督查督办电子案卷');
    expect(pages[0]).toContain(titles[0]);
    expect(pages[1]).toContain('目');
    expect(pages[1]).toContain('办理记录');
    for (const text of ['事项概况', '承办任务', '导出甲局', '牵头', '办理期限', '已召开专题会议部署道路改造', '改造工程全部完工', '同意办结', '进展反馈', '审核办结报告', '按时办结', '第 2 页']) {
      expect(all, text).toContain(text);
    }
    // The actor of the progress report is named.
    expect(all).toContain('staffA');
    // Page 1 as PNG has real ink (glyphs, not an empty page).
    const { png } = await pdfPageAsPng(res.bytes, 1, 'dossier-cover');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(await inkShare(res.bytes, 1)).toBeGreaterThan(0.005);
  });

  it('answers 404 for an unknown item and 403 to department staff', async () => {
    expect((await bytesOf('/api/items/00000000-0000-4000-8000-000000000000/dossier.pdf', auditor)).status).toBe(404);
    expect((await bytesOf(`/api/items/${itemIds[0]}/dossier.pdf`, staffA)).status).toBe(403);
  });
});

describe('POST /api/exports (volume)', () => {
  it('builds one PDF of all approval documents issued by one leader, with a contents page, reporting progress', async () => {
    const started = await supervisor.post('/api/exports', { type: 'volume', issuedBy: leader.id, kind: 'approval_document' });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const seen = new Set<number>();
    const final = await waitFor(
      async () => {
        const res = await supervisor.get(`/api/exports/${id}`);
        expect(res.status).toBe(200);
        seen.add(res.body.progress);
        return ['done', 'failed'].includes(res.body.status) ? res.body : undefined;
      },
      'the volume',
      60_000,
    );
    expect(final).toMatchObject({ status: 'done', progress: 100, itemCount: 2 });
    expect(final.error).toBeUndefined();
    // Someone else cannot see it or download it.
    expect((await otherLeader.get(`/api/exports/${id}`)).status).toBe(404);
    expect((await bytesOf(`/api/exports/${id}/file`, otherLeader)).status).toBe(404);
    const file = await bytesOf(`/api/exports/${id}/file`, supervisor);
    expect(file.status).toBe(200);
    expect(file.type).toBe('application/pdf');
    const pages = await pdfText(file.bytes);
    expect(pages[0]).toContain('督查督办案卷汇编');
    expect(pages[0]).toContain('王领导');
    expect(pages[1]).toContain('目');
    for (const title of titles) expect(pages[1]).toContain(title);
    expect(pages.slice(2).join('\n')).toContain('已召开专题会议部署道路改造');
    expect(await inkShare(file.bytes, 2)).toBeGreaterThan(0.002);
  });

  it('refuses bad requests and department staff; a job not yet done has no file', async () => {
    expect((await supervisor.post('/api/exports', { type: 'everything' })).status).toBe(400);
    expect((await supervisor.post('/api/exports', { type: 'volume', from: '2026-02-30T00:00:00Z' })).status).toBe(400);
    expect((await staffA.post('/api/exports', { type: 'volume' })).status).toBe(403);
    expect((await supervisor.get('/api/exports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
