/**
 * What the browser tests share: Debian's Chromium through playwright-core, signing in through the
 * real sign-in form, waiting until a page has settled, axe-core, and the phone's horizontal-scroll check.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const SCREENSHOTS = '.data/test/screenshots';
export const TZ = 'Asia/Shanghai';
export const DESKTOP = { width: 1360, height: 900 };
export const PHONE = { width: 390, height: 844 };
export type Lang = 'zh' | 'en';

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** A fresh context in the user's language (the UI follows navigator.language until switched). */
export function newContext(browser: Browser, lang: Lang, viewport = DESKTOP): Promise<BrowserContext> {
  return browser.newContext({
    locale: lang === 'zh' ? 'zh-CN' : 'en-US',
    timezoneId: TZ,
    viewport,
    acceptDownloads: true,
    ...(viewport.width < 600 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 1 } : {}),
  });
}

/** Signs in through the form (language-independent selectors) and waits for the shell. */
export async function signIn(context: BrowserContext, baseUrl: string, username: string, password: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(baseUrl);
  await page.locator('input[autocomplete="username"]').fill(username);
  await page.locator('input[autocomplete="current-password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.locator('.shell').waitFor();
  return page;
}

/** Until no skeleton or spinner is showing (an open event stream keeps the network busy forever). */
export async function settle(page: Page, extraMs = 400): Promise<void> {
  await page.waitForLoadState('domcontentloaded');
  await page.waitForFunction(() => !document.querySelector('.ant-skeleton, .ant-spin-spinning, .full-page-spin'), null, { timeout: 30_000 }).catch(() => {});
  await page.waitForTimeout(extraMs);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
  sample: string;
}

// Evaluated, not added as a script tag: the app's CSP (rightly) refuses inline scripts.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it stands. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, sample: JSON.stringify(v.nodes.slice(0, 2).map((n) => n.target)) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Widths that overflow a phone: the page's scroll width and the widest offending elements. */
export async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; culprits: string[] }> {
  // Against the size the test set: a phone widens its layout viewport (window.innerWidth) to fit content too wide.
  const set = page.viewportSize()?.width ?? 0;
  return page.evaluate((innerWidth) => {
    const culprits: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.right > innerWidth + 1 && r.width > 0 && culprits.length < 5) culprits.push(`${el.tagName.toLowerCase()}.${String((el as HTMLElement).className).slice(0, 60)} right=${Math.round(r.right)}`);
    }
    return { scrollWidth: Math.max(document.documentElement.scrollWidth, window.innerWidth), innerWidth, culprits };
  }, set);
}
