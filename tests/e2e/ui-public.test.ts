/**
 * The public disclosure page in Chromium, without signing in: it lists the item marked public
 * (title, departments, status, light, due date) and not the private one, in both languages, with
 * no serious accessibility violation; nothing of the platform's internals is linked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { DAY, fromNow, launchBody, waitFor } from '../support/item-fixtures';
import { contextFor, gallery, horizontalOverflow, launchChromium } from '../support/ui-browser';

describe('public disclosure page in Chromium', { retry: 1 }, () => {
  let h: ApiHarness;
  let browser: Browser;
  let supervisor: LoggedIn;
  let publicTitle: string;
  let privateTitle: string;
  let departmentName: string;

  beforeAll(async () => {
    h = await startApiHarness();
    const dept = await h.createDepartment('公开测试局');
    departmentName = dept.name;
    supervisor = await h.createUser('supervisor');
    const leader = await h.createUser('leader');
    const suffix = Math.random().toString(36).slice(2, 7);
    publicTitle = `关于公开督办道路修缮的事项 ${suffix}`;
    privateTitle = `内部事项不得公开 ${suffix}`;
    for (const [title, isPublic] of [
      [publicTitle, true],
      [privateTitle, false],
    ] as const) {
      const res = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept.id, role: 'lead' }], { title, public: isPublic, dueAt: fromNow(20 * DAY) }));
      expect(res.status).toBe(201);
    }
    await waitFor(async () => {
      const page = await h.request<{ items: { title: string }[] }>('GET', '/public/items?pageSize=200');
      return page.body.items.some((i) => i.title === publicTitle);
    }, 'the public item in the read model');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('lists the public item and not the private one, in both languages and at both sizes', { timeout: 180_000 }, async () => {
    const context = await contextFor(browser, h.baseUrl, null, 'zh');
    const page = await context.newPage();
    await page.goto(`${h.baseUrl}/public`);
    await page.getByRole('heading', { name: '督办事项公开' }).waitFor();
    const item = page.locator('[data-testid="public-item"]', { hasText: publicTitle });
    await item.waitFor();
    expect(await item.textContent()).toContain(departmentName);
    expect(await item.textContent()).toContain('绿灯');
    expect(await page.getByText(privateTitle).count()).toBe(0);
    // Nothing of the platform's internals for anonymous visitors.
    expect(await page.locator('a[href^="/docs"], a[href^="/api"], a[href^="/admin"]').count()).toBe(0);
    await context.close();

    const violations = await gallery(browser, h.baseUrl, null, 'public', '/public', async (p, lang) => {
      await p.getByRole('heading', { name: lang === 'zh' ? '督办事项公开' : 'Public supervision items' }).waitFor();
      await p.locator('[data-testid="public-item"]').first().waitFor();
      if (p.viewportSize()!.width < 500) expect(await horizontalOverflow(p)).toBeLessThanOrEqual(0);
    });
    expect(violations).toEqual({});
  });
});
