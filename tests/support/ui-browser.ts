/**
 * Browser helpers for the UI tests (Debian's Chromium through playwright-core): launching it, and
 * operating Ant Design's widgets the way a user does (open the select, pick the option by its words).
 */
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const SHOTS = '.data/test/screenshots';
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1360, height: 900 };

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
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

/** No horizontal scroll: the page is no wider than the window. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/** The antd form item (label and control) whose label reads `label`. */
export function formItem(scope: Page | Locator, label: string): Locator {
  const page = typeof (scope as Locator).page === 'function' ? (scope as Locator).page() : (scope as Page);
  return scope.locator('.ant-form-item').filter({ has: page.locator('label', { hasText: label }) }).first();
}
