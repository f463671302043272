/**
 * Early-warning intake in Chromium: the administrator sets a rule (source, risk level → department)
 * and creates a service account, whose key and secret are shown once; a signal signed with them
 * becomes a verification item of that department. The page is photographed at phone width.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { contextFor, horizontalOverflow, launchChromium, pick, SAVE_ZH, SCREENSHOTS } from '../support/ui-browser';

// antd spaces out a two-character Chinese label ("保 存").
const SAVE = SAVE_ZH;
const CREATE = /^创\s?建$/;

describe('intake administration in Chromium', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let admin: LoggedIn;

  beforeAll(async () => {
    h = await startApiHarness();
    admin = await h.createUser('admin');
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('a rule and an account made on the page route a signed signal to the chosen department', { timeout: 300_000 }, async () => {
    const suffix = randomUUID().slice(0, 6);
    const source = `monitor_${suffix}`;
    const dept = await h.createDepartment(`环保核查局${suffix}`);
    const deptName = dept.name;
    await h.createUser('leader', null, `预警领导${suffix}`);
    expect((await admin.request('PUT', `/api/intake/sources/${source}`, { name: `水质监测${suffix}`, resultUrl: null })).status).toBe(200);

    const context = await contextFor(browser, h.baseUrl, admin, 'zh');
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/admin/intake`);

    // The rule: high risk of this source → the department, three working days (the form's default).
    await page.getByRole('button', { name: '新增规则' }).click();
    const dialog = page.getByRole('dialog');
    // Other tests' sources may be listed first: choose this one.
    await pick(page, dialog.getByLabel('来源代码'), source);
    await pick(page, dialog.getByLabel('核查单位'), deptName);
    await pick(page, dialog.getByLabel('交办领导'), `预警领导${suffix}`);
    await dialog.getByRole('button', { name: SAVE }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.ant-table-row', { hasText: deptName }).waitFor();

    // The account: key and secret shown once, with the warning.
    await page.getByRole('button', { name: '新建服务账号' }).click();
    await page.getByRole('dialog').getByLabel('账号名称').fill(`监测平台${suffix}`);
    await pick(page, page.getByRole('dialog').getByLabel('来源代码'), source);
    await page.getByRole('dialog').getByRole('button', { name: CREATE }).click();
    const once = page.getByTestId('shown-once');
    await once.waitFor();
    await once.getByText('仅显示这一次').waitFor();
    const apiKey = (await page.getByTestId('api-key').locator('code').textContent())!.trim();
    const secret = (await page.getByTestId('secret').locator('code').textContent())!.trim();
    expect(await page.getByTestId('api-key').locator('.ant-typography-copy').count()).toBe(1);
    await page.getByRole('button', { name: '我已复制' }).click();
    await page.locator('.ant-table-row', { hasText: `监测平台${suffix}` }).waitFor();

    // A signal signed with them lands on the department.
    const raw = JSON.stringify({ source, externalId: `alarm-${suffix}`, subject: '断面氨氮超标', riskLevel: 'high' });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex');
    const posted = await h.request('POST', '/api/intake/signals', { body: raw, headers: { 'x-api-key': apiKey, 'x-timestamp': timestamp, 'x-signature': signature } });
    expect(posted.status).toBe(202);
    const item = await admin.get(`/api/items/${posted.body.itemId}`);
    expect(item.body.tasks[0]).toMatchObject({ departmentId: dept.id, role: 'lead' });

    // At phone width the page reads without sideways scrolling.
    const phone = await contextFor(browser, h.baseUrl, admin, 'zh', 'phone');
    const small = await phone.newPage();
    await small.goto(`${h.baseUrl}/admin/intake`);
    await small.locator('.ant-table-row', { hasText: deptName }).waitFor();
    await small.screenshot({ path: `${SCREENSHOTS}/admin-intake-zh-phone.png`, fullPage: true });
    expect(await horizontalOverflow(small)).toBeLessThanOrEqual(1);
    const en = await contextFor(browser, h.baseUrl, admin, 'en');
    const enPage = await en.newPage();
    await enPage.goto(`${h.baseUrl}/admin/intake`);
    await enPage.getByText('Service accounts').waitFor();
    await enPage.screenshot({ path: `${SCREENSHOTS}/admin-intake-en-desktop.png`, fullPage: true });
    await Promise.all([context.close(), phone.close(), en.close()]);
  });
});
