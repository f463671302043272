/**
 * The leader's standing book in Chromium against the real platform: the red KPI and a
 * department's red cell each open exactly the tasks they count, the xlsx downloads, and the PDF
 * volume of one leader's items is built with a progress bar and downloads. Every tab is
 * photographed in both languages at both sizes and checked with axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startExportProcessors } from '../../jobs/exports/run';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { fromNow, launchBody, waitFor } from '../support/item-fixtures';
import { contextFor, gallery, launchChromium, pick, SCREENSHOTS } from '../support/ui-browser';

describe('standing book in Chromium', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let leader: LoggedIn;
  let exportsWorker: ReturnType<typeof startExportProcessors>;
  const depts: { id: string; name: string }[] = [];

  beforeAll(async () => {
    h = await startApiHarness();
    exportsWorker = startExportProcessors({ config: h.config, db: h.deps.database.db });
    depts.push(await h.createDepartment('台账甲局'), await h.createDepartment('台账乙局'));
    const supervisor = await h.createUser('supervisor');
    leader = await h.createUser('leader', null, '张副市长');
    // Two items due in seconds: their tasks turn red while the browser starts; one more stays green.
    for (const [i, due] of [fromNow(12_000), fromNow(14_000), fromNow(30 * 86_400_000)].entries()) {
      const tasks = i === 2 ? [{ departmentId: depts[1]!.id, role: 'lead' as const }] : [{ departmentId: depts[0]!.id, role: 'lead' as const }, { departmentId: depts[1]!.id, role: 'assist' as const }];
      const res = await supervisor.post('/api/items', launchBody(leader.id, tasks, { dueAt: due, warnBefore: 'PT5S', signWithin: 'PT3S', title: `台账测试事项 ${i + 1}` }));
      expect(res.status).toBe(201);
    }
    await waitFor(
      async () => {
        const book = await leader.get(`/api/dashboard?departmentId=${depts[0]!.id}`);
        return book.body.totals.red >= 2;
      },
      'two red tasks of department A',
      60_000,
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await exportsWorker?.close();
    await h?.close();
  });

  async function drillTotal(page: Page): Promise<number> {
    await page.locator('[data-testid="drill-total"]').waitFor();
    await expect.poll(async () => page.locator('.ant-table-tbody tr.ant-table-row').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const text = (await page.locator('[data-testid="drill-total"]').textContent()) ?? '';
    return Number(/(\d+)\s*项任务/.exec(text)?.[1] ?? NaN);
  }

  it('opens exactly the tasks a number counts, downloads the xlsx and the PDF volume', { timeout: 300_000 }, async () => {
    const context = await contextFor(browser, h.baseUrl, leader, 'zh');
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/leader`);
    const redKpi = page.locator('[data-testid="kpi-red"]');
    await redKpi.waitFor();
    const red = Number(await redKpi.locator('.ant-statistic-content-value').textContent());
    expect(red).toBeGreaterThanOrEqual(2);

    // The red KPI: the list holds exactly that many tasks, every one red.
    await redKpi.click();
    await page.waitForURL(/\/leader\/tasks\?.*metric=red/);
    // The list holds as many rows as its total says, and that total is the number clicked — or more,
    // when another task (of a test running beside this one) has turned red since.
    const rows = page.locator('.ant-table-tbody tr.ant-table-row');
    const consistent = async () => {
      const total = await drillTotal(page);
      return (await rows.count()) === Math.min(total, 50) && total >= red;
    };
    await expect.poll(consistent, { timeout: 30_000 }).toBe(true);
    expect(new Set(await rows.locator('[data-light]').evaluateAll((els) => els.map((e) => e.getAttribute('data-light'))))).toEqual(new Set(['red']));

    // Department A's red cell: its two tasks, both of department A.
    await page.goBack();
    // Found by name: the test database holds many departments, and the table pages by 50.
    await page.locator('input[aria-label="按单位名称查找"]').fill(depts[0]!.name);
    const cell = page.locator(`[data-testid="cell-red"][data-department="${depts[0]!.id}"]`);
    await cell.waitFor();
    expect(await cell.textContent()).toBe('2');
    await cell.click();
    expect(await drillTotal(page)).toBe(2);
    expect(await rows.count()).toBe(2);
    for (const text of await rows.allTextContents()) expect(text).toContain(depts[0]!.name);
    // The task table fits a desktop: nothing to scroll sideways; risk sorts from its header too.
    const scroller = page.locator('[data-testid="drill-table"] .ant-table-content, [data-testid="drill-table"] .ant-table-body').first();
    expect(await scroller.evaluate((e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SCREENSHOTS}/leader-drill-table-zh-desktop.png` });
    await page.locator('[data-testid="drill-table"] th', { hasText: '风险' }).click();
    await page.waitForURL(/sort=risk/);
    await page.goBack();

    // The standing book as xlsx.
    await page.goBack();
    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="xlsx"]').click()]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = await (await import('node:fs/promises')).readFile((await xlsx.path())!);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');

    // The PDF volume of the leader's items: progress, then the file.
    await page.locator('[data-testid="volume-open"]').click();
    // Typed first: the test database holds many leaders, and the list is virtual.
    const dialog = page.getByRole('dialog');
    await pick(page, dialog.locator('.ant-select'), `张副市长 ${leader.username.slice(-4)}`);
    await expect.poll(() => dialog.locator('.ant-select').first().textContent()).toContain(leader.username.slice(-4));
    await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: '开始生成' }).click();
    await page.locator('[data-testid="volume-status"] .ant-progress').waitFor();
    const download = page.locator('[data-testid="volume-download"]');
    await download.waitFor({ timeout: 120_000 });
    await page.screenshot({ path: '.data/test/screenshots/leader-volume-zh-desktop.png' });
    const [pdf] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const pdfBytes = await (await import('node:fs/promises')).readFile((await pdf.path())!);
    expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  });

  it('every tab in both languages at both sizes, without serious accessibility violations', { timeout: 900_000 }, async () => {
    const ready = (testId: string) => async (page: Page) => page.locator(testId).first().waitFor({ timeout: 90_000 });
    const found = {
      book: await gallery(browser, h.baseUrl, leader, 'leader-book', '/leader', ready('[data-testid="kpi-red"]')),
      ranking: await gallery(browser, h.baseUrl, leader, 'leader-ranking', '/leader?tab=ranking', ready('canvas, .ant-empty')),
      trend: await gallery(browser, h.baseUrl, leader, 'leader-trend', '/leader?tab=trend', ready('canvas, .ant-empty')),
      assessment: await gallery(browser, h.baseUrl, leader, 'leader-assessment', '/leader?tab=assessment', ready('[data-testid="score"]')),
      drill: await gallery(browser, h.baseUrl, leader, 'leader-drill', `/leader/tasks?departmentId=${depts[0]!.id}&metric=red`, ready('.ant-table-row')),
    };
    expect(found).toEqual({ book: {}, ranking: {}, trend: {}, assessment: {}, drill: {} });
  });
});
