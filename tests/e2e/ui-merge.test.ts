/**
 * Duplicates on the item page (issue 18), as a supervisor meets them: the open item saying the same
 * thing listed with its similarity, merged after a confirmation; the "merged into" banner on the
 * duplicate (phone, no horizontal scroll), the merged duplicate's text on the primary; unmerged again.
 * Screenshots in Chinese and English.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody } from '../support/item-fixtures';
import { DESKTOP, horizontalOverflow, launchChromium, PHONE, SHOTS } from '../support/ui-browser';

describe('merging duplicates on the item page', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let supervisor: LoggedIn;
  let primary: { id: string; code: string };
  let duplicate: { id: string; code: string };

  beforeAll(async () => {
    h = await startApiHarness();
    const dept = await h.createDepartment('住建局');
    supervisor = await h.createUser('supervisor');
    const leader = await h.createUser('leader');
    const text = '加快推进老旧小区加装电梯工作，年内完成全部二十部电梯的安装和验收';
    const launch = async (title: string, description: string) => {
      const res = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept.id, role: 'lead' }], { title, description }));
      expect(res.status).toBe(201);
      return res.body as { id: string; code: string };
    };
    primary = await launch('老旧小区加装电梯', text);
    duplicate = await launch('老旧小区加装电梯推进', `${text}，请抓紧`);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function open(lang: 'zh' | 'en', viewport: { width: number; height: number }, itemId: string): Promise<Page> {
    const context = await browser.newContext({ locale: lang === 'zh' ? 'zh-CN' : 'en-GB', timezoneId: 'Asia/Shanghai', viewport, isMobile: viewport === PHONE, hasTouch: viewport === PHONE });
    await context.addCookies([{ name: 'sv_session', value: supervisor.token, url: h.baseUrl }]);
    await context.addInitScript((l) => localStorage.setItem('lang', l), lang);
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/items/${itemId}`);
    await page.locator('.page-container').first().waitFor();
    return page;
  }

  it('lists the similar item, merges after confirming, shows the banner and the duplicate on the primary, and unmerges', async () => {
    const page = await open('zh', PHONE, duplicate.id);
    const similar = page.locator('.similar-items');
    await similar.getByText(primary.code).waitFor({ timeout: 20_000 });
    await expect(similar.textContent()).resolves.toMatch(/相似度 \d+%/);
    await page.screenshot({ path: `${SHOTS}/item-similar-zh-phone.png`, fullPage: true });
    // Other tests' items may be similar too: merge into the primary, by its row.
    await similar.locator('.ant-list-item', { hasText: primary.code }).getByRole('button', { name: '并入该事项' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(`将 ${duplicate.code} 作为重复件并入 ${primary.code}`).waitFor();
    await dialog.getByRole('button', { name: '并入该事项' }).click();
    await page.getByTestId('merged-banner').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('merged-banner').textContent()).resolves.toContain(primary.code);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/item-merged-zh-phone.png`, fullPage: true });

    const onPrimary = await open('en', DESKTOP, primary.id);
    const card = onPrimary.locator('.merged-duplicates');
    await card.waitFor({ timeout: 20_000 });
    await expect(card.textContent()).resolves.toContain('请抓紧');
    await expect(card.textContent()).resolves.toContain('Merged duplicates (1)');
    await onPrimary.screenshot({ path: `${SHOTS}/item-duplicates-en-desktop.png`, fullPage: true });

    await page.getByTestId('merged-banner').getByRole('button', { name: '撤销合并' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '撤销合并' }).click();
    await page.getByTestId('merged-banner').waitFor({ state: 'detached', timeout: 30_000 });
  });
});
