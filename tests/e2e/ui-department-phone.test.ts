/**
 * A department clerk on a phone (390 × 844): every department page without horizontal scroll
 * (`scrollWidth ≤ innerWidth`), tap targets of at least 44 px; the clerk signs, reports progress and
 * completes with the template's form (the summary written once, as the template's `result`); the
 * supervisor then sees every completion-form field under the template's titles and accepts.
 * Screenshots of each page at phone and desktop size, in Chinese and English.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { DESKTOP, horizontalOverflow, launchChromium, PHONE, SHOTS } from '../support/ui-browser';

const TZ = 'Asia/Shanghai';

describe('department pages on a phone', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let supervisor: LoggedIn;
  let staff: LoggedIn;
  let itemId: string;
  let taskId: string;

  beforeAll(async () => {
    h = await startApiHarness();
    const dept = await h.createDepartment('财政局');
    supervisor = await h.createUser('supervisor');
    staff = await h.createUser('department', dept.id);
    const leader = await h.createUser('leader');
    const launched = await supervisor.post('/api/items', {
      kind: 'approval_document',
      title: '关于报送老旧小区改造进度的批件（含全部 36 个小区的分项进度与资金拨付情况）',
      description: '请于期限内报送改造进度统计表，并附现场照片。',
      issuedBy: leader.id,
      dueInWorkingDays: 10,
      tasks: [{ departmentId: dept.id, role: 'lead' }],
    });
    expect(launched.status).toBe(201);
    itemId = launched.body.id;
    taskId = launched.body.tasks[0].id;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function open(who: LoggedIn, lang: 'zh' | 'en', viewport = PHONE): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale: lang === 'zh' ? 'zh-CN' : 'en-GB', timezoneId: TZ, viewport, isMobile: viewport === PHONE, hasTouch: viewport === PHONE });
    await context.addCookies([{ name: 'sv_session', value: who.token, url: h.baseUrl }]);
    await context.addInitScript((l) => localStorage.setItem('lang', l), lang);
    return { context, page: await context.newPage() };
  }

  async function settle(page: Page) {
    await page.locator('.page-container').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('.ant-skeleton, .ant-spin-spinning'), null, { timeout: 20_000 });
  }

  /** Visible buttons shorter than 44 px (their text), on the page body, not in a dialog. */
  async function smallTapTargets(page: Page): Promise<string[]> {
    return page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.shell-content button, .shell-header button, .shell-content a.ant-btn'))
        .filter((b) => b.offsetParent !== null && b.getBoundingClientRect().height < 43.5 && !b.closest('.ant-picker, .ant-select, .ant-input-number, .ant-collapse, .ant-pagination, .ant-tabs'))
        .map((b) => `${b.textContent || b.getAttribute('aria-label')} ${Math.round(b.getBoundingClientRect().height)}px`),
    );
  }

  it('every department page fits 390 px: no horizontal scroll, tap targets of 44 px, in both languages', { timeout: 180_000 }, async () => {
    for (const lang of ['zh', 'en'] as const) {
      const { context, page } = await open(staff, lang);
      for (const [name, path] of [
        ['home', '/'],
        ['my-tasks', '/tasks'],
        ['task', `/items/${itemId}/tasks/${taskId}`],
        ['item', `/items/${itemId}`],
        ['inbox', '/inbox'],
        ['notification-settings', '/settings/notifications'],
        ['password', '/password'],
      ] as const) {
        await page.goto(`${h.baseUrl}${path}`);
        await settle(page);
        expect(await horizontalOverflow(page), `${name} (${lang}) scrolls sideways`).toBeLessThanOrEqual(0);
        expect(await smallTapTargets(page), `${name} (${lang})`).toEqual([]);
        // The header stays one small row.
        expect((await page.locator('.shell-header').boundingBox())!.height).toBeLessThanOrEqual(56);
        await page.screenshot({ path: `${SHOTS}/department-${name}-phone-${lang}.png`, fullPage: true });
      }
      await context.close();
      // The same pages at desktop size, for the gallery.
      const desktop = await open(staff, lang, DESKTOP);
      for (const [name, path] of [
        ['my-tasks', '/tasks'],
        ['task', `/items/${itemId}/tasks/${taskId}`],
      ] as const) {
        await desktop.page.goto(`${h.baseUrl}${path}`);
        await settle(desktop.page);
        await desktop.page.screenshot({ path: `${SHOTS}/department-${name}-desktop-${lang}.png`, fullPage: true });
      }
      await desktop.context.close();
    }
  });

  it('the clerk signs, reports and completes with the template form on the phone; the supervisor sees every field and accepts', { timeout: 180_000 }, async () => {
    const { context, page } = await open(staff, 'zh');
    await page.goto(`${h.baseUrl}/tasks`);
    await page.locator(`.task-link[data-task-id="${taskId}"]`).click({ timeout: 60_000 });
    const task = page.locator('.task[data-task-id]');
    await task.waitFor();
    await page.getByRole('button', { name: /签\s?收/ }).click();
    await page.getByRole('dialog').getByRole('button', { name: /签\s?收/ }).click();
    await expect.poll(() => task.locator('[data-testid="task-status"]').textContent(), { timeout: 20_000 }).toBe('已签收');

    await page.getByRole('button', { name: '进展反馈' }).click();
    await page.getByRole('dialog').getByLabel('进展情况').fill('已统计 30 个小区。');
    await page.getByRole('dialog').getByLabel('完成进度（%）').fill('80');
    await page.getByRole('dialog').getByRole('button', { name: /提\s?交/ }).click();
    await expect.poll(() => task.locator('[data-testid="task-percent"]').textContent(), { timeout: 20_000 }).toBe('80%');

    // An extension to a past date is refused in the form, at the field, and nothing is sent.
    await page.getByRole('button', { name: '申请延期' }).click();
    const ext = page.getByRole('dialog');
    await ext.getByLabel('延期理由').fill('需要补充现场照片');
    await ext.getByRole('button', { name: /提\s?交/ }).click();
    await ext.locator('.ant-form-item-explain-error').first().waitFor();
    await ext.getByRole('button', { name: /取\s?消/ }).click();

    // The completion form comes from the template's JSON Schema: result (the summary, once), evidence, document number.
    const form = page.locator('.completion-form');
    await form.getByRole('button', { name: '提交办结报告' }).click();
    await expect.poll(() => form.locator('.ant-form-item-explain-error').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await form.getByLabel('落实情况').fill('36 个小区中 30 个已开工，6 个完成设计。');
    await form.getByLabel('回复文号').fill('财建〔2026〕18号');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/department-completion-form-phone-zh.png`, fullPage: true });
    await form.getByRole('button', { name: '提交办结报告' }).click();
    await expect.poll(() => task.locator('[data-testid="task-status"]').textContent(), { timeout: 20_000 }).toBe('待审核');
    const sent = await supervisor.get(`/api/items/${itemId}`);
    const complete = sent.body.timeline.find((e: { type: string }) => e.type === 'complete');
    expect(complete.data).toMatchObject({ summary: '36 个小区中 30 个已开工，6 个完成设计。', fields: { result: '36 个小区中 30 个已开工，6 个完成设计。', documentNumber: '财建〔2026〕18号' } });
    await context.close();

    // ---- the supervisor reviews what the department wrote, every field under the template's title ----
    const sup = await open(supervisor, 'zh', DESKTOP);
    await sup.page.goto(`${h.baseUrl}/items/${itemId}`);
    const card = sup.page.locator('.task[data-task-id]');
    await card.waitFor();
    const fields = card.locator('.completion-fields');
    await fields.waitFor();
    expect(await fields.textContent()).toContain('回复文号 / Reply document number');
    expect(await fields.locator('[data-field="documentNumber"]').textContent()).toBe('财建〔2026〕18号');
    await sup.page.screenshot({ path: `${SHOTS}/item-review-desktop-zh.png`, fullPage: true });
    await card.getByRole('button', { name: '审核办结报告' }).click();
    const review = sup.page.getByRole('dialog');
    await review.getByText('通过', { exact: true }).click();
    await review.getByRole('button', { name: /提\s?交/ }).click();
    await expect.poll(() => card.locator('[data-testid="task-status"]').textContent(), { timeout: 20_000 }).toBe('已办结');
    await expect.poll(() => card.locator('[data-testid="task-outcome"]').textContent(), { timeout: 20_000 }).toBe('按期办结');
    await expect.poll(() => sup.page.locator('[data-testid="item-status"]').textContent(), { timeout: 20_000 }).toBe('已办结');
    await sup.context.close();
  });
});
