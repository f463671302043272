/**
 * What the admin sets up reaches the departments (ui-admin.test.ts covers the admin pages
 * themselves; this file follows the consequences into another user's screen), in a database of its
 * own so a calendar override never moves another file's deadlines:
 * - a department and a user in it, added on the admin pages;
 * - a completion-form field added on the templates page appears in that department's completion form;
 * - a calendar override (a coming working day made a day off) recomputes the open task's
 *   working-day deadline, and the due date the department sees changes.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../db/migrate';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { chooseInDialog, contextFor, launchChromium, SAVE_ZH, SCREENSHOTS } from '../support/ui-browser';
import { databaseOfItsOwn, testConfig } from '../support/services';

const databaseUrl = databaseOfItsOwn('supervision_ui_admin_flow');
let h: ApiHarness;
let browser: Browser;
let admin: LoggedIn;
let supervisor: LoggedIn;
let leader: LoggedIn;

beforeAll(async () => {
  await runMigrations(databaseUrl);
  h = await startApiHarness({ config: testConfig({ DATABASE_URL: databaseUrl }) });
  admin = await h.createUser('admin');
  supervisor = await h.createUser('supervisor');
  leader = await h.createUser('leader', null, '李书记');
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const shanghaiDay = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);


describe('admin setup reaches the department', { retry: 1 }, () => {
  it('a new department, user and field show in its completion form; a calendar override moves its open deadline on screen', { timeout: 480_000 }, async () => {
    const suffix = randomUUID().slice(0, 6);
    const deptName = `市审计局${suffix}`;
    const ac = await contextFor(browser, h.baseUrl, admin, 'zh');
    const ap = await ac.newPage();
    ap.setDefaultTimeout(30_000);

    // ---- the admin: a department, a user in it, a field of the meeting-resolution form ----
    await ap.goto(`${h.baseUrl}/admin/departments`);
    await ap.getByRole('button', { name: '新增单位' }).click();
    await ap.getByRole('dialog').getByLabel('名称', { exact: true }).fill(deptName);
    await ap.getByRole('dialog').getByLabel('英文名称').fill(`Audit Bureau ${suffix}`);
    await ap.getByRole('dialog').getByRole('button', { name: /^创\s?建$/ }).click();
    await ap.locator('[data-testid="dept-node"]', { hasText: deptName }).waitFor();
    const dept = (await admin.get(`/api/departments?q=${encodeURIComponent(deptName)}`)).body.items[0] as { id: string };

    await ap.goto(`${h.baseUrl}/users`);
    await ap.getByRole('button', { name: '新建用户' }).click();
    await ap.getByRole('dialog').getByLabel('用户名').fill(`clerk-${suffix}`);
    await ap.getByRole('dialog').getByLabel('姓名').fill('审计局 周明');
    await chooseInDialog(ap, '单位', deptName);
    await ap.getByRole('dialog').getByLabel('初始密码').fill('first-password-123');
    await ap.getByRole('dialog').getByRole('button', { name: /^创\s?建$/ }).click();
    await ap.locator('.ant-table-row', { hasText: `clerk-${suffix}` }).waitFor();
    const created = (await admin.get(`/api/users?q=clerk-${suffix}`)).body.items[0];
    expect(created).toMatchObject({ role: 'department', departmentId: dept.id });

    await ap.goto(`${h.baseUrl}/admin/templates`);
    const editor = ap.locator('[data-testid="template-meeting_resolution"]');
    await editor.waitFor();
    await editor.locator('[data-testid="add-field"]').click();
    const row = editor.locator('[data-testid="field-row"]').last();
    await row.getByLabel('字段标识').fill('inspectionDate');
    await row.getByLabel('标题').fill('现场检查日期');
    await editor.getByRole('button', { name: '保存模板' }).click();
    await expect.poll(async () => (await admin.get('/api/templates/meeting_resolution')).body.completionFields.properties.inspectionDate?.title, { timeout: 15_000 }).toBe('现场检查日期');

    // ---- an item for that department, due in 3 working days; its clerk signs ----
    // The user the admin made must change its password first; a clerk of the same department reads the same screen.
    const clerk = await h.createUser('department', dept.id, '审计局经办');
    const launched = await supervisor.post('/api/items', {
      kind: 'meeting_resolution',
      title: '关于开展财政资金专项审计的决定',
      issuedBy: leader.id,
      dueInWorkingDays: 3,
      tasks: [{ departmentId: dept.id, role: 'lead' }],
    });
    expect(launched.status).toBe(201);
    const itemId = launched.body.id as string;
    const taskId = launched.body.tasks[0].id as string;
    expect((await clerk.post(`/api/tasks/${taskId}/sign`, {})).status).toBeLessThan(300);

    const cc = await contextFor(browser, h.baseUrl, clerk, 'zh', 'phone');
    const cp = await cc.newPage();
    cp.setDefaultTimeout(30_000);
    await cp.goto(`${h.baseUrl}/items/${itemId}/tasks/${taskId}`);
    // The admin's new field is in the department's completion form.
    await expect.poll(() => cp.locator('.completion-form #root_inspectionDate').count(), { timeout: 30_000 }).toBe(1);
    expect(await cp.locator('.completion-form').textContent()).toContain('现场检查日期');
    await cp.screenshot({ path: `${SCREENSHOTS}/admin-flow-completion-field-zh-phone.png`, fullPage: true });
    const dueShown = () => cp.locator(`[data-task-id="${taskId}"] .task-due time`).first().getAttribute('datetime');
    await expect.poll(dueShown, { timeout: 30_000 }).not.toBeNull();
    const before = (await dueShown())!;

    // ---- the admin makes the next working day (before the due date) a day off ----
    const today = shanghaiDay(new Date().toISOString());
    const dueDay = shanghaiDay(before);
    await ap.goto(`${h.baseUrl}/calendar`);
    const candidates = ap.locator('button.cal-day[data-kind="workday"]');
    await candidates.first().waitFor();
    const dates = (await candidates.evaluateAll((els) => els.map((e) => e.getAttribute('data-date')!))).filter((d) => d > today && d < dueDay);
    expect(dates.length, `a working day between ${today} and ${dueDay}`).toBeGreaterThan(0);
    await ap.locator(`button.cal-day[data-date="${dates[0]}"]`).click();
    await ap.locator('[data-testid="calendar-save"]').click();
    const impact = ap.locator('[data-testid="impact"]');
    await impact.waitFor();
    await expect.poll(() => impact.textContent()).toMatch(/[1-9]/);
    await ap.getByRole('dialog').getByRole('button', { name: SAVE_ZH }).click();

    // ---- the clerk's open page shows the later due date ----
    // The change reaches every open task of the database (in CI, every test file's), which can take
    // minutes on a loaded machine; once this task has it, its open page must show it at once.
    const dueInApi = async () => (await clerk.get(`/api/items/${itemId}`)).body.tasks[0].dueAt as string;
    await expect.poll(dueInApi, { timeout: 240_000, interval: 2_000 }).not.toBe(before);
    await expect.poll(dueShown, { timeout: 30_000, interval: 1_000 }).not.toBe(before);
    const after = (await dueShown())!;
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
    const task = (await clerk.get(`/api/items/${itemId}`)).body.tasks[0];
    expect(task.dueAt).toBe(after);
    await cp.screenshot({ path: `${SCREENSHOTS}/admin-flow-due-moved-zh-phone.png`, fullPage: true });
    await Promise.all([ac.close(), cc.close()]);
  });
});
