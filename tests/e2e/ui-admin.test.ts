/**
 * The administrator in Chromium against the real platform: adds a department, a user in it and a
 * completion-form field (which appears in the form preview before saving, and in the template
 * after), and changes a day of the working-day calendar after seeing what it will recompute.
 * Every admin page is photographed in both languages at both sizes and checked with axe-core.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { chooseInDialog, contextFor, dialogSaved, gallery, launchChromium, SAVE_ZH } from '../support/ui-browser';

// antd spaces out a two-character Chinese label ("创 建").
const CREATE = /^创\s?建$/;

// Skipped: in stop 16 the department is created but the click on 新建用户 hangs, so the user, template-field
// and calendar steps never ran here (tests/e2e/ui-admin-flow.test.ts covers that flow and passes). Issue 17 stays open.
describe('admin pages in Chromium', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let admin: LoggedIn;

  beforeAll(async () => {
    h = await startApiHarness();
    admin = await h.createUser('admin');
    await h.createUser('leader', null, '李书记');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** Picks an option of the antd Select labelled `label` by typing part of it. */
  it('adds a department, a user in it, a template field shown in the preview, and a calendar override', { timeout: 240_000 }, async () => {
    const suffix = randomUUID().slice(0, 6);
    const deptName = `市审计局${suffix}`;
    const username = `clerk-${suffix}`;
    const context = await contextFor(browser, h.baseUrl, admin, 'zh');
    const page = await context.newPage();

    // A department.
    await page.goto(`${h.baseUrl}/admin/departments`);
    await page.getByRole('button', { name: '新增单位' }).click();
    await page.getByRole('dialog').getByLabel('名称', { exact: true }).fill(deptName);
    await page.getByRole('dialog').getByLabel('英文名称').fill(`Audit Bureau ${suffix}`);
    await page.getByRole('dialog').getByRole('button', { name: CREATE }).click();
    await page.locator('[data-testid="dept-node"]', { hasText: deptName }).waitFor();
    const dept = (await admin.get(`/api/departments?q=${encodeURIComponent(deptName)}`)).body.items[0];
    expect(dept.name).toBe(deptName);
    // Selected after creation: its channels are shown.
    await page.getByText('通知渠道').waitFor();

    // A user of that department.
    await page.goto(`${h.baseUrl}/users`);
    await page.getByRole('button', { name: '新建用户' }).click();
    await page.getByRole('dialog').getByLabel('用户名').fill(username);
    await page.getByRole('dialog').getByLabel('姓名').fill('审计局 周明');
    await chooseInDialog(page, '单位', deptName);
    await page.getByRole('dialog').getByLabel('初始密码').fill('first-password-123');
    await page.getByRole('dialog').getByRole('button', { name: CREATE }).click();
    await dialogSaved(page);
    // Found by name: the test database holds many users, and the list pages by 50.
    const search = page.locator('input[aria-label="按用户名或姓名查找"]');
    await search.fill(username);
    await search.press('Enter');
    await page.locator('.ant-table-row', { hasText: username }).waitFor();
    const user = (await admin.get(`/api/users?q=${username}`)).body.items[0];
    expect(user).toMatchObject({ username, role: 'department', departmentId: dept.id, mustChangePassword: true });

    // A completion-form field: in the preview at once, in the template once saved.
    await page.goto(`${h.baseUrl}/admin/templates`);
    const editor = page.locator('[data-testid="template-meeting_resolution"]');
    await editor.waitFor();
    await editor.locator('[data-testid="add-field"]').click();
    const row = editor.locator('[data-testid="field-row"]').last();
    await row.getByLabel('字段标识').fill('inspectionDate');
    await row.getByLabel('标题').fill('现场检查日期');
    await expect.poll(() => editor.locator('[data-testid="form-preview"]').textContent()).toContain('现场检查日期');
    await editor.getByRole('button', { name: '保存模板' }).click();
    await expect
      .poll(async () => (await admin.get('/api/templates/meeting_resolution')).body.completionFields.properties.inspectionDate?.title, { timeout: 15_000 })
      .toBe('现场检查日期');

    // A working day of January made a day off, after the count of tasks it recomputes.
    const year = new Date().getFullYear();
    await page.goto(`${h.baseUrl}/calendar`);
    const day = page.locator(`button.cal-day[data-kind="workday"][data-date^="${year}-01-"]`).first();
    await day.waitFor();
    const date = (await day.getAttribute('data-date'))!;
    await day.click();
    expect(await page.locator(`button.cal-day[data-date="${date}"]`).getAttribute('data-kind')).toBe('holiday');
    await page.locator('[data-testid="calendar-save"]').click();
    await page.locator('[data-testid="impact"]').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: SAVE_ZH }).click();
    await expect
      .poll(async () => (await admin.get(`/api/calendar/${year}`)).body.overrides, { timeout: 15_000 })
      .toContainEqual(expect.objectContaining({ date, kind: 'holiday' }));
    await context.close();
  });

  it('every admin page in both languages at both sizes, without serious accessibility violations', { timeout: 900_000 }, async () => {
    const found: Record<string, Record<string, string[]>> = {};
    for (const [name, path, selector] of [
      ['admin-overview', '/admin', '[data-testid="tile-queues"]'],
      ['admin-departments', '/admin/departments', '[data-testid="dept-node"]'],
      ['admin-users', '/users', '.ant-table-row'],
      ['admin-templates', '/admin/templates', '[data-testid="form-preview"] form'],
      ['admin-calendar', '/calendar', 'button.cal-day'],
      ['admin-weights', '/admin/weights', 'form input'],
    ] as const) {
      const v = await gallery(browser, h.baseUrl, admin, name, path, (p) => p.locator(selector).first().waitFor({ timeout: 90_000 }));
      if (Object.keys(v).length) found[name] = v;
    }
    expect(found).toEqual({});
  });
});
