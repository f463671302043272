/**
 * The UI in Debian's Chromium against the API serving the built, precompressed assets, on a loaded
 * database (100,000 items, 400,000 tasks, 300 departments, in supervision_bench_ui), each figure next
 * to a baseline measured in the same run:
 * 1. JS on the wire for the first page (the login page, then the home page after signing in),
 *    compressed, from CDP's Network.loadingFinished.encodedDataLength; baseline: the same scripts'
 *    decoded size (what an uncompressed server would send). Goal ≤ 350 KB.
 * 2. Time to the standing book from a cold browser cache (new context each run) until its KPI cards
 *    and department table show; baselines: GET /api/dashboard alone, and a cold load of the bare
 *    status page.
 * 3. The light's delay from read model to screen: a task row's light is changed in Postgres and the
 *    open item page is watched until its card shows the new light; baseline: the same change's
 *    arrival on a plain GET /api/events stream (SSE delivery). Goal p95 < 2 s.
 *
 *   npm run build:ui && npx tsx bench/ui.ts [runs]     (ports 17810–17812; --fresh regenerates)
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { hash } from 'argon2';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { buildApp } from '../api/app';
import { createApiDeps } from '../api/deps';
import { hashSessionToken, newSessionToken } from '../api/services/auth/session-tokens';
import { loadConfig } from '../config/env';
import { connectDatabase, type DatabaseHandle } from '../db/client';
import { runMigrations } from '../db/migrate';
import { insertSession } from '../db/queries/sessions';
import { resolvePostgres } from '../scripts/postgres';
import { generateStandingBook, ITEMS, TASKS_PER_ITEM } from './standing-book-data';

const DB = 'supervision_bench_ui';
const runs = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 7);
const fresh = process.argv.includes('--fresh');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)] ?? NaN;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n: number) => `${Math.round(n)} ms`;


/** A leader-capable user (a supervisor sees the standing book and every item) and a session cookie of it. */
async function session(handle: DatabaseHandle): Promise<{ token: string; username: string; password: string }> {
  const username = `bench-ui-${randomUUID().slice(0, 6)}`;
  const password = 'bench-ui-password-1';
  const [user] = (await handle.sql`insert into users (username, display_name, role, password_hash) values (${username}, '基准督查员', 'supervisor', ${await hash(password)}) returning id`) as unknown as [{ id: string }];
  const token = newSessionToken();
  await insertSession(handle.db, { tokenHash: hashSessionToken(token), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000), ip: null, userAgent: 'bench ui' });
  return { token, username, password };
}

/** Compressed and decoded bytes of the scripts one navigation loads (CDP, fresh context = cold cache). */
async function scriptBytes(context: BrowserContext, go: (page: import('playwright-core').Page) => Promise<void>): Promise<{ wire: number; decoded: number; files: number }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const scripts = new Set<string>();
  const decoded = new Map<string, number>();
  let wire = 0;
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Script') scripts.add(e.requestId);
  });
  cdp.on('Network.dataReceived', (e) => decoded.set(e.requestId, (decoded.get(e.requestId) ?? 0) + e.dataLength));
  cdp.on('Network.loadingFinished', (e) => {
    if (scripts.has(e.requestId)) wire += e.encodedDataLength;
  });
  await go(page);
  await page.waitForTimeout(500);
  await page.close();
  return { wire, decoded: [...scripts].reduce((s, id) => s + (decoded.get(id) ?? 0), 0), files: scripts.size };
}

async function main() {
  const source = await resolvePostgres({ databaseName: DB, log: () => {} });
  const url = new URL(source.url);
  url.pathname = `/${DB}`;
  await runMigrations(url.toString());
  const handle = connectDatabase(url.toString(), { max: 4 });
  const [{ n }] = (await handle.sql`select count(*)::int as n from tasks`) as unknown as [{ n: number }];
  if (fresh || n !== ITEMS * TASKS_PER_ITEM) await generateStandingBook(handle.sql, { lightSchedules: false });
  else console.log(`reusing ${n} tasks in ${DB} (--fresh to regenerate)`);
  await handle.sql.unsafe('vacuum analyze items, tasks, standing_book_months, standing_book_month_deltas, departments');

  const config = loadConfig({
    DATABASE_URL: url.toString(),
    TEMPORAL_ADDRESS: '127.0.0.1:17812', // nothing listens: the pages measured read only the read model
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: 'bench-ui',
    SESSION_SECRET: 'bench-ui-session-secret-0123456789abcdef',
    LOG_LEVEL: 'silent',
    PORT: '17810',
    HOST: '127.0.0.1',
  });
  const deps = await createApiDeps(config);
  const app = await buildApp(deps, { logger: false });
  await app.listen({ port: 17810, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const who = await session(handle);
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const cold = async () => {
    const c = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport: { width: 1360, height: 900 } });
    await c.addCookies([{ name: 'sv_session', value: who.token, url: base }]);
    return c;
  };
  const anonymous = () => browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } });

  try {
    // ---- 1. JS on the wire for the first page ----
    const login: { wire: number; decoded: number; files: number }[] = [];
    const home: { wire: number; decoded: number; files: number }[] = [];
    for (let i = 0; i < 3; i++) {
      const a = await anonymous();
      login.push(await scriptBytes(a, async (p) => {
        await p.goto(base);
        await p.locator('input[autocomplete="username"]').waitFor();
      }));
      await a.close();
      const c = await cold();
      home.push(await scriptBytes(c, async (p) => {
        await p.goto(base);
        await p.locator('.shell .page-title').first().waitFor({ timeout: 60_000 });
      }));
      await c.close();
    }

    // ---- 2. the standing book from a cold cache ----
    const book: number[] = [];
    const api: number[] = [];
    const bare: number[] = [];
    const cookie = `sv_session=${who.token}`;
    for (let i = 0; i < runs; i++) {
      let t0 = performance.now();
      const r = await fetch(`${base}/api/dashboard`, { headers: { cookie } });
      await r.arrayBuffer();
      api.push(performance.now() - t0);
      let c = await cold();
      let p = await c.newPage();
      t0 = performance.now();
      await p.goto(`${base}/status`);
      await p.locator('.shell .page-title').first().waitFor({ timeout: 60_000 });
      bare.push(performance.now() - t0);
      await c.close();
      c = await cold();
      p = await c.newPage();
      t0 = performance.now();
      await p.goto(`${base}/leader`);
      await p.locator('[data-testid="kpi-red"]').first().waitFor({ timeout: 120_000 }).catch(async (error: unknown) => {
        await p.screenshot({ path: '.data/bench-ui-standing-book.png' });
        throw error;
      });
      await p.locator('[data-testid^="cell-"]').first().waitFor({ timeout: 120_000 });
      book.push(performance.now() - t0);
      await c.close();
    }

    // ---- 3. the light: read model → screen, against read model → SSE ----
    const [task] = (await handle.sql`select id, item_id, light from tasks where status = 'in_progress' and light = 'green' and red_at is null and yellow_at is null limit 1`) as unknown as [{ id: string; item_id: string; light: string }];
    const c = await cold();
    const page = await c.newPage();
    await page.goto(`${base}/items/${task.item_id}`);
    const badge = page.locator(`[data-task-id="${task.id}"] [data-testid="task-light"]`).first();
    await badge.waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => document.querySelector('.shell')?.getAttribute('data-live') === 'open', null, { timeout: 30_000 }).catch(() => {});
    await page.evaluate((id) => {
      const w = window as unknown as { __seen: { light: string; at: number }[] };
      w.__seen = [];
      const sel = `[data-task-id="${id}"] [data-testid="task-light"]`;
      let last = document.querySelector(sel)?.getAttribute('data-light');
      new MutationObserver(() => {
        const l = document.querySelector(sel)?.getAttribute('data-light');
        if (l && l !== last) {
          last = l;
          w.__seen.push({ light: l, at: performance.timeOrigin + performance.now() });
        }
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-light'] });
    }, task.id);
    // The baseline stream: the same events as the page's, read by a bare client.
    const sse = await fetch(`${base}/api/events`, { headers: { cookie, accept: 'text/event-stream' } });
    const sseSeen: { light: string; at: number }[] = [];
    void (async () => {
      const reader = sse.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const at = Date.now();
        for (const m of decoder.decode(value).matchAll(/"taskId":"([^"]+)".*?"light":"(\w+)"/g)) if (m[1] === task.id) sseSeen.push({ light: m[2]!, at });
      }
    })();
    await new Promise((r) => setTimeout(r, 1000));
    const screen: number[] = [];
    const stream: number[] = [];
    const changes = Math.max(runs * 3, 20);
    for (let i = 0; i < changes; i++) {
      const next = i % 2 === 0 ? 'red' : 'green';
      const before = await page.evaluate(() => (window as unknown as { __seen: unknown[] }).__seen.length);
      const sseBefore = sseSeen.length;
      const t0 = Date.now();
      await handle.sql`update tasks set light = ${next}, version = version + 1 where id = ${task.id}`;
      await page.waitForFunction((n) => (window as unknown as { __seen: unknown[] }).__seen.length > n, before, { timeout: 30_000 });
      const seen = await page.evaluate(() => (window as unknown as { __seen: { light: string; at: number }[] }).__seen);
      screen.push(seen[seen.length - 1]!.at - t0);
      for (let k = 0; k < 50 && sseSeen.length <= sseBefore; k++) await new Promise((r) => setTimeout(r, 20));
      if (sseSeen.length > sseBefore) stream.push(sseSeen[sseSeen.length - 1]!.at - t0);
      await new Promise((r) => setTimeout(r, 300));
    }
    await c.close();
    await sse.body?.cancel().catch(() => {});

    const w = (xs: { wire: number }[]) => median(xs.map((x) => x.wire));
    const d = (xs: { decoded: number }[]) => median(xs.map((x) => x.decoded));
    const f = (xs: { files: number }[]) => median(xs.map((x) => x.files));
    console.log(`\nUI bench, ${new Date().toISOString()}, ${runs} runs (medians unless said)`);
    console.log('| figure | measured | baseline (same run) | goal |');
    console.log('| --- | ---: | ---: | --- |');
    console.log(`| JS on the wire, login page (${f(login)} scripts) | ${kb(w(login))} | ${kb(d(login))} decoded | ≤ 350 KB ${w(login) <= 350 * 1024 ? '✔' : '✘'} |`);
    console.log(`| JS on the wire, home page after sign-in (${f(home)} scripts) | ${kb(w(home))} | ${kb(d(home))} decoded | ≤ 350 KB ${w(home) <= 350 * 1024 ? '✔' : '✘'} |`);
    console.log(`| standing book, cold cache, to KPIs and table | ${ms(median(book))} | GET /api/dashboard ${ms(median(api))}; bare status page cold ${ms(median(bare))} | |`);
    console.log(`| light change, read model → screen, p95 (p50) of ${screen.length} | ${ms(p95(screen))} (${ms(median(screen))}) | → SSE client p95 ${ms(p95(stream))} (p50 ${ms(median(stream))}) of ${stream.length} | < 2 s ${p95(screen) < 2000 ? '✔' : '✘'} |`);
    console.log(JSON.stringify({ login, home, book, api, bare, screen, stream }));
  } finally {
    await browser.close();
    await app.close();
    await deps.close();
    await handle.close();
  }
}

await main();
