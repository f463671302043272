/**
 * Exports over HTTP with a real worker: the dashboard as .xlsx (sheets, Chinese headers, number
 * formats), one item's dossier as PDF (Chinese text round-trips through pdfjs and a page renders to
 * PNG with ink on it), and a PDF volume built by a BullMQ job that reports progress and serves
 * its file only to whoever asked.
 */
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { items } from '../../db/schema/items';
import { MAX_VOLUME_ITEMS } from '../../jobs/exports/jobs';
import { startExportProcessors } from '../../jobs/exports/run';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';
import { beijingMinute, inkShare, pdfPageAsPng, pdfText } from './exports-support';

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
// This file's export worker binds at most this many items per volume (production: MAX_VOLUME_ITEMS),
// so a capped volume is cheap to build; the API still refuses filters matching more than MAX_VOLUME_ITEMS.
const WORKER_LIMIT = 3;
/** Set by a test to hold the next job that reports a progress between 0 and 100, until released. */
let hold: { reached: () => void; released: Promise<void> } | undefined;

/** Items written straight into the read model (no tasks): enough for a volume's selection and its pages. */
async function seedBareItems(issuedBy: string, launches: number[], title: (n: number) => string): Promise<void> {
  const rows = launches.map((at, n) => ({
    id: randomUUID(),
    code: `EXP-${issuedBy.slice(0, 8)}-${String(n).padStart(5, '0')}`,
    kind: 'approval_document',
    title: title(n),
    status: 'in_progress',
    light: 'green',
    issuedBy,
    dueAt: new Date(at + 30 * 86_400_000),
    createdAt: new Date(at),
    launchedAt: new Date(at),
    workflowId: `item-exp-${issuedBy}-${n}`,
    version: 1,
  }));
  for (let i = 0; i < rows.length; i += 500) await h.deps.database.db.insert(items).values(rows.slice(i, i + 500));
}

async function bytesOf(path: string, user: LoggedIn): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(`${h.baseUrl}${path}`, { headers: { authorization: `Bearer ${user.token}` } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  h = await startApiHarness();
  exportsWorker = startExportProcessors({
    config: h.config,
    db: h.deps.database.db,
    processor: {
      maxItems: WORKER_LIMIT,
      onProgress: async (_id, progress) => {
        const held = hold;
        if (!held || progress <= 0 || progress >= 100) return;
        hold = undefined;
        held.reached();
        await held.released;
      },
    },
  });
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
    expect(book.worksheets.map((s) => s.name)).toEqual(['总计', '会议议定事项', '领导批示', '上级批件', '常规督查', '预警核查', '群众诉求']);
    const sheet = book.getWorksheet('上级批件')!;
    const header = (sheet.getRow(3).values as unknown[]).slice(1);
    expect(header).toEqual(['承办单位', '总数', '已办结', '按时办结', '超时办结', '延期办结', '在办', '黄灯（当前）', '红灯（当前）', '曾亮红灯', '按时办结率', '问责']);
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
    // Lights and times as rendered: the item's light in words, its launch and the progress report's time in Beijing time.
    const detail = (await auditor.get(`/api/items/${itemIds[0]}`)).body;
    const lightWord = { green: '绿灯', yellow: '黄灯', red: '红灯' }[detail.light as 'green' | 'yellow' | 'red'];
    expect(all).toContain(`灯色：${lightWord}`);
    for (const t of detail.tasks) expect(all).toContain(`灯色：${{ green: '绿灯', yellow: '黄灯', red: '红灯' }[t.light as 'green']}`);
    expect(all).toContain(`立项时间：${beijingMinute(detail.createdAt)}`);
    const progress = detail.timeline.find((e: { type: string }) => e.type === 'progress');
    expect(all).toMatch(new RegExp(`${beijingMinute(progress.at)}\\s*［导出甲局[^］]*］\\s*进展反馈`));
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
    let reached!: () => void;
    let release!: () => void;
    const reachedMidway = new Promise<void>((resolve) => (reached = resolve));
    hold = { reached, released: new Promise<void>((resolve) => (release = resolve)) };
    let id: string;
    try {
      const started = await supervisor.post('/api/exports', { type: 'volume', issuedBy: leader.id, kind: 'approval_document' });
      expect(started.status).toBe(202);
      id = started.body.id as string;
      // Held after its first item: the status shows a progress strictly between 0 and 100, and no file yet.
      await reachedMidway;
      const midway = await supervisor.get(`/api/exports/${id}`);
      expect(midway.status).toBe(200);
      expect(midway.body).toMatchObject({ status: 'running', itemCount: 2, matchedCount: 2, capped: false });
      expect(midway.body.progress).toBeGreaterThan(0);
      expect(midway.body.progress).toBeLessThan(100);
      expect(midway.body.file).toBeUndefined();
      const early = await supervisor.get(`/api/exports/${id}/file`);
      expect(early.status).toBe(409);
      expect(early.body.error.code).toBe('wrong_state');
    } finally {
      hold = undefined;
      release();
    }
    const final = await waitFor(
      async () => {
        const res = await supervisor.get(`/api/exports/${id}`);
        expect(res.status).toBe(200);
        return ['done', 'failed'].includes(res.body.status) ? res.body : undefined;
      },
      'the volume',
      60_000,
    );
    expect(final).toMatchObject({ status: 'done', progress: 100, itemCount: 2, matchedCount: 2, capped: false });
    expect(final.error).toBeUndefined();
    expect(final.notice).toBeUndefined();
    // Someone else cannot see it or download it.
    expect((await otherLeader.get(`/api/exports/${id}`)).status).toBe(404);
    expect((await bytesOf(`/api/exports/${id}/file`, otherLeader)).status).toBe(404);
    const file = await bytesOf(`/api/exports/${id}/file`, supervisor);
    expect(file.status).toBe(200);
    expect(file.type).toBe('application/pdf');
    const pages = await pdfText(file.bytes);
    expect(pages[0]).toContain('督查督办案卷汇编');
    expect(pages[0]).toContain('王领导');
    expect(pages[0]).toContain('事项数量：2 件');
    expect(pages[0]).not.toContain('未收录');
    expect(pages[1]).toContain('目');
    for (const title of titles) expect(pages[1]).toContain(title);
    expect(pages.slice(2).join('\n')).toContain('已召开专题会议部署道路改造');
    expect(await inkShare(file.bytes, 2)).toBeGreaterThan(0.002);
  });

  it(`refuses up front (422) a filter matching more than ${MAX_VOLUME_ITEMS} items, naming the limit, the count and a period that fits`, async () => {
    const issuer = randomUUID();
    const start = Date.UTC(2024, 2, 1);
    const launches = Array.from({ length: MAX_VOLUME_ITEMS + 1 }, (_, n) => start + n * 60_000);
    await seedBareItems(issuer, launches, (n) => `超限卷测试事项 ${n}`);
    const refused = await auditor.post('/api/exports', { type: 'volume', issuedBy: issuer });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('rule_violation');
    expect(refused.body.error.message).toContain(String(MAX_VOLUME_ITEMS));
    expect(refused.body.error.message).toContain(String(MAX_VOLUME_ITEMS + 1));
    // The suggested period ends where the first item beyond the limit was launched: it holds exactly the limit.
    const suggested = refused.body.error.details.suggested;
    expect(refused.body.error.details).toMatchObject({ limit: MAX_VOLUME_ITEMS, matched: MAX_VOLUME_ITEMS + 1 });
    expect(suggested).toEqual({ from: null, to: new Date(launches[MAX_VOLUME_ITEMS]!).toISOString() });
    expect(launches.filter((at) => at < Date.parse(suggested.to)).length).toBe(MAX_VOLUME_ITEMS);
    // Nothing was queued for the refused request; the rest from that instant fits into a volume of its own.
    const rest = await auditor.post('/api/exports', { type: 'volume', issuedBy: issuer, from: suggested.to });
    expect(rest.status).toBe(202);
    const done = await waitFor(async () => {
      const res = await auditor.get(`/api/exports/${rest.body.id}`);
      return ['done', 'failed'].includes(res.body.status) ? res.body : undefined;
    }, 'the second volume');
    expect(done).toMatchObject({ status: 'done', itemCount: 1, matchedCount: 1, capped: false });
  });

  it('a volume whose filter grew past the limit after the request is capped, and says so in its status and on its cover', async () => {
    // The API let 4 items through (under its limit); this file's worker binds at most 3, as production's
    // would when items launched between the request and the job pushed the filter past MAX_VOLUME_ITEMS.
    const issuer = randomUUID();
    const start = Date.UTC(2024, 5, 3, 1, 30);
    const launches = [0, 1, 2, 3].map((n) => start + n * 86_400_000);
    await seedBareItems(issuer, launches, (n) => `封顶卷测试事项 ${n}`);
    const started = await leader.post('/api/exports', { type: 'volume', issuedBy: issuer });
    expect(started.status).toBe(202);
    const final = await waitFor(async () => {
      const res = await leader.get(`/api/exports/${started.body.id}`);
      return ['done', 'failed'].includes(res.body.status) ? res.body : undefined;
    }, 'the capped volume');
    expect(final).toMatchObject({ status: 'done', itemCount: WORKER_LIMIT, matchedCount: 4, capped: true });
    expect(final.notice).toContain(`first ${WORKER_LIMIT} of 4 matching items`);
    const pages = await pdfText((await bytesOf(`/api/exports/${started.body.id}/file`, leader)).bytes);
    expect(pages[0]).toContain(`本卷收录 ${WORKER_LIMIT} 件（符合条件的共 4 件）`);
    expect(pages[0]).toContain(`超过每卷上限 ${WORKER_LIMIT} 件`);
    expect(pages[0]).toContain(`其余 1 件（自 ${beijingMinute(new Date(launches[3]!))} 立项的事项起）`);
    for (const n of [0, 1, 2]) expect(pages[1]).toContain(`封顶卷测试事项 ${n}`);
    expect(pages.join('\n')).not.toContain('封顶卷测试事项 3');
  });

  it('refuses bad requests and department staff; a job not yet done has no file', async () => {
    expect((await supervisor.post('/api/exports', { type: 'everything' })).status).toBe(400);
    expect((await supervisor.post('/api/exports', { type: 'volume', from: '2026-02-30T00:00:00Z' })).status).toBe(400);
    expect((await staffA.post('/api/exports', { type: 'volume' })).status).toBe(403);
    expect((await supervisor.get('/api/exports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
