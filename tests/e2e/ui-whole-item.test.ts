/**
 * One item, played whole in separate browser contexts against the real platform (API, worker,
 * Temporal, Postgres, Redis): a supervisor, two departments, a leader and an auditor.
 * - Department A signs and completes with the template's fields (approval_document: result,
 *   evidence, reply document number); the supervisor sees those fields, returns the report, A
 *   completes again, the supervisor accepts.
 * - Department B's task (due ~75 s after launch, warned 40 s before) turns yellow and then red on its
 *   open task page without a reload: the page flips its own light at nextYellowAt / nextRedAt.
 * - The leader's standing-book cells for A and B open exactly those tasks; the xlsx, the item's
 *   dossier and the PDF volume of the leader's items (with its progress) download.
 * - The auditor's replay, at the event just before the return, shows A's report awaiting review.
 * The item is launched through the API as the supervisor (the wizard has its own test): short
 * windows are what make the lights move within a test.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExportProcessors } from '../../jobs/exports/run';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { contextFor, launchChromium, pick, SCREENSHOTS } from '../support/ui-browser';

let h: ApiHarness;
let browser: Browser;
// The PDF volume is built by the export job's processor, as in production.
let exportsWorker: ReturnType<typeof startExportProcessors>;
const u = {} as Record<'supervisor' | 'staffA' | 'staffB' | 'leader' | 'auditor', LoggedIn>;
const dept = {} as Record<'a' | 'b', { id: string; name: string }>;

beforeAll(async () => {
  h = await startApiHarness();
  exportsWorker = startExportProcessors({ config: h.config, db: h.deps.database.db });
  dept.a = await h.createDepartment('财政局A');
  dept.b = await h.createDepartment('住建局B');
  u.supervisor = await h.createUser('supervisor', null, '督查室');
  u.staffA = await h.createUser('department', dept.a.id, '财政局经办');
  u.staffB = await h.createUser('department', dept.b.id, '住建局经办');
  u.leader = await h.createUser('leader', null, '王副市长');
  u.auditor = await h.createUser('auditor', null, '审计');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await exportsWorker?.close();
  await h?.close();
});

async function open(who: LoggedIn, path: string): Promise<Page> {
  const context = await contextFor(browser, h.baseUrl, who, 'zh');
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${h.baseUrl}${path}`);
  return page;
}

const statusOf = (page: Page, taskId: string) => page.locator(`[data-task-id="${taskId}"] [data-testid="task-status"]`).first().getAttribute('data-status');
/** antd puts a space between two Chinese characters of a button ("签 收"). */
const zhButton = (text: string) => new RegExp(`^${text.split('').join('\\s?')}$`);

async function fillCompletion(page: Page, round: number) {
  const form = page.locator('.completion-form');
  await form.waitFor();
  const summary = form.locator('#root_result, #root_summary').first();
  await summary.fill(`第${round}次报送：已完成全市 12 个物资仓库的现场检查，问题已整改。`);
  await form.locator('button:has([class*="anticon-plus"])').first().click(); // rjsf-antd's add button is an icon
  await form.locator('#root_evidence_0').fill(`检查记录表（第${round}版）`);
  await form.locator('#root_documentNumber').fill(`财建〔2026〕${17 + round}号`);
  await form.getByRole('button', { name: '提交办结报告' }).click();
}

async function review(page: Page, taskId: string, decision: '通过' | '退回', comment: string) {
  const card = page.locator(`[data-task-id="${taskId}"]`);
  await card.getByRole('button', { name: '审核办结报告' }).click({ force: true });
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(decision).check();
  await dialog.getByLabel('意见').fill(comment);
  await dialog.getByRole('button', { name: zhButton('提交') }).click();
  await dialog.waitFor({ state: 'hidden' });
}

describe('a whole item, five people, five browsers', { retry: 1 }, () => {
  it('completes, goes yellow then red on screen, is returned and accepted, drills down, exports and replays', { timeout: 420_000 }, async () => {
    const launchedAt = Date.now();
    const launched = await u.supervisor.post('/api/items', {
      kind: 'approval_document',
      title: '关于开展全市防汛物资储备检查的批件',
      description: '请财政局牵头、住建局配合，完成全市防汛物资储备情况检查并报送结果。',
      source: '市政府第12次常务会议',
      issuedBy: u.leader.id,
      dueAt: new Date(launchedAt + 3 * 86_400_000).toISOString(),
      warnBefore: 'PT40S',
      tasks: [
        { departmentId: dept.a.id, role: 'lead' },
        { departmentId: dept.b.id, role: 'assist', dueAt: new Date(launchedAt + 75_000).toISOString() },
      ],
    });
    expect(launched.status).toBe(201);
    const itemId = launched.body.id as string;
    const taskA = (launched.body.tasks as { id: string; departmentId: string }[]).find((t) => t.departmentId === dept.a.id)!.id;
    const taskB = (launched.body.tasks as { id: string; departmentId: string }[]).find((t) => t.departmentId === dept.b.id)!.id;

    // ---- department B watches its task page: the light must move by itself ----
    const bp = await open(u.staffB, `/items/${itemId}/tasks/${taskB}`);
    const lightB = bp.locator('[data-testid="task-light"]').first();
    await lightB.waitFor();
    // Every light the page shows is recorded as it changes; the marker proves no reload happened.
    await bp.evaluate(() => {
      const w = window as unknown as { __lights: string[]; __noReload: boolean };
      w.__noReload = true;
      w.__lights = [];
      const read = () => {
        const l = document.querySelector('[data-testid="task-light"]')?.getAttribute('data-light');
        if (l && w.__lights[w.__lights.length - 1] !== l) w.__lights.push(l);
      };
      read();
      new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-light'] });
    });

    // ---- department A signs and completes with the template's fields ----
    const ap = await open(u.staffA, `/items/${itemId}/tasks/${taskA}`);
    // force: the 1 s countdown re-renders the card, and Playwright's stability wait can starve on a loaded machine.
    await ap.getByRole('button', { name: zhButton('签收') }).first().click({ force: true });
    await ap.getByRole('dialog').getByRole('button', { name: zhButton('签收') }).click();
    await expect.poll(() => statusOf(ap, taskA), { timeout: 30_000 }).toBe('signed');
    await fillCompletion(ap, 1);
    await expect.poll(() => statusOf(ap, taskA), { timeout: 30_000 }).toBe('submitted');
    await ap.screenshot({ path: `${SCREENSHOTS}/whole-item-department-submitted-zh-phone.png`, fullPage: true });

    // ---- the supervisor reads every field, returns the report ----
    const sp = await open(u.supervisor, `/items/${itemId}`);
    await sp.locator(`[data-task-id="${taskA}"]`).waitFor();
    await expect.poll(() => sp.locator('main, .shell-content').first().textContent(), { timeout: 30_000 }).toContain('财建〔2026〕18号');
    expect(await sp.locator('.shell-content').textContent()).toContain('检查记录表（第1版）');
    await review(sp, taskA, '退回', '请补充问题整改清单。');
    await expect.poll(() => statusOf(sp, taskA), { timeout: 30_000 }).not.toBe('submitted');

    // ---- A sees the return on its open page (live), completes again; the supervisor accepts ----
    await expect.poll(() => statusOf(ap, taskA), { timeout: 30_000 }).not.toBe('submitted');
    await fillCompletion(ap, 2);
    await expect.poll(() => statusOf(ap, taskA), { timeout: 30_000 }).toBe('submitted');
    await expect.poll(() => statusOf(sp, taskA), { timeout: 30_000 }).toBe('submitted');
    await review(sp, taskA, '通过', '同意办结。');
    await expect.poll(() => statusOf(sp, taskA), { timeout: 30_000 }).toBe('accepted');
    await sp.screenshot({ path: `${SCREENSHOTS}/whole-item-supervisor-zh-desktop.png`, fullPage: true });

    // ---- B: yellow, then red, on the page opened before, never reloaded ----
    await expect.poll(() => lightB.getAttribute('data-light'), { timeout: Math.max(30_000, launchedAt + 120_000 - Date.now()) }).toBe('red');
    const seen = await bp.evaluate(() => (window as unknown as { __lights: string[]; __noReload?: boolean }).__lights.concat(String((window as unknown as { __noReload?: boolean }).__noReload)));
    expect(seen.pop()).toBe('true');
    expect(seen.indexOf('yellow')).toBeGreaterThanOrEqual(0);
    expect(seen.indexOf('yellow')).toBeLessThan(seen.indexOf('red'));
    await bp.screenshot({ path: `${SCREENSHOTS}/whole-item-department-red-zh-desktop.png`, fullPage: true });

    // ---- the leader: each number opens exactly the tasks it counts; exports download ----
    const lp = await open(u.leader, '/leader');
    const cell = (metric: string, d: { id: string }) => lp.locator(`[data-testid="cell-${metric}"][data-department="${d.id}"]`).first();
    const rows = lp.locator('.ant-table-tbody tr.ant-table-row');
    for (const [metric, d, taskId] of [['red', dept.b, taskB], ['completed', dept.a, taskA]] as const) {
      // Found by name: the test database holds many departments, and the table pages by 50.
      await lp.locator('input[aria-label="按单位名称查找"]').fill(d.name);
      await expect.poll(async () => (await cell(metric, d).count()) > 0 && (await cell(metric, d).textContent()), { timeout: 30_000 }).toBe('1');
      await cell(metric, d).click();
      await lp.waitForURL((url) => url.pathname === '/leader/tasks' && url.searchParams.get('departmentId') === d.id);
      // Exactly the one task the cell counts, read once the list has arrived.
      await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row-key'))), { timeout: 30_000 }).toEqual([taskId]);
      expect(await rows.first().textContent()).toContain(d.name);
      if (metric === 'completed') {
        const [dossier] = await Promise.all([lp.waitForEvent('download', { timeout: 120_000 }), rows.first().locator('a[href$="dossier.pdf"]').click()]);
        expect((await readFile((await dossier.path())!)).subarray(0, 5).toString()).toBe('%PDF-');
      }
      await lp.goto(`${h.baseUrl}/leader`);
    }
    // The workbook holds every department of the (large) test database: generous on a loaded machine.
    const [xlsx] = await Promise.all([lp.waitForEvent('download', { timeout: 120_000 }), lp.locator('[data-testid="xlsx"]').click({ timeout: 120_000 })]);
    expect((await readFile((await xlsx.path())!)).subarray(0, 2).toString()).toBe('PK');
    await lp.locator('[data-testid="volume-open"]').click();
    // Typed first: the test database holds many leaders, and the list is virtual.
    const volumeDialog = lp.getByRole('dialog');
    await pick(lp, volumeDialog.locator('.ant-select'), `王副市长 ${u.leader.username.slice(-4)}`);
    await expect.poll(() => volumeDialog.locator('.ant-select').first().textContent()).toContain(u.leader.username.slice(-4));
    await lp.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
    await lp.getByRole('dialog').locator('button[type="submit"]').click();
    await lp.locator('[data-testid="volume-status"] .ant-progress').waitFor();
    const volume = lp.locator('[data-testid="volume-download"]');
    await volume.waitFor({ timeout: 120_000 });
    const [pdf] = await Promise.all([lp.waitForEvent('download', { timeout: 60_000 }), volume.click()]);
    expect((await readFile((await pdf.path())!)).subarray(0, 5).toString()).toBe('%PDF-');

    // ---- the auditor: the replay just before the return shows A's report awaiting review ----
    const up = await open(u.auditor, `/items/${itemId}/audit`);
    const events = up.locator('[data-testid="history-event"]');
    await expect.poll(() => events.count(), { timeout: 30_000 }).toBeGreaterThan(3);
    const texts = await events.allTextContents();
    const returnIndex = texts.findIndex((x) => x.includes('退回'));
    expect(returnIndex, texts.join('\n')).toBeGreaterThan(0);
    await events.nth(returnIndex - 1).getByRole('button').click();
    const replayed = up.locator(`[data-testid="replay-state"] [data-testid="task-status"]`);
    await expect.poll(async () => (await replayed.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).includes('submitted'), { timeout: 30_000 }).toBe(true);
    await up.screenshot({ path: `${SCREENSHOTS}/whole-item-auditor-replay-zh-desktop.png`, fullPage: true });
    // And at the end: accepted.
    await events.nth(texts.length - 1).getByRole('button').click();
    await expect.poll(async () => (await replayed.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).includes('accepted'), { timeout: 30_000 }).toBe(true);

    for (const p of [ap, bp, sp, lp, up]) await p.context().close();
  });
});
