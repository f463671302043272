/**
 * The built UI, served by the API, in a real Chromium: it renders in the browser's language,
 * shows each platform part's health, and the language toggle switches it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { createApiDeps, type ApiDeps } from '../../api/deps';
import { uiDist } from '../../api/plugins/ui';
import { testConfig } from '../support/services';

describe('UI shell in Chromium', () => {
  let browser: Browser;
  let deps: ApiDeps;
  let close: () => Promise<void>;
  let baseUrl: string;

  beforeAll(async () => {
    deps = await createApiDeps(testConfig());
    const app = await buildApp(deps, { logger: false });
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
    await deps?.close();
  });

  it('shows the platform in Chinese with every part healthy, and switches to English', async () => {
    expect(existsSync(uiDist)).toBe(true);
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(baseUrl);
    await expect.poll(() => page.locator('h1').textContent()).toBe('督查督办');
    const parts = page.locator('li[data-part]');
    await expect.poll(() => parts.count()).toBe(3);
    expect(await page.locator('li[data-part="temporal"]').textContent()).toBe('流程引擎 (Temporal): 正常');
    expect(await page.locator('li.ok').count()).toBe(3);

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.locator('h1').textContent()).toBe('Supervision');
    expect(await page.locator('li[data-part="database"]').textContent()).toBe('Database (Postgres): OK');
    await page.screenshot({ path: '.data/test/ui-shell.png' });
    await context.close();
  });
});
