/**
 * The admin UI in a real Chromium against the real API and a real worker: a supervisor signs in
 * (forced to change the first password), launches an item for two departments; a department's staff
 * signs in, sees only their own task, signs for it and reports progress; the status, the progress
 * and then the light (green → yellow once the warning time passes) update on the page.
 */
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWorkingDay, localDate } from '../../domain/calendar';
import { buildChinaCalendar } from '../../domain/calendar-data';
import { parseDuration } from '../../domain/durations';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';

const SHOTS = '.data/test';
const TZ = 'Asia/Shanghai';
const FIRST_PASSWORD = 'first-password-123';
const NEW_PASSWORD = 'my-own-password-456';

/** An instant as the `<input type="datetime-local">` value a user in Shanghai (UTC+8) would type. */
function shanghaiInput(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
}

describe('admin UI in Chromium', () => {
  let h: ApiHarness;
  let browser: Browser;
  let admin: LoggedIn;
  let leaderId: string;
  const departments: { id: string; name: string }[] = [];
  const accounts: Record<'supervisor' | 'staffA' | 'staffB', { username: string }> = {} as never;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    h = await startApiHarness();
    admin = await h.createUser('admin');
    const suffix = randomUUID().slice(0, 4);
    for (const [name, nameEn] of [
      [`市财政局${suffix}`, `Finance Bureau ${suffix}`],
      [`市住建局${suffix}`, `Housing Bureau ${suffix}`],
    ] as const) {
      const res = await admin.post('/api/departments', { name, nameEn });
      expect(res.status).toBe(201);
      departments.push({ id: res.body.id, name });
    }
    // Accounts made the way an admin makes them: they must change the password at first sign-in.
    const make = async (role: string, displayName: string, departmentId: string | null) => {
      const username = `ui-${role}-${randomUUID().slice(0, 8)}`;
      const res = await admin.post('/api/users', { username, displayName, role, departmentId, password: FIRST_PASSWORD });
      expect(res.status).toBe(201);
      return { username, id: res.body.id as string };
    };
    accounts.supervisor = await make('supervisor', '督查室 王敏', null);
    accounts.staffA = await make('department', '财政局 李强', departments[0]!.id);
    accounts.staffB = await make('department', '住建局 赵丽', departments[1]!.id);
    leaderId = (await make('leader', '张副市长', null)).id;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function signIn(context: BrowserContext, username: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(h.baseUrl);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码', { exact: true }).fill(FIRST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    // First sign-in: nothing but the password form until the password is changed.
    await page.getByText('请先设置新密码').waitFor();
    expect(await page.locator('nav.main-nav').count()).toBe(0);
    await page.getByLabel('当前密码').fill(FIRST_PASSWORD);
    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('确认新密码').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('nav.main-nav').waitFor();
    return page;
  }

  it('supervisor launches an item; the department sees only its task, signs, reports progress; status, progress and light update', { timeout: 300_000 }, async () => {
    // ---- supervisor ----
    const sup = await browser.newContext({ locale: 'zh-CN', timezoneId: TZ, viewport: { width: 1360, height: 900 } });
    const sp = await signIn(sup, accounts.supervisor.username);
    expect(new URL(sp.url()).pathname).toBe('/dashboard');
    await sp.getByRole('link', { name: '发起督办' }).first().click();
    await sp.getByRole('heading', { name: '发起督办' }).waitFor();

    // Due a template's warning lead and a little from now: warnAt falls 1–2 minutes ahead. A due date on
    // a day off would roll to the end of the next working day (warning days later), so the kind is the
    // first whose due date lands on a working day in China, whatever day the test runs.
    const minute = 60_000;
    const calendar = buildChinaCalendar({ fromYear: new Date().getUTCFullYear(), toYear: new Date().getUTCFullYear() + 1 });
    const templates = (await admin.get('/api/templates')).body.items as { kind: string; warnBefore: string }[];
    const candidates = ['leadership_instruction', 'meeting_resolution', 'routine'].map((kind) => {
      const lead = parseDuration(templates.find((t) => t.kind === kind)!.warnBefore);
      return { kind, due: new Date(Math.ceil((Date.now() + lead + 75_000) / minute) * minute) };
    });
    const { kind, due } = candidates.find((c) => isWorkingDay(localDate(c.due.getTime(), calendar), calendar)) ?? candidates[0]!;
    await sp.getByLabel('事项类别').selectOption(kind);
    await sp.getByLabel('标题').fill('关于做好汛期防汛物资储备检查的批示');
    await sp.getByLabel('事项内容').fill('请财政局牵头、住建局配合，于期限内完成全市防汛物资储备情况检查，并报送检查结果。');
    await sp.getByLabel('来源').fill('市政府第12次常务会议');
    await sp.getByLabel('交办领导', { exact: true }).selectOption(leaderId);
    await sp.getByLabel('指定日期').check();
    await sp.getByLabel('截止时间').fill(shanghaiInput(due));
    await sp.getByLabel('牵头单位').selectOption(departments[0]!.id);
    await sp.getByLabel(departments[1]!.name).check();
    await sp.getByRole('button', { name: '发起', exact: true }).click();
    await sp.waitForURL(/\/items\/[0-9a-f-]{36}$/);
    const itemId = sp.url().split('/').pop()!;
    await expect.poll(() => sp.locator('article.task').count()).toBe(2);
    expect(await sp.locator('[data-testid="task-status"]').allTextContents()).toEqual(['待签收', '待签收']);
    expect(await sp.locator('[data-testid="item-light"]').textContent()).toBe('绿灯 · 正常');
    // The due date is shown in the user's zone (Shanghai), not UTC.
    const dueShown = await sp.locator('article.task').first().locator('time').first().getAttribute('datetime');
    expect(new Date(dueShown!).getTime()).toBe(due.getTime());
    const dueText = await sp.locator('article.task').first().locator('time').first().textContent();
    const hh = String(new Date(due.getTime() + 8 * 3600_000).getUTCHours()).padStart(2, '0');
    expect(dueText).toContain(`${hh}:${String(due.getUTCMinutes()).padStart(2, '0')}`);
    await sp.screenshot({ path: `${SHOTS}/ui-supervisor-item.png`, fullPage: true });

    // ---- department staff of the lead department ----
    const dep = await browser.newContext({ locale: 'zh-CN', timezoneId: TZ, viewport: { width: 1360, height: 900 } });
    const dp = await signIn(dep, accounts.staffA.username);
    expect(new URL(dp.url()).pathname).toBe('/items');
    const row = dp.locator(`tr[data-item-id="${itemId}"]`);
    await row.waitFor();
    // Its own department only, in the list and on the item (names appear once the departments have loaded).
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain(departments[0]!.name);
    expect(await row.textContent()).not.toContain(departments[1]!.name);
    await dp.screenshot({ path: `${SHOTS}/ui-department-list.png`, fullPage: true });
    await row.getByRole('link').click();
    await dp.locator('article.task').first().waitFor();
    expect(await dp.locator('article.task').count()).toBe(1);
    expect(await dp.locator('main').textContent()).not.toContain(departments[1]!.name);
    const task = dp.locator('article.task');
    expect(await task.locator('[data-testid="task-status"]').textContent()).toBe('待签收');
    // A department may not urge or review: those buttons are not there.
    expect(await task.getByRole('button', { name: '催办' }).count()).toBe(0);

    await task.getByRole('button', { name: '签收' }).click();
    await task.getByRole('form', { name: '签收' }).getByRole('button', { name: '签收' }).click();
    await expect.poll(() => task.locator('[data-testid="task-status"]').textContent()).toBe('已签收');

    await task.getByRole('button', { name: '进展反馈' }).click();
    const progress = task.getByRole('form', { name: '进展反馈' });
    await progress.getByLabel('进展情况').fill('已完成全市 12 个物资仓库中 5 个的现场检查。');
    await progress.getByLabel('完成进度（%）').fill('40');
    await progress.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => task.locator('[data-testid="task-status"]').textContent()).toBe('办理中');
    await expect.poll(() => task.locator('[data-testid="task-percent"]').textContent()).toBe('40%');
    expect(await task.locator('[data-testid="task-light"]').textContent()).toBe('绿灯 · 正常');
    // The timeline names what was done, by whom.
    await expect.poll(() => dp.locator('.timeline li[data-type="progress"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await dp.locator('.timeline li[data-type="progress"]').textContent()).toContain('财政局 李强');
    await dp.screenshot({ path: `${SHOTS}/ui-department-progress.png`, fullPage: true });

    // ---- the warning time passes: the workflow's timer turns the light yellow, and the page shows why ----
    await expect
      .poll(
        async () => {
          await dp.reload();
          await dp.locator('article.task').first().waitFor();
          return dp.locator('[data-testid="task-light"]').textContent();
        },
        { timeout: 200_000, interval: 5_000 },
      )
      .toBe('黄灯 · 预警');
    expect(await dp.locator('[data-testid="light-reason"]').textContent()).toMatch(/灯色原因/);
    expect(await dp.locator('[data-testid="item-light"]').textContent()).toBe('黄灯 · 预警');
    await dp.screenshot({ path: `${SHOTS}/ui-department-yellow.png`, fullPage: true });

    // The supervisor's list shows the item yellow; the other department sees nothing of it.
    await sp.goto(`${h.baseUrl}/items?light=yellow`);
    await sp.locator(`tr[data-item-id="${itemId}"]`).waitFor();
    expect(await sp.locator(`tr[data-item-id="${itemId}"] .light`).textContent()).toBe('黄灯');
    await sp.screenshot({ path: `${SHOTS}/ui-supervisor-list.png`, fullPage: true });

    // The dashboard: the department's row, the on-time chart, and each figure a link to its items.
    await sp.getByRole('link', { name: '督办台账' }).click();
    const deptRow = sp.locator(`tr[data-department-id="${departments[0]!.id}"]`);
    await deptRow.waitFor();
    expect(await deptRow.locator('td.metric-total').textContent()).toBe('1');
    expect(await deptRow.locator('td.metric-yellow').textContent()).toBe('1');
    await sp.locator('.recharts-surface').first().waitFor();
    // The shared test database holds many departments: the top of the page and the chart suffice.
    await sp.screenshot({ path: `${SHOTS}/ui-dashboard.png` });
    await sp.locator('section.chart').screenshot({ path: `${SHOTS}/ui-dashboard-chart.png` });
    await deptRow.locator('td.metric-yellow a').click();
    await sp.waitForURL(/\/items\?/);
    expect(new URL(sp.url()).searchParams.get('metric')).toBe('yellow');
    expect(new URL(sp.url()).searchParams.get('departmentId')).toBe(departments[0]!.id);
    await sp.locator(`tr[data-item-id="${itemId}"]`).waitFor();
    expect(await sp.locator('tbody tr').count()).toBe(1);

    const other = await browser.newContext({ locale: 'zh-CN', timezoneId: TZ });
    const op = await signIn(other, accounts.staffB.username);
    await op.goto(`${h.baseUrl}/items/${itemId}`);
    await op.locator('article.task').first().waitFor();
    expect(await op.locator('article.task').count()).toBe(1);
    expect(await op.locator('main').textContent()).not.toContain(departments[0]!.name);

    await Promise.all([sup.close(), dep.close(), other.close()]);
  });

  it('shows field errors from the API beside the field, switches to English, and signs out', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: TZ });
    const page = await context.newPage();
    await page.goto(h.baseUrl);
    // Wrong password: a plain message, no session.
    await page.getByLabel('用户名').fill(accounts.supervisor.username);
    await page.getByLabel('密码', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText('用户名或密码错误').waitFor();

    await page.getByLabel('密码', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('nav.main-nav').waitFor();

    // A due date already past: the API's 422 names body.dueAt, shown under that field in Chinese.
    await page.goto(`${h.baseUrl}/launch`);
    await page.getByLabel('标题').fill('字段错误测试');
    await page.getByLabel('交办领导', { exact: true }).selectOption(leaderId);
    await page.getByLabel('指定日期').check();
    await page.getByLabel('截止时间').fill(shanghaiInput(new Date(Date.now() - 86_400_000)));
    await page.getByLabel('牵头单位').selectOption(departments[0]!.id);
    await page.getByRole('button', { name: '发起', exact: true }).click();
    const fieldError = page.locator('#l-due-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toBe('截止时间须晚于现在');

    // English, kept across a reload.
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').textContent()).toBe('Supervision');
    await page.goto(`${h.baseUrl}/items`);
    await page.getByRole('heading', { name: 'Items' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/ui-items-en.png`, fullPage: true });

    // The inbox page renders (its messages depend on the notification fan-out).
    await page.getByRole('link', { name: /^Inbox/ }).click();
    await page.getByRole('heading', { name: /^Inbox/ }).waitFor();
    await page.screenshot({ path: `${SHOTS}/ui-inbox-en.png` });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expect.poll(() => page.locator('li[data-part]').count()).toBe(3);
    await context.close();
  });

  it('department submits the completion report from the template form; the supervisor accepts it; outcome and status show', { timeout: 120_000 }, async () => {
    const supervisorApi = await h.createUser('supervisor');
    const launched = await supervisorApi.post('/api/items', {
      kind: 'approval_document',
      title: '关于报送老旧小区改造进度的批件',
      issuedBy: leaderId,
      dueInWorkingDays: 10,
      tasks: [{ departmentId: departments[0]!.id, role: 'lead' }],
    });
    expect(launched.status).toBe(201);
    const itemId = launched.body.id as string;
    const stamp = randomUUID().slice(0, 8);
    const staff = await admin.post('/api/users', { username: `ui-staff-${stamp}`, displayName: '财政局 周文', role: 'department', departmentId: departments[0]!.id, password: FIRST_PASSWORD });
    const reviewer = await admin.post('/api/users', { username: `ui-sup-${stamp}`, displayName: '督查室 陈晨', role: 'supervisor', departmentId: null, password: FIRST_PASSWORD });
    expect([staff.status, reviewer.status]).toEqual([201, 201]);

    const dep = await browser.newContext({ locale: 'zh-CN', timezoneId: TZ, viewport: { width: 1360, height: 900 } });
    const dp = await signIn(dep, staff.body.username);
    await dp.goto(`${h.baseUrl}/items/${itemId}`);
    const task = dp.locator('article.task');
    await task.waitFor();
    await task.getByRole('button', { name: '签收' }).click();
    await task.getByRole('form', { name: '签收' }).getByRole('button', { name: '签收' }).click();
    await expect.poll(() => task.locator('[data-testid="task-status"]').textContent()).toBe('已签收');

    // The form's fields come from the template's JSON Schema (result, evidence list, document number).
    await task.getByRole('button', { name: '提交办结报告' }).click();
    const report = task.getByRole('form', { name: '提交办结报告' });
    await report.getByLabel('办结情况概述').fill('已完成全部 36 个小区的改造进度统计并报送。');
    await report.getByLabel('落实情况').fill('36 个小区中 30 个已开工，6 个完成设计。');
    await report.getByLabel('佐证材料').fill('改造进度统计表\n现场照片');
    await report.getByLabel('回复文号').fill('财建〔2026〕18号');
    await dp.screenshot({ path: `${SHOTS}/ui-completion-form.png`, fullPage: true });
    await report.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => task.locator('[data-testid="task-status"]').textContent()).toBe('待审核');
    await dep.close();

    const sup = await browser.newContext({ locale: 'zh-CN', timezoneId: TZ, viewport: { width: 1360, height: 900 } });
    const sp = await signIn(sup, reviewer.body.username);
    await sp.goto(`${h.baseUrl}/items/${itemId}`);
    const stask = sp.locator('article.task');
    await stask.waitFor();
    await stask.getByRole('button', { name: '审核办结报告' }).click();
    const review = stask.getByRole('form', { name: '审核办结报告' });
    await review.getByLabel('通过').check();
    await review.getByRole('button', { name: '提交' }).click();
    await expect.poll(() => stask.locator('[data-testid="task-status"]').textContent()).toBe('已办结');
    await expect.poll(() => stask.locator('[data-testid="task-outcome"]').textContent()).toBe('按期办结');
    await expect.poll(async () => {
      await sp.reload();
      await sp.locator('article.task').waitFor();
      return sp.locator('[data-testid="item-status"]').textContent();
    }, { timeout: 20_000, interval: 1_000 }).toBe('已办结');
    expect(await sp.locator('.timeline li[data-type="complete"]').textContent()).toContain('已完成全部 36 个小区');
    await sp.screenshot({ path: `${SHOTS}/ui-supervisor-accepted.png`, fullPage: true });
    await sup.close();
  });
});
