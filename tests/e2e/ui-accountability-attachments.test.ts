/**
 * Accountability and attachments in the browser: a supervisor holds a red task's department to
 * account from the item page's card (the action is listed and its words join the timeline), a leader
 * sees it counted on the standing book, and the department's clerk uploads evidence on the task page
 * and finds it listed with a download link that returns the same bytes.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { fromNow, launchBody, waitFor } from '../support/item-fixtures';
import { contextFor, formItem, launchChromium, SHOTS } from '../support/ui-browser';

const zhButton = (text: string) => new RegExp(`^${text.split('').join('\\s?')}$`);

describe('accountability and attachments on the item page', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let supervisor: LoggedIn;
  let leader: LoggedIn;
  let staff: LoggedIn;
  let itemId: string;
  let taskId: string;
  let deptName: string;

  beforeAll(async () => {
    h = await startApiHarness();
    const dept = await h.createDepartment('问责界面局');
    deptName = dept.name;
    [supervisor, leader, staff] = await Promise.all([h.createUser('supervisor'), h.createUser('leader'), h.createUser('department', dept.id)]);
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept.id, role: 'lead' }], { dueAt: fromNow(3_000), warnBefore: 'PT1S', signWithin: 'PT1S' }));
    expect(launched.status).toBe(201);
    itemId = launched.body.id;
    taskId = launched.body.tasks[0].id;
    await waitFor(async () => (await supervisor.get(`/api/items/${itemId}`)).body.tasks[0].light === 'red' || undefined, 'the red light', 30_000);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('a supervisor records an interview from the card; it is listed, in the timeline, and on the standing book', { timeout: 180_000 }, async () => {
    const context = await contextFor(browser, h.baseUrl, supervisor, 'zh');
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/items/${itemId}`);
    const card = page.getByTestId('accountability');
    await card.getByText('暂无问责').waitFor();
    await card.getByRole('button', { name: `问责：${deptName}` }).click();
    const dialog = page.getByRole('dialog');
    await formItem(dialog, '责任人').locator('input').fill('赵六');
    await formItem(dialog, '问责事由').locator('textarea').fill('逾期未完成且未说明理由');
    await formItem(dialog, '问责决定').locator('textarea').fill('由分管领导约谈主要负责人');
    await dialog.getByRole('button', { name: zhButton('提交') }).click();
    await dialog.waitFor({ state: 'hidden' });
    await card.getByText('逾期未完成且未说明理由').waitFor();
    await expect(card.locator('.ant-tag', { hasText: '约谈' }).count()).resolves.toBeGreaterThan(0);
    await page.locator('.timeline-entry[data-type="accountability_recorded"]').waitFor();
    await page.screenshot({ path: `${SHOTS}/item-accountability-zh.png`, fullPage: true });
    await context.close();

    const lp = await (await contextFor(browser, h.baseUrl, leader, 'zh')).newPage();
    const dash = (await leader.get(`/api/dashboard?issuedBy=${leader.id}`)).body;
    expect(dash.totals.accountability).toBe(1);
    await lp.goto(`${h.baseUrl}/leader`);
    await lp.locator('.book-table th', { hasText: '问责' }).first().waitFor();
    await lp.context().close();
  });

  it('the clerk uploads evidence on the task page and downloads it from the list', { timeout: 180_000 }, async () => {
    const context = await contextFor(browser, h.baseUrl, staff, 'zh', 'phone');
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/items/${itemId}/tasks/${taskId}`);
    const card = page.getByTestId('attachments');
    await card.getByText('暂无附件').waitFor();
    const text = '整改报告：已完成现场整改。\n';
    await card.locator('input[type="file"]').setInputFiles({ name: '整改报告.txt', mimeType: 'text/plain', buffer: Buffer.from(text) });
    const link = card.getByRole('link', { name: '整改报告.txt' });
    await link.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe(text);
    // A file the content does not back up is refused, and the reason is shown.
    await card.locator('input[type="file"]').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from('not a png at all') });
    await page.locator('.ant-message', { hasText: '不' }).first().waitFor();
    await page.screenshot({ path: `${SHOTS}/task-attachments-phone-zh.png`, fullPage: true });
    await context.close();
  });
});
