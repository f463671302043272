/**
 * The built UI, served by the API, in a real Chromium: an anonymous visitor gets the sign-in page in
 * the browser's language with a link to the public disclosure page and nothing of the platform's
 * internals (no health panel, no API-docs link); the language switch changes every word and is kept;
 * a signed-in user finds the platform's health on /status.
 * (Changed by issue 17: the health panel used to be on the landing page for anyone.)
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uiDist } from '../../api/plugins/ui';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { launchChromium, SHOTS } from '../support/ui-browser';

describe('UI shell in Chromium', { retry: 1 }, () => {
  let browser: Browser;
  let h: ApiHarness;

  beforeAll(async () => {
    h = await startApiHarness({ worker: false });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows the sign-in page in Chinese without the platform internals, and switches to English', async () => {
    expect(existsSync(uiDist)).toBe(true);
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(h.baseUrl);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    expect(await page.locator('.brand').first().textContent()).toContain('督查督办');
    expect(await page.getByRole('link', { name: '查看向社会公开的督办事项' }).getAttribute('href')).toBe('/public');
    const text = await page.locator('body').textContent();
    for (const internal of ['Temporal', 'Postgres', 'Redis', '接口文档']) expect(text).not.toContain(internal);
    expect(await page.locator('a[href="/docs"]').count()).toBe(0);

    await page.getByRole('button', { name: /English/ }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.locator('.brand').first().textContent()).toContain('Supervision');
    await page.screenshot({ path: `${SHOTS}/shell-login-en.png` });
    // Kept across a reload.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  it('a signed-in user sees every platform part healthy on /status', async () => {
    const admin = await h.createUser('admin');
    const context = await browser.newContext({ locale: 'zh-CN' });
    await context.addCookies([{ name: 'sv_session', value: admin.token, url: h.baseUrl }]);
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/status`);
    await page.getByRole('heading', { name: '平台状态' }).waitFor();
    await expect.poll(() => page.locator('.ant-descriptions-item-content .ant-tag-success').count(), { timeout: 20_000 }).toBe(3);
    expect(await page.locator('.ant-descriptions-row').first().textContent()).toBe('流程引擎 (Temporal)正常');
    await context.close();
  });

  it('loads only the shown language, and says so in words when a page is forbidden or missing', async () => {
    const dept = await h.createDepartment('页面权限处');
    const clerk = await h.createUser('department', dept.id);
    const context = await browser.newContext({ locale: 'zh-CN' });
    await context.addCookies([{ name: 'sv_session', value: clerk.token, url: h.baseUrl }]);
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (r) => void (r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname)));

    await page.goto(`${h.baseUrl}/admin/departments`);
    await page.locator('.ant-result-403').getByText('您无权查看此页面。').waitFor();
    await page.screenshot({ path: `${SHOTS}/shell-403-zh-desktop.png` });
    await page.goto(`${h.baseUrl}/no-such-page`);
    await page.locator('.ant-result-404').getByText('页面不存在。').waitFor();
    // The Chinese words came as their own chunk; the English ones never left the server.
    expect(scripts.some((s) => /\/assets\/zh-[\w-]+\.js$/.test(s))).toBe(true);
    expect(scripts.filter((s) => /\/assets\/en-[\w-]+\.js$/.test(s))).toEqual([]);

    await page.locator('.lang-switch').click();
    await page.locator('.ant-result-404').getByText('Page not found.').waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/shell-404-en-phone.png` });
    expect(scripts.some((s) => /\/assets\/en-[\w-]+\.js$/.test(s))).toBe(true);
    await context.close();
  });
});
