/**
 * The notification settings page in a real Chromium: a department's staff sets their own e-mail,
 * quiet hours and digest time; an admin switches a department's e-mail off and sets its robots'
 * quiet hours, sees its group robots listed; a bad address is refused by the browser, a bad time
 * zone comes back from the API named next to its field.
 * What the page saved is what the API answers afterwards.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { formItem, pick, SAVE_ZH } from '../support/ui-browser';

const SHOTS = '.data/test/screenshots';

describe('notification settings in Chromium', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let admin: LoggedIn;
  let staff: LoggedIn;
  let department: { id: string; name: string };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startApiHarness({ worker: false });
    admin = await h.createUser('admin');
    const name = `市审计局${randomUUID().slice(0, 4)}`;
    const created = await admin.post('/api/departments', { name, nameEn: 'Audit Bureau' });
    expect(created.status).toBe(201);
    department = { id: created.body.id, name };
    const hook = await admin.post(`/api/departments/${department.id}/webhooks`, {
      kind: 'wecom',
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo',
      secret: 's3cret',
    });
    expect(hook.status).toBe(201);
    staff = await h.createUser('department', department.id);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** A page of the app, signed in as `who` by the session cookie the login would have set. */
  async function openAs(who: LoggedIn, path: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await context.addCookies([{ name: 'sv_session', value: who.token, url: h.baseUrl }]);
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}${path}`);
    return page;
  }

  it('a department user sets their own e-mail, quiet hours and digest; the API then answers the same', async () => {
    const page = await openAs(staff, '/items');
    await page.getByRole('link', { name: '通知设置' }).click();
    const mine = page.locator('form[data-form="my-notifications"]');
    await mine.getByLabel('电子邮箱').waitFor();
    // Only admins manage departments' channels.
    expect(await page.locator('form[data-form="department-channels"]').count()).toBe(0);

    await mine.getByLabel('电子邮箱').fill('li.qiang@example.gov.cn');
    await mine.getByLabel('通过电子邮件接收').check();
    await mine.getByLabel('免打扰开始').fill('22:00');
    await mine.getByLabel('免打扰结束').fill('07:30');
    await mine.getByLabel('每日摘要时间').fill('08:30');
    await mine.getByText('English', { exact: true }).click();
    await mine.getByRole('button', { name: SAVE_ZH }).click();
    await mine.getByText('已保存。').waitFor();

    const saved = await staff.get('/api/me/notification-preferences');
    expect(saved.body).toMatchObject({
      email: 'li.qiang@example.gov.cn',
      emailEnabled: true,
      quietStart: '22:00',
      quietEnd: '07:30',
      digestTime: '08:30',
      language: 'en',
    });

    // A malformed address: the browser refuses to send the form, and nothing is saved.
    await mine.getByLabel('电子邮箱').fill('not-an-address');
    await mine.getByRole('button', { name: SAVE_ZH }).click();
    expect(await mine.getByLabel('电子邮箱').evaluate((input: HTMLInputElement) => input.validity.typeMismatch)).toBe(true);
    expect(await mine.getByText('已保存。').count()).toBe(0);
    expect((await staff.get('/api/me/notification-preferences')).body).toMatchObject({ email: 'li.qiang@example.gov.cn' });
    await page.screenshot({ path: `${SHOTS}/ui-notification-settings-mine.png` });
    await page.context().close();
  });

  it("an admin switches a department's e-mail off and sets its robots' quiet hours, seeing the robots listed", async () => {
    const page = await openAs(admin, '/settings/notifications');
    const form = page.locator('form[data-form="department-channels"]');
    await pick(page, form.getByLabel('选择部门'), department.name);
    await form.locator('li[data-webhook-id]').first().waitFor();
    expect(await form.locator('li[data-webhook-id]').textContent()).toContain('企业微信');
    expect(await form.locator('li[data-webhook-id]').textContent()).toContain('已签名');

    await form.getByLabel('给本部门人员发邮件').uncheck();
    await form.getByLabel('免打扰开始').fill('21:00');
    await form.getByLabel('免打扰结束').fill('08:00');
    await form.getByLabel('时区').fill('Asia/Urumqi');
    await form.getByRole('button', { name: SAVE_ZH }).click();
    await form.getByText('已保存。').waitFor();
    expect((await admin.get(`/api/departments/${department.id}/notification-channels`)).body).toMatchObject({
      emailEnabled: false,
      webhooksEnabled: true,
      quietStart: '21:00',
      quietEnd: '08:00',
      timeZone: 'Asia/Urumqi',
    });

    await form.getByLabel('时区').fill('Mars/Olympus');
    await form.getByRole('button', { name: SAVE_ZH }).click();
    // Named at its field, in the page's language.
    await expect.poll(() => formItem(form, '时区').locator('.ant-form-item-explain-error').textContent()).toBe('IANA 时区名，如 Asia/Shanghai');
    expect((await admin.get(`/api/departments/${department.id}/notification-channels`)).body).toMatchObject({ timeZone: 'Asia/Urumqi' });
    await page.screenshot({ path: `${SHOTS}/ui-notification-settings-department.png` });
    await page.context().close();
  });
});
