/**
 * The auditor in Chromium against the real platform: an item's history in words, the replay
 * showing the item as it was before the supervisor returned the report, the verification, the
 * downloads, the audit log with an intact chain, and no action button anywhere on these pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';
import { contextFor, gallery, launchChromium } from '../support/ui-browser';

describe('auditor pages in Chromium', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let auditor: LoggedIn;
  let itemId: string;
  let returnIndex: number;

  beforeAll(async () => {
    h = await startApiHarness();
    const dept = await h.createDepartment('审计甲局');
    const supervisor = await h.createUser('supervisor');
    const staff = await h.createUser('department', dept.id);
    const leader = await h.createUser('leader');
    auditor = await h.createUser('auditor');
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept.id, role: 'lead' }], { title: '审计回放测试事项' }));
    expect(launched.status).toBe(201);
    itemId = launched.body.id;
    const taskId = launched.body.tasks[0].id as string;
    const status = async () => (await supervisor.get(`/api/items/${itemId}`)).body.tasks[0].status as string;
    expect((await staff.post(`/api/tasks/${taskId}/sign`, {})).status).toBeLessThan(300);
    expect((await staff.post(`/api/tasks/${taskId}/complete`, { summary: '已完成检查', fields: { result: '已完成检查' } })).status).toBeLessThan(300);
    await waitFor(async () => (await status()) === 'submitted', 'the report submitted');
    expect((await supervisor.post(`/api/tasks/${taskId}/review`, { decision: 'return', comment: '请补充佐证材料' })).status).toBeLessThan(300);
    await waitFor(async () => (await status()) !== 'submitted', 'the report returned');
    const history = await waitFor(async () => {
      const res = await auditor.get(`/api/items/${itemId}/history?lang=zh`);
      const events = res.body.events as { text: string; action: string }[];
      const i = events.findIndex((e) => /退回/.test(e.text));
      return i > 0 ? { events, i } : undefined;
    }, 'the return in the history');
    returnIndex = history.i;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const noActions = async (page: Page) => {
    // antd spaces out two-character Chinese labels ("催 办").
    for (const name of [/^催\s?办$/, /^退\s?回$/, /^通\s?过$/, /取消事项/, /^签\s?收$/, /^办\s?结$/]) expect(await page.getByRole('button', { name }).count()).toBe(0);
  };

  it('shows the history, replays the state before the return, verifies, and offers the downloads', { timeout: 240_000 }, async () => {
    const context = await contextFor(browser, h.baseUrl, auditor, 'zh');
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/items/${itemId}/audit`);
    const events = page.locator('[data-testid="history-event"]');
    await expect.poll(() => events.count(), { timeout: 30_000 }).toBeGreaterThan(returnIndex);
    expect(await events.nth(returnIndex).textContent()).toContain('退回');

    // Now: the report was returned, so the task is no longer awaiting review.
    const taskStatus = page.locator('[data-testid="replay-state"] [data-testid="task-status"]');
    await taskStatus.first().waitFor();
    await expect.poll(() => taskStatus.first().getAttribute('data-status')).not.toBe('submitted');

    // Just before the return: the report awaited review.
    await events.nth(returnIndex - 1).getByRole('button').click();
    await expect.poll(() => page.locator('[data-testid="replay-at"]').textContent()).toContain(`第 ${returnIndex} 条之后`);
    await expect.poll(() => taskStatus.first().getAttribute('data-status'), { timeout: 20_000 }).toBe('submitted');

    // Today's code replays the history and the read model agrees.
    await expect.poll(() => page.locator('[data-testid="verify-replay"]').getAttribute('data-ok'), { timeout: 120_000 }).toBe('true');
    expect(await page.locator('[data-testid="verify-read-model"]').getAttribute('data-ok')).toBe('true');

    const [raw] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="raw-json"]').click()]);
    const json = JSON.parse(await (await import('node:fs/promises')).readFile((await raw.path())!, 'utf8'));
    expect(json.itemId).toBe(itemId);
    const [dossier] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.locator('[data-testid="dossier"]').click()]);
    expect(dossier.suggestedFilename()).toMatch(/\.pdf$/);
    await noActions(page);

    await page.goto(`${h.baseUrl}/audit-log`);
    await expect.poll(() => page.locator('[data-testid="chain-status"]').getAttribute('data-ok'), { timeout: 30_000 }).toBe('true');
    await page.locator('.ant-table-row').first().waitFor();
    await noActions(page);
    await context.close();
  });

  it('every auditor page in both languages at both sizes, without serious accessibility violations', { timeout: 900_000 }, async () => {
    const found = {
      items: await gallery(browser, h.baseUrl, auditor, 'auditor-items', '/audit', (p) => p.locator('[data-testid="audit-item-link"]').first().waitFor()),
      audit: await gallery(browser, h.baseUrl, auditor, 'auditor-item', `/items/${itemId}/audit`, (p) => p.locator('[data-testid="verify-replay"]').waitFor({ timeout: 120_000 })),
      log: await gallery(browser, h.baseUrl, auditor, 'auditor-log', '/audit-log', (p) => p.locator('[data-testid="chain-status"]').waitFor({ timeout: 30_000 })),
    };
    expect(found).toEqual({ items: {}, audit: {}, log: {} });
  });
});
