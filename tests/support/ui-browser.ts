/**
 * What the role pages' browser tests share: Debian's Chromium, a context signed in as a harness
 * user (its session cookie) in a language and a size, axe-core's serious and critical violations,
 * the screenshot gallery (`.data/test/screenshots/<page>-<lang>-<size>.png`), and operating Ant Design's
 * widgets the way a user does (open the select, pick the option by its words).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { LoggedIn } from './api-harness';

export const SCREENSHOTS = '.data/test/screenshots';
export const SIZES = { desktop: { width: 1360, height: 900 }, phone: { width: 390, height: 844 } } as const;
export type Size = keyof typeof SIZES;
export type Lang = 'zh' | 'en';
export const SHOTS = SCREENSHOTS;
export const PHONE: { width: number; height: number } = SIZES.phone;
export const DESKTOP: { width: number; height: number } = SIZES.desktop;
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A browser context in `lang` at `size`, signed in as `user` (null: anonymous). */
export async function contextFor(browser: Browser, baseUrl: string, user: LoggedIn | null, lang: Lang, size: Size = 'desktop'): Promise<BrowserContext> {
  const context = await browser.newContext({
    locale: lang === 'zh' ? 'zh-CN' : 'en-GB',
    timezoneId: 'Asia/Shanghai',
    viewport: SIZES[size],
    acceptDownloads: true,
    isMobile: size === 'phone',
    hasTouch: size === 'phone',
  });
  // The machine running the suite is shared: a page may take a while to answer under load.
  context.setDefaultTimeout(60_000);
  await context.addInitScript((l) => localStorage.setItem('lang', l), lang);
  if (user) await context.addCookies([{ name: 'sv_session', value: user.token, url: baseUrl }]);
  return context;
}

/** axe-core's serious and critical violations on the page as it is now, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a script tag: the app's CSP (rightly) refuses inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.targets.join(' | ')}`);
}

/** Horizontal overflow of the page (the phone layout must have none). */
export function horizontalOverflow(page: Page): Promise<number> {
  // Against the size the test set, not window.innerWidth: a phone widens its layout viewport to fit
  // content that is too wide (and shrinks it all), so innerWidth grows with the overflow it should show.
  const width = page.viewportSize()?.width ?? 0;
  return page.evaluate((set) => Math.max(document.documentElement.scrollWidth, window.innerWidth) - set, width);
}

/**
 * The page at `path` in both languages at both sizes: waits for `ready`, checks axe (serious and
 * critical violations are returned, keyed by language and size) and writes the screenshots.
 */
export async function gallery(
  browser: Browser,
  baseUrl: string,
  user: LoggedIn | null,
  name: string,
  path: string,
  ready: (page: Page, lang: Lang) => Promise<unknown>,
): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  for (const lang of ['zh', 'en'] as const) {
    for (const size of ['desktop', 'phone'] as const) {
      const context = await contextFor(browser, baseUrl, user, lang, size);
      try {
        const page = await context.newPage();
        await page.goto(`${baseUrl}${path}`);
        await ready(page, lang);
        // Let spinners, charts and fonts settle before the picture. Not 'networkidle': the live-update
        // stream (/api/events) keeps one request open for good, so that wait always ran to its bound.
        await page
          .waitForFunction(() => !document.querySelector('.ant-skeleton, .ant-spin-spinning, .full-page-spin, [aria-busy="true"]'), null, { timeout: 10_000 })
          .catch(() => {});
        await page.evaluate(() => document.fonts.ready).catch(() => {});
        await page.waitForTimeout(600);
        await page.screenshot({ path: `${SCREENSHOTS}/${name}-${lang}-${size}.png`, fullPage: size === 'desktop' });
        const violations = await seriousViolations(page);
        if (violations.length) found[`${lang}-${size}`] = violations;
      } finally {
        await context.close();
      }
    }
  }
  return found;
}

/** Picks an option of an antd Select (or TreeSelect) opened from `field`, typing to filter first. */
export async function pick(page: Page, field: Locator, option: string, { search = true }: { search?: boolean } = {}) {
  await field.click();
  if (search) await field.pressSequentially(option.slice(0, 12));
  const dropdown = page.locator('.ant-select-dropdown:visible, .ant-tree-select-dropdown:visible').last();
  await dropdown.locator('.ant-select-item-option, .ant-select-tree-treenode', { hasText: option }).first().click();
}

/** Types a date-time into an antd DatePicker (format YYYY-MM-DD HH:mm) and confirms it. */
export async function typeDate(field: Locator, value: string) {
  await field.click();
  await field.fill(value);
  await field.press('Enter');
}

/** `YYYY-MM-DD HH:mm` as a user in UTC+8 would type the instant. */
export function shanghaiText(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The antd form item (label and control) whose label reads `label`. */
export function formItem(scope: Page | Locator, label: string): Locator {
  const page = typeof (scope as Locator).page === 'function' ? (scope as Locator).page() : (scope as Page);
  return scope.locator('.ant-form-item').filter({ has: page.locator('label', { hasText: label }) }).first();
}

/**
 * Picks `text` in the dialog's select. The options come from a search as one types: under load the
 * list can re-render under the click, so the choice is checked on the select and tried again.
 */
export async function chooseInDialog(page: Page, label: string, text: string) {
  const input = page.getByRole('dialog').getByLabel(label, { exact: true });
  const chosen = page.getByRole('dialog').locator('.ant-select-content, .ant-select-selection-item', { hasText: text }).first();
  for (let attempt = 1; ; attempt += 1) {
    await input.click();
    await input.fill(text);
    await page.locator('.ant-select-item-option', { hasText: text }).first().click();
    try {
      await chosen.waitFor({ timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Waits for the dialog to close after a save; if it stays, fails with what the form says. */
export async function dialogSaved(page: Page) {
  try {
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  } catch {
    const said = await page.locator('.ant-form-item-explain-error, .ant-message-notice, .ant-alert').allTextContents();
    throw new Error(`the dialog stayed open: ${said.join(' | ') || '(nothing said)'}`);
  }
}

/**
 * The Chinese "Save" button by its accessible name: antd spaces a two-character label ("保 存"), and a
 * button that was loading can keep its loading icon (aria-label "loading") in the DOM while the icon's
 * leave animation waits for a transition end that a loaded machine may never deliver: "loading 保 存".
 */
export const SAVE_ZH = /(^|\s)保\s?存$/;
