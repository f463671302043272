/**
 * Supervision matters (监管事项清单) in Chromium: the admin imports a spreadsheet with a bad row (the
 * row and field are named, nothing is kept), then a good one; the list filters by department; the
 * leader reads the standing book by matter. Both pages photographed in both languages at both sizes.
 */
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { uniqueName } from '../support/services';
import { contextFor, gallery, horizontalOverflow, launchChromium } from '../support/ui-browser';

async function xlsxOf(rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('清单');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('supervision matters in Chromium', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let admin: LoggedIn;
  let leader: LoggedIn;
  let dept: { id: string; name: string };
  const code = uniqueName('SJ').replace(/[^\w-]/g, '');

  beforeAll(async () => {
    h = await startApiHarness();
    admin = await h.createUser('admin');
    leader = await h.createUser('leader');
    dept = await h.createDepartment('市场监管局');
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('imports a catalogue, naming the bad row and field first', { timeout: 180_000 }, async () => {
    const header = ['事项编码', '事项名称', '责任单位', '层级', '监管对象', '设定依据'];
    const good = [code, '食品生产企业监督检查', dept.name, '市级', '食品生产企业', '《食品安全法》'];
    const context = await contextFor(browser, h.baseUrl, admin, 'zh', 'phone');
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/admin/matters`);
    const input = page.locator('input[type="file"]');
    await input.setInputFiles({ name: 'bad.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await xlsxOf([header, good, [`${code}-2`, '名称', dept.name, '星级']]) });
    await page.getByRole('alert').filter({ hasText: '第 3 行' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: '第 3 行' }).innerText()).toContain('层级');
    expect((await admin.get(`/api/matters?q=${code}`)).body.total).toBe(0);

    await input.setInputFiles({ name: 'good.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await xlsxOf([header, good]) });
    await page.getByText('新增 1 项').waitFor();
    await page.locator('.ant-table-row', { hasText: code }).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await context.close();
  });

  it('photographs the admin page in both languages at both sizes, with no serious axe finding', { timeout: 300_000 }, async () => {
    const adminShots = await gallery(browser, h.baseUrl, admin, 'admin-matters', '/admin/matters', (p) => p.locator('.ant-table-row').first().waitFor());
    expect(adminShots).toEqual({});
  });

  it('shows the leader the standing book by matter', { timeout: 300_000 }, async () => {
    const bookShots = await gallery(browser, h.baseUrl, leader, 'leader-book-matters', '/leader', (p) => p.locator('.ant-table-row', { hasText: code }).waitFor());
    expect(Object.keys(bookShots)).toEqual([]);
  });
});
