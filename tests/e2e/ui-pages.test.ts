/**
 * Every page, every role, both languages, on the living demo (SEED_DEMO's organisation and items,
 * played through the real API and worker into a database of this file's own):
 * - department pages at 390 × 844 have no horizontal scroll, and every action button is on screen
 *   when scrolled to (none clipped off to the right);
 * - axe-core finds no serious or critical violation on any page in either language (at desktop size,
 *   and at phone size for the department's and the public's pages);
 * - screenshots of every page at desktop (1360 × 900) and phone (390 × 844) in both languages go to
 *   .data/test/screenshots/ (`<role>-<page>-<lang>-<size>.png`).
 * The standing book's tabs and the admin's pages are walked the same way by ui-leader and ui-admin,
 * with data of their own; here the leader's home, drill-down, items and hotspots, the operator's desk,
 * the citizen's appeal page, and the admin's status, AI, intake, SMS and supervision-matters pages.
 * Problems are collected over the whole walk and asserted at the end, so one bad page does not hide
 * the screenshots of the others.
 */
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../db/migrate';
import { seed } from '../../db/seed';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { DESKTOP, horizontalOverflow, launchChromium, newContext, PHONE, SCREENSHOTS, seriousViolations, settle, signIn, type Lang } from '../support/browser';
import { databaseOfItsOwn, testConfig } from '../support/services';

const databaseUrl = databaseOfItsOwn('supervision_ui_pages');
let h: ApiHarness;
let browser: Browser;
const passwords = new Map<string, string>();
const ids = { itemId: '', taskId: '' };

beforeAll(async () => {
  await runMigrations(databaseUrl);
  h = await startApiHarness({ config: testConfig({ DATABASE_URL: databaseUrl }) });
  for (const account of await seed(h.deps.database.db, { adminPassword: 'pages-admin-password', demo: true })) passwords.set(account.username, account.password);
  // A few items launched and worked through the API (the full SEED_DEMO play takes minutes on a loaded machine).
  await playSome(h);
  // The finance clerk's (张三) task with the most to show: one that has been reported on, else any.
  const [row] = await h.deps.database.db.execute<{ item_id: string; id: string }>(sql`
    select t.item_id, t.id from tasks t join departments d on d.id = t.department_id
    where d.name = '财政局' order by (t.status in ('in_progress', 'signed')) desc limit 1`);
  ids.itemId = row!.item_id;
  ids.taskId = row!.id;
  browser = await launchChromium();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function playSome(harness: ApiHarness): Promise<void> {
  const login = async (username: string) => {
    const r = await harness.request<{ token: string }>('POST', '/api/auth/login', { body: { username, password: username === 'admin' ? 'pages-admin-password' : passwords.get(username)! } });
    const auth = { authorization: `Bearer ${r.body.token}` };
    return (method: string, path: string, body?: unknown) => harness.request(method, path, { body, headers: auth });
  };
  const sup = await login('supervisor');
  const fin = await login('finance');
  const deps = new Map(((await sup('GET', '/api/departments?pageSize=100')).body.items as { id: string; name: string }[]).map((d) => [d.name, d.id]));
  const leaderId = ((await sup('GET', '/api/users?role=leader')).body?.items?.[0]?.id as string | undefined) ?? (await harness.deps.database.db.execute<{ id: string }>(sql`select id from users where username = 'leader'`))[0]!.id;
  const now = Date.now();
  const plays = [
    { title: '加快推进城区老旧小区改造工程', kind: 'meeting_resolution', lead: '财政局', assist: '住房和城乡建设局', due: 20 * 86_400_000, warn: 'P3D', public: true },
    { title: '落实秋冬季大气污染防治攻坚任务', kind: 'leadership_instruction', lead: '财政局', assist: '生态环境局', due: 86_400_000, warn: 'P2D', public: false },
    { title: '农村饮水安全巩固提升工程年内完工', kind: 'approval_document', lead: '教育局', assist: '财政局', due: 15_000, warn: 'PT10S', public: true },
  ];
  for (const p of plays) {
    const r = await sup('POST', '/api/items', {
      kind: p.kind, title: p.title, description: '请牵头单位会同协办单位按期办结，并报送办理结果。', source: '县政府常务会议纪要', issuedBy: leaderId,
      dueAt: new Date(now + p.due).toISOString(), warnBefore: p.warn, public: p.public,
      tasks: [{ departmentId: deps.get(p.lead), role: 'lead' }, { departmentId: deps.get(p.assist), role: 'assist' }],
    });
    expect(r.status).toBe(201);
    const mine = (r.body.tasks as { id: string; departmentId: string }[]).find((t) => t.departmentId === deps.get('财政局'))!;
    if (p.kind === 'meeting_resolution') {
      expect((await fin('POST', `/api/tasks/${mine.id}/sign`, {})).status).toBeLessThan(300);
      await new Promise((r) => setTimeout(r, 1500));
      await fin('POST', `/api/tasks/${mine.id}/progress`, { text: '已完成 36 个小区中 12 个的改造设计。', percent: 35 });
    }
  }
  // The hotline: one appeal waiting for dispatch, one dispatched to the finance bureau.
  const op = await login('operator');
  const appeals = [
    { text: '小区门口的路灯已经坏了一个月，夜里出行很不方便，请尽快修复。', place: '幸福路 12 号' },
    { text: '菜市场周边占道经营严重，早高峰车辆无法通行。', place: '东风路菜市场' },
  ];
  for (const [i, a] of appeals.entries()) {
    const r = await op('POST', '/api/appeals', { ...a, phone: '13800138000', citizenName: '王女士', channel: 'hotline' });
    expect(r.status).toBe(201);
    if (i === 1) expect((await op('POST', `/api/appeals/${r.body.id}/dispatch`, { departmentId: deps.get('财政局') })).status).toBeLessThan(300);
  }
  await new Promise((r) => setTimeout(r, 3000));
}

type Who = 'anonymous' | 'department' | 'operator' | 'supervisor' | 'leader' | 'auditor' | 'admin';
const USERNAME: Record<Exclude<Who, 'anonymous'>, string> = { department: 'finance', operator: 'operator', supervisor: 'supervisor', leader: 'leader', auditor: 'auditor', admin: 'admin' };

function pagesOf(who: Who): [name: string, path: string][] {
  const item = `/items/${ids.itemId}`;
  switch (who) {
    case 'anonymous':
      return [['login', '/'], ['public', '/public'], ['citizen-appeal', '/public/appeal']];
    case 'department':
      return [['home', '/'], ['my-tasks', '/tasks'], ['task', `${item}/tasks/${ids.taskId}`], ['item', item], ['inbox', '/inbox'], ['notification-settings', '/settings/notifications'], ['password', '/password']];
    case 'operator':
      return [['home', '/'], ['appeals', '/appeals']];
    case 'supervisor':
      return [['home', '/'], ['items', '/items'], ['item', item], ['launch', '/launch'], ['standing-book', '/leader']];
    case 'leader':
      return [['home', '/'], ['drill-down', 'kpi-inProgress'], ['items', '/items'], ['hotspots', '/leader/hotspots']];
    case 'auditor':
      return [['audit', '/audit'], ['item-audit', `${item}/audit`], ['audit-log', '/audit-log']];
    case 'admin':
      return [['status', '/status'], ['ai', '/admin/ai'], ['intake', '/admin/intake'], ['sms', '/admin/sms'], ['matters', '/admin/matters']];
  }
}

const problems = { overflow: [] as string[], clipped: [] as string[], axe: [] as string[], errors: [] as string[] };

async function view(page: Page, who: Who, name: string, path: string, lang: Lang, size: 'desktop' | 'phone'): Promise<void> {
  const where = `${who} ${name} ${lang} ${size}`;
  if (path.startsWith('kpi-')) {
    // The drill-down is reached as a leader reaches it: from a number on the standing book.
    await page.goto(`${h.baseUrl}/leader`);
    await page.locator(`[data-testid="${path}"]`).first().click();
    await page.waitForURL(/\/leader\/tasks/);
  } else {
    await page.goto(`${h.baseUrl}${path}`);
  }
  await settle(page, 300);
  if ((await page.locator('.ant-result-404, .ant-result-403').count()) > 0) problems.errors.push(`${where}: shows 404/403`);
  await page.screenshot({ path: `${SCREENSHOTS}/${who}-${name}-${lang}-${size}.png`, fullPage: true });
  const phoneFirst = who === 'department' || who === 'anonymous';
  // axe on every page in both languages; at phone width too where the user is on a phone.
  if (size === 'desktop' || phoneFirst) {
    for (const v of await seriousViolations(page)) problems.axe.push(`${where}: ${v.impact} ${v.id} (${v.nodes}×) ${v.help} ${v.sample}`);
  }
  if (size === 'phone' && phoneFirst) {
    const o = await horizontalOverflow(page);
    if (o.scrollWidth > o.innerWidth) problems.overflow.push(`${where}: scrollWidth ${o.scrollWidth} > ${o.innerWidth} ${o.culprits.join(' | ')}`);
    // Every action reachable: each visible button lies within the phone's width.
    const clipped = await page.evaluate(() =>
      Array.from(document.querySelectorAll('main button, .shell-content button, .shell-header button, .shell-header a'))
        .map((b) => ({ text: (b.textContent ?? b.getAttribute('aria-label') ?? '').trim().slice(0, 30), r: b.getBoundingClientRect() }))
        .filter((b) => b.r.width > 0 && (b.r.left < -1 || b.r.right > window.innerWidth + 1))
        .map((b) => `${b.text}@${Math.round(b.r.left)}..${Math.round(b.r.right)}`),
    );
    if (clipped.length) problems.clipped.push(`${where}: ${clipped.join(', ')}`);
  }
}

/** One signed-in browser per language; each page at desktop, then at phone width (the layout follows the viewport). */
async function walk(who: Who, lang: Lang): Promise<void> {
  const context = await newContext(browser, lang, DESKTOP);
  const page = who === 'anonymous' ? await context.newPage() : await signIn(context, h.baseUrl, USERNAME[who], who === 'admin' ? 'pages-admin-password' : passwords.get(USERNAME[who])!);
  page.setDefaultTimeout(30_000);
  for (const [name, path] of pagesOf(who)) {
    for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      await page.setViewportSize(viewport);
      await view(page, who, name, path, lang, size).catch((e: Error) => problems.errors.push(`${who} ${name} ${lang} ${size}: ${e.message.split('\n')[0]}`));
    }
  }
  await context.close();
}

describe('every page, every role, both languages', { retry: 1 }, () => {
  for (const who of ['anonymous', 'department', 'operator', 'supervisor', 'leader', 'auditor', 'admin'] as const) {
    it(`${who}: screenshots, axe, phone width`, { timeout: 360_000 }, async () => {
      await walk(who, 'zh');
      await walk(who, 'en');
    });
  }

  it('no page failed to open, none overflows a phone, every action is reachable, axe finds nothing serious', () => {
    console.log(JSON.stringify(problems, null, 2));
    expect(problems.errors).toEqual([]);
    expect(problems.overflow).toEqual([]);
    expect(problems.clipped).toEqual([]);
    expect(problems.axe).toEqual([]);
  });
});
