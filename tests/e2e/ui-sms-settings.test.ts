/**
 * 短信设置 in the browser: the admin saves the provider's keys and a template code, sends a test SMS
 * to the local provider and reads its id, sees the SMS ledger; zh on a desktop, en on a phone.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { testConfig } from '../support/services';
import { contextFor, formItem, horizontalOverflow, launchChromium, SHOTS } from '../support/ui-browser';
import { startAliyunSmsServer, type AliyunSmsServer } from '../api/support/aliyun-sms-server';

describe('the SMS settings page', { retry: 1 }, () => {
  let provider: AliyunSmsServer;
  let h: ApiHarness;
  let browser: Browser;
  let admin: LoggedIn;

  beforeAll(async () => {
    provider = await startAliyunSmsServer({ 'ui-key': 'ui-secret' });
    h = await startApiHarness({ config: testConfig({ SMS_ENDPOINT: provider.url }), worker: false });
    admin = await h.createUser('admin');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await provider?.close();
  });

  it('saves the keys (the secret never shown again) and sends a test SMS', { timeout: 120_000 }, async () => {
    const context = await contextFor(browser, h.baseUrl, admin, 'zh');
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/admin/sms`);
    await page.getByRole('heading', { name: '短信设置' }).first().waitFor();
    await formItem(page, 'AccessKey ID').locator('input').fill('ui-key');
    await formItem(page, 'AccessKey Secret').locator('input').fill('ui-secret');
    await formItem(page, '短信签名').locator('input').fill('督查督办');
    await page.locator('.sms-template', { hasText: '测试短信' }).locator('input').first().fill('SMS_TEST_1');
    await page.getByRole('switch').click();
    await page.getByRole('button', { name: /保\s?存/ }).click();
    await page.getByText('已设置（留空则保持不变）').waitFor();
    // The hint may already show (another test set a secret in this database): wait for the save to clear the field.
    await expect.poll(() => formItem(page, 'AccessKey Secret').locator('input').inputValue(), { timeout: 15_000 }).toBe('');

    await page.getByPlaceholder('接收手机号').fill('13900001111');
    await page.getByRole('button', { name: '发送测试短信' }).click();
    await page.getByText(/已发送，服务商消息编号/).waitFor();
    expect(provider.accepted).toMatchObject([{ phone: '13900001111', templateCode: 'SMS_TEST_1', signName: '督查督办' }]);
    await page.screenshot({ path: `${SHOTS}/admin-sms-zh-desktop.png`, fullPage: true });
    await context.close();
  });

  it('fits a phone, in English', { timeout: 120_000 }, async () => {
    const context = await contextFor(browser, h.baseUrl, admin, 'en', 'phone');
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/admin/sms`);
    await page.getByRole('heading', { name: 'SMS settings' }).first().waitFor();
    await page.getByText('Test message').first().waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${SHOTS}/admin-sms-en-phone.png`, fullPage: true });
    await context.close();
  });
});
