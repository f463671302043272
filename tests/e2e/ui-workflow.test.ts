/**
 * The UI in a real Chromium against the real API and a real worker: a supervisor signs in (forced to
 * change the first password) and launches an item for two departments through the wizard; a
 * department's staff sees only its own task (and who shares the item, not their work), signs for it
 * and reports progress; status, progress and then the light (green → yellow once the warning time
 * passes) update on the page without a reload.
 * Field errors from the API stand at their field in the user's language.
 * (The standing-book drill-down that used to be checked here belongs to the leader pages now.)
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWorkingDay, localDate } from '../../domain/calendar';
import { buildChinaCalendar } from '../../domain/calendar-data';
import { parseDuration } from '../../domain/durations';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { DESKTOP, formItem, launchChromium, pick, shanghaiText, SHOTS, typeDate } from '../support/ui-browser';

const TZ = 'Asia/Shanghai';
const FIRST_PASSWORD = 'first-password-123';
const NEW_PASSWORD = 'my-own-password-456';

describe('UI workflow in Chromium', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let admin: LoggedIn;
  const departments: { id: string; name: string }[] = [];
  const accounts: Record<'supervisor' | 'staffA' | 'staffB', { username: string }> = {} as never;
  let leaderName: string;

  beforeAll(async () => {
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
    accounts.supervisor = await make('supervisor', '督查室 王敏', null);
    accounts.staffA = await make('department', '财政局 李强', departments[0]!.id);
    accounts.staffB = await make('department', '住建局 赵丽', departments[1]!.id);
    leaderName = `张副市长${suffix}`;
    await make('leader', leaderName, null);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** An account made the way an admin makes one: its user must change the password at first sign-in. */
  async function make(role: string, displayName: string, departmentId: string | null) {
    const username = `ui-${role}-${randomUUID().slice(0, 8)}`;
    const res = await admin.post('/api/users', { username, displayName, role, departmentId, password: FIRST_PASSWORD });
    expect(res.status).toBe(201);
    return { username, id: res.body.id as string };
  }

  async function signIn(context: BrowserContext, username: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(h.baseUrl);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码', { exact: true }).fill(FIRST_PASSWORD);
    await page.getByRole('button', { name: '登 录' }).or(page.getByRole('button', { name: '登录' })).click();
    // First sign-in: nothing but the password form until the password is changed.
    await page.getByText('请先设置新密码').waitFor();
    expect(await page.locator('nav.main-nav').count()).toBe(0);
    await page.getByLabel('当前密码').fill(FIRST_PASSWORD);
    await page.getByLabel('新密码', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('确认新密码').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: /保\s?存/ }).click();
    await page.locator('.shell-content').waitFor();
    return page;
  }

  it('supervisor launches through the wizard; the department sees only its task, signs, reports; status, progress and light update', { timeout: 300_000 }, async () => {
    // ---- supervisor ----
    const sup = await browser.newContext({ locale: 'zh-CN', timezoneId: TZ, viewport: DESKTOP });
    const sp = await signIn(sup, accounts.supervisor.username);
    expect(new URL(sp.url()).pathname).toBe('/');
    await sp.locator('nav.main-nav').getByRole('link', { name: '发起督办' }).click();
    await sp.getByRole('heading', { name: '发起督办' }).waitFor();

    // Due a template's warning lead and a little from now: warnAt falls 1–2 minutes ahead. A due date on
    // a day off would roll to the end of the next working day, so the kind is the first whose due date
    // lands on a working day in China, whatever day the test runs.
    const minute = 60_000;
    const calendar = buildChinaCalendar({ fromYear: new Date().getUTCFullYear(), toYear: new Date().getUTCFullYear() + 1 });
    const templates = (await admin.get('/api/templates')).body.items as { kind: string; warnBefore: string }[];
    const kindNames: Record<string, string> = { leadership_instruction: '领导批示', meeting_resolution: '会议议定事项', routine: '常规/重点工作' };
    // warnAt = due − lead: 100–160 s after the date is typed (computed then, so a slow wizard eats none of it).
    const dueFor = (lead: number) => new Date(Math.ceil((Date.now() + lead + 100_000) / minute) * minute);
    const candidates = Object.keys(kindNames).map((kind) => {
      const lead = parseDuration(templates.find((t) => t.kind === kind)!.warnBefore);
      return { kind, lead, due: dueFor(lead) };
    });
    const { kind, lead } = candidates.find((c) => isWorkingDay(localDate(c.due.getTime(), calendar), calendar)) ?? candidates[0]!;
    const next = () => sp.getByRole('button', { name: /下一步/ }).click();
    await sp.locator('.kind-choice').getByText(kindNames[kind]!, { exact: true }).click();
    await next();
    await sp.getByLabel('标题').fill('关于做好汛期防汛物资储备检查的批示');
    await sp.getByLabel('事项内容').fill('请财政局牵头、住建局配合，于期限内完成全市防汛物资储备情况检查，并报送检查结果。');
    await sp.getByLabel('来源').fill('市政府第12次常务会议');
    await pick(sp, sp.getByLabel('交办领导'), leaderName);
    await next();
    await pick(sp, sp.getByLabel('牵头单位'), departments[0]!.name);
    await pick(sp, sp.getByLabel('协办单位'), departments[1]!.name);
    await sp.keyboard.press('Escape');
    await next();
    await sp.getByText('指定日期').click();
    const due = dueFor(lead);
    await typeDate(sp.getByLabel('截止时间'), shanghaiText(due));
    await next();
    // The windows start from the template's defaults, in friendly units.
    expect(await formItem(sp, '提前预警').locator('input').first().inputValue()).toMatch(/^\d+$/);
    await next();
    await sp.locator('.launch-review').getByText(departments[1]!.name).waitFor();
    await sp.screenshot({ path: `${SHOTS}/launch-review-desktop-zh.png`, fullPage: true });
    await sp.getByRole('button', { name: /发\s?起/ }).last().click();
    await sp.waitForURL(/\/items\/[0-9a-f-]{36}$/);
    const itemId = sp.url().split('/').pop()!;
    await expect.poll(() => sp.locator('.task[data-task-id]').count(), { timeout: 20_000 }).toBe(2);
    expect(await sp.locator('[data-testid="task-status"]').allTextContents()).toEqual(['待签收', '待签收']);
    await expect.poll(() => sp.locator('[data-testid="item-light"]').textContent(), { timeout: 20_000 }).toBe('绿灯 · 正常');
    // The issuing leader by name, never an id.
    expect(await sp.locator('.ant-descriptions').first().textContent()).toContain(leaderName);
    // The due date is shown in the user's zone (Shanghai), not UTC.
    const dueTime = sp.locator('.task').first().locator('time').first();
    expect(new Date((await dueTime.getAttribute('datetime'))!).getTime()).toBe(due.getTime());
    const hh = String(new Date(due.getTime() + 8 * 3600_000).getUTCHours()).padStart(2, '0');
    expect(await dueTime.textContent()).toContain(`${hh}:${String(due.getUTCMinutes()).padStart(2, '0')}`);
    await sp.screenshot({ path: `${SHOTS}/item-supervisor-desktop-zh.png`, fullPage: true });

    // ---- department staff of the lead department ----
    const dep = await browser.newContext({ locale: 'zh-CN', timezoneId: TZ, viewport: DESKTOP });
    const dp = await signIn(dep, accounts.staffA.username);
    await dp.locator('nav.main-nav').getByRole('link', { name: '我的任务' }).click();
    const card = dp.locator(`.task-link[data-item-id="${itemId}"]`);
    await card.waitFor();
    expect(await dp.locator('.task-link').count()).toBe(1);
    await card.click();
    const task = dp.locator('.task[data-task-id]');
    await task.waitFor();
    expect(await task.count()).toBe(1);
    // Names come with the organisation list, which may still be loading in a large organisation.
    await expect.poll(() => task.textContent(), { timeout: 30_000 }).toContain(departments[0]!.name);
    expect(await dp.locator('main, .shell-content').first().textContent()).not.toContain(departments[1]!.name);
    expect(await task.locator('[data-testid="task-status"]').textContent()).toBe('待签收');
    // A department may not urge or review: those buttons are not there.
    expect(await dp.getByRole('button', { name: /催\s?办/ }).count()).toBe(0);

    await dp.getByRole('button', { name: /签\s?收/ }).click();
    await dp.getByRole('dialog').getByRole('button', { name: /签\s?收/ }).click();
    await expect.poll(() => task.locator('[data-testid="task-status"]').textContent(), { timeout: 20_000 }).toBe('已签收');

    await dp.getByRole('button', { name: '进展反馈' }).click();
    const progress = dp.getByRole('dialog');
    await progress.getByLabel('进展情况').fill('已完成全市 12 个物资仓库中 5 个的现场检查。');
    await progress.getByLabel('完成进度（%）').fill('40');
    await progress.getByRole('button', { name: /提\s?交/ }).click();
    await expect.poll(() => task.locator('[data-testid="task-status"]').textContent(), { timeout: 20_000 }).toBe('办理中');
    await expect.poll(() => task.locator('[data-testid="task-percent"]').textContent(), { timeout: 20_000 }).toBe('40%');
    expect(await task.locator('[data-testid="task-light"]').textContent()).toBe('绿灯 · 正常');
    // What was reported, by whom.
    await expect.poll(() => dp.locator('[data-report="progress"]').count(), { timeout: 10_000 }).toBe(1);
    expect(await dp.locator('[data-report="progress"]').textContent()).toContain('财政局 李强');
    await dp.screenshot({ path: `${SHOTS}/task-department-desktop-zh.png`, fullPage: true });

    // ---- the warning time passes: the light turns yellow on screen without a reload ----
    await expect.poll(() => task.locator('[data-testid="task-light"]').textContent(), { timeout: 200_000, interval: 2_000 }).toBe('黄灯 · 预警');
    await expect.poll(() => dp.locator('[data-testid="light-reason"]').textContent(), { timeout: 30_000 }).toMatch(/灯色原因/);
    await dp.screenshot({ path: `${SHOTS}/task-department-yellow-desktop-zh.png`, fullPage: true });

    // The supervisor's list shows the item yellow; the other department sees nothing of it.
    await sp.goto(`${h.baseUrl}/items?light=yellow`);
    await sp.locator(`tr[data-item-id="${itemId}"]`).waitFor();
    expect(await sp.locator(`tr[data-item-id="${itemId}"] .light`).textContent()).toBe('黄灯');
    await sp.screenshot({ path: `${SHOTS}/items-supervisor-desktop-zh.png`, fullPage: true });

    const other = await browser.newContext({ locale: 'zh-CN', timezoneId: TZ, viewport: DESKTOP });
    const op = await signIn(other, accounts.staffB.username);
    await op.goto(`${h.baseUrl}/items/${itemId}`);
    await op.locator('.task[data-task-id]').first().waitFor();
    expect(await op.locator('.task[data-task-id]').count()).toBe(1);
    // It sees who shares the item (name, part, status, light: to coordinate), none of the other's work.
    expect(await op.locator(`[data-testid="shared-departments"] [data-department-id="${departments[0]!.id}"]`).count()).toBe(1);
    const seen = (await op.locator('.shell-content').textContent()) ?? '';
    expect(seen).not.toContain('已完成全市 12 个物资仓库');
    expect(seen).not.toContain('财政局 李强');

    await Promise.all([sup.close(), dep.close(), other.close()]);
  });

  it('shows the API refusal at its field in the user language, switches to English, and signs out', { timeout: 120_000 }, async () => {
    // An account of its own whose first password was already changed (through the API), so this test
    // does not depend on the one above.
    const { username } = await make('supervisor', '督查室 周洁', null);
    const login = await h.request<{ token: string }>('POST', '/api/auth/login', { body: { username, password: FIRST_PASSWORD } });
    expect(login.status).toBe(200);
    const changed = await h.request('POST', '/api/me/password', { body: { current: FIRST_PASSWORD, next: NEW_PASSWORD }, headers: { authorization: `Bearer ${login.body.token}` } });
    expect(changed.status).toBeLessThan(300);

    const context = await browser.newContext({ locale: 'zh-CN', timezoneId: TZ, viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(h.baseUrl);
    // Wrong password: a plain message, no session.
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: /登\s?录/ }).click();
    await page.getByText('用户名或密码错误').waitFor();
    await page.getByLabel('密码', { exact: true }).fill(NEW_PASSWORD);
    await page.getByRole('button', { name: /登\s?录/ }).click();
    await page.locator('nav.main-nav').waitFor();

    // A wrong current password: the API's 422 names body.current, shown under that field in Chinese, nothing saved.
    await page.goto(`${h.baseUrl}/password`);
    await page.getByLabel('当前密码').fill('not-my-password');
    await page.getByLabel('新密码', { exact: true }).fill('another-password-789');
    await page.getByLabel('确认新密码').fill('another-password-789');
    await page.getByRole('button', { name: /保\s?存/ }).click();
    await expect.poll(() => formItem(page, '当前密码').locator('.ant-form-item-explain-error').textContent(), { timeout: 20_000 }).toBe('当前密码不正确');

    // English, kept across a reload.
    await page.getByRole('button', { name: /English/ }).click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await page.goto(`${h.baseUrl}/items`);
    await page.getByRole('heading', { name: 'Items' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/items-desktop-en.png`, fullPage: true });

    await page.locator('nav.main-nav').getByRole('link', { name: /^Inbox/ }).click();
    await page.getByRole('heading', { name: /^Inbox/ }).waitFor();
    await page.screenshot({ path: `${SHOTS}/inbox-desktop-en.png` });

    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByText('Sign out').click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await context.close();
  });
});
