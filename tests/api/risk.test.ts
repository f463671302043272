import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAiProcessors } from '../../jobs/ai/run';
import { runMigrations } from '../../db/migrate';
import { waitFor } from '../support/item-fixtures';
import { riskHistory, seedOpenTask, seedRiskHistory } from '../support/risk-history';
import { databaseOfItsOwn } from '../support/services';
import { createAccount, createDepartment, loginOver } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';
import { client } from './support/http';
import type { LoggedIn } from '../support/api-harness';
import { contextFor, gallery, horizontalOverflow, launchChromium, SCREENSHOTS, type Lang, type Size } from '../support/ui-browser';

let api: RunningApi;
let processor: Awaited<ReturnType<typeof startAiProcessors>>;
let admin: ReturnType<typeof client>;
let leader: ReturnType<typeof client>;
let supervisor: ReturnType<typeof client>;
let otherStaff: ReturnType<typeof client>;
let lateStaff: LoggedIn;
let supervisorUser: LoggedIn;
let leaderId: string;
let leaderToken: string;
const departments: Record<'late' | 'prompt' | 'other', string> = { late: '', prompt: '', other: '' };

const db = () => api.deps.database.db;

async function trained(): Promise<{ status: string; closed: number | null; red: number | null }> {
  const started = await admin.post('/api/ai/risk', {});
  expect(started.status).toBe(202);
  return waitFor(async () => {
    const model = await admin.get('/api/ai/risk');
    return model.body.latest?.version === started.body.version ? model.body.latest : undefined;
  }, 'the risk training run', 60_000);
}

// A database of this file's own: "too little history" must mean this file's history only.
const databaseUrl = databaseOfItsOwn('sv_risk');

beforeAll(async () => {
  await runMigrations(databaseUrl);
  api = await startApi({ DATABASE_URL: databaseUrl });
  processor = await startAiProcessors({ config: api.deps.config, db: db(), queues: api.deps.queues });
  for (const key of Object.keys(departments) as Array<keyof typeof departments>) departments[key] = (await createDepartment(db())).id;
  admin = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db(), 'admin'))).token);
  const leaderAccount = await createAccount(db(), 'leader');
  leaderId = leaderAccount.id;
  leaderToken = (await loginOver(api.baseUrl, leaderAccount)).token;
  leader = client(api.baseUrl, leaderToken);
  const supervisorAccount = await createAccount(db(), 'supervisor');
  const supervisorToken = (await loginOver(api.baseUrl, supervisorAccount)).token;
  supervisor = client(api.baseUrl, supervisorToken);
  supervisorUser = { id: supervisorAccount.id, role: 'supervisor', departmentId: null, token: supervisorToken } as unknown as LoggedIn;
  otherStaff = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db(), 'department', { departmentId: departments.other }))).token);
  const lateAccount = await createAccount(db(), 'department', { departmentId: departments.late });
  lateStaff = { id: lateAccount.id, role: 'department', departmentId: departments.late, token: (await loginOver(api.baseUrl, lateAccount)).token } as unknown as LoggedIn;
}, 120_000);
afterAll(async () => {
  await processor?.close();
  await api?.close();
});

let lateTask: string;
let lateItem: string;
let promptTask: string;

describe('red risk', () => {

  it('under the minimum history: no badge anywhere, and the API says why', async () => {
    const late = await seedOpenTask(db(), departments.late, leaderId, { title: '在办任务甲' });
    lateTask = late.id;
    lateItem = late.itemId;
    promptTask = (await seedOpenTask(db(), departments.prompt, leaderId, { title: '在办任务乙' })).id;
    const before = await supervisor.get(`/api/tasks/${lateTask}/risk`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ risk: null, notice: { code: 'no_model' } });

    await seedRiskHistory(db(), riskHistory({ paces: { [departments.late]: 0.7, [departments.prompt]: 1.6 }, count: 120, noise: 0.05 }), leaderId);
    const run = await trained();
    expect(run).toMatchObject({ status: 'too_little_history', closed: 120 });
    const answer = await supervisor.get(`/api/tasks/${lateTask}/risk`);
    expect(answer.body.risk).toBeNull();
    expect(answer.body.notice.code).toBe('too_little_history');
    expect(answer.body.notice.messageZh).toContain('历史不足');
    expect(answer.body.notice.messageEn).toContain('at least 200');
    const list = await leader.get('/api/tasks?metric=inProgress&sort=risk');
    expect(list.status).toBe(200);
    expect(list.body.items.every((row: { risk: unknown }) => row.risk === null)).toBe(true);
    expect(list.body.riskNotice.code).toBe('too_little_history');

    // On the department's own list: the task, and no badge once its risk has been answered.
    const browser = await launchChromium();
    try {
      const context = await contextFor(browser, api.baseUrl, lateStaff, 'zh', 'phone');
      const page = await context.newPage();
      const answered = page.waitForResponse((r) => r.url().endsWith(`/api/tasks/${lateTask}/risk`));
      await page.goto(`${api.baseUrl}/tasks`);
      await page.locator(`[data-task-id="${lateTask}"]`).filter({ hasText: '在办任务甲' }).waitFor();
      expect((await (await answered).json()).risk).toBeNull();
      await page.waitForTimeout(300);
      expect(await page.getByTestId(`risk-${lateTask}`).count()).toBe(0);
      expect(await page.locator('.risk-badge').count()).toBe(0);
      await context.close();
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('with enough closed history: a department that always goes red scores higher than one that never does, with reasons', async () => {
    await seedRiskHistory(db(), riskHistory({ paces: { [departments.late]: 0.7, [departments.prompt]: 1.6 }, count: 200, noise: 0.05, seed: 12 }), leaderId);
    const run = await trained();
    expect(run).toMatchObject({ status: 'ready', closed: 320 });
    const late = (await supervisor.get(`/api/tasks/${lateTask}/risk`)).body;
    const prompt = (await supervisor.get(`/api/tasks/${promptTask}/risk`)).body;
    expect(late.notice).toBeNull();
    expect(late.risk.percent).toBeGreaterThan(prompt.risk.percent);
    expect(late.risk.percent).toBeGreaterThan(50);
    expect(late.risk.reasons.map((r: { code: string }) => r.code)).toContain('department_record');
    expect(late.risk.reasons[0].zh).toContain('该部门同类任务');
    expect(prompt.risk.reasons.map((r: { code: string }) => r.code)).not.toContain('department_record');

    const model = await leader.get('/api/ai/risk');
    expect(model.body.serving).not.toBeNull();
    expect(model.body.ready.figures).toMatchObject({ closed: 320 });
    expect(model.body.ready.figures.auc).toBeGreaterThan(0.5);
    expect(model.body.ready.figures.brier).toBeLessThan(0.25);
  });

  it('the leader sorts the drill-down by risk: the riskiest open task first', async () => {
    const list = await leader.get('/api/tasks?metric=inProgress&sort=risk');
    expect(list.status).toBe(200);
    expect(list.body.sort).toBe('risk');
    expect(list.body.items.map((row: { taskId: string }) => row.taskId)).toEqual([lateTask, promptTask]);
    expect(list.body.items[0].risk.percent).toBeGreaterThan(list.body.items[1].risk.percent);
    expect((await leader.get('/api/tasks?metric=inProgress&sort=bogus')).status).toBe(400);
  });

  it('another department never sees the task or its risk; only admins and leaders see the model', async () => {
    expect((await otherStaff.get(`/api/tasks/${lateTask}/risk`)).status).toBe(404);
    expect((await supervisor.get('/api/ai/risk')).status).toBe(403);
    expect((await leader.post('/api/ai/risk', {})).status).toBe(403);
  });
});

describe('pinned hotspots', () => {
  it('leaders only may pin and unpin; a pinned topic stays on the page with its count, and can be unpinned', async () => {
    for (let i = 0; i < 4; i++) await seedOpenTask(db(), departments.prompt, leaderId, { title: `小区垃圾分类投放点设置不合理 ${i}`, elapsed: 0.1 });
    const page = await leader.get('/api/ai/hotspots?days=30');
    expect(page.status).toBe(200);
    expect(page.body.pinned).toEqual([]);
    const topic = page.body.topics.find((t: { count: number }) => t.count >= 4);
    expect(topic).toBeDefined();

    expect((await supervisor.post('/api/ai/hotspots/pins', { words: topic.words })).status).toBe(403);
    const pinned = await leader.post('/api/ai/hotspots/pins', { words: topic.words });
    expect(pinned.status).toBe(201);
    const watched = await leader.post('/api/ai/hotspots/pins', { words: ['不存在的话题'] });
    expect(watched.status).toBe(201);
    expect((await leader.post('/api/ai/hotspots/pins', { words: [] })).status).toBe(400);

    const after = await supervisor.get('/api/ai/hotspots?days=30');
    expect(after.body.pinned.map((p: { words: string[] }) => p.words)).toEqual([topic.words, ['不存在的话题']]);
    expect(after.body.pinned[0].count).toBeGreaterThanOrEqual(4);
    expect(after.body.pinned[0].series.reduce((a: number, b: number) => a + b, 0)).toBe(after.body.pinned[0].count);
    // Out of the top list (no text carries it): still shown, with its count.
    expect(after.body.pinned[1].count).toBe(0);

    expect((await supervisor.call('DELETE', `/api/ai/hotspots/pins/${pinned.body.id}`)).status).toBe(403);
    expect((await leader.call('DELETE', `/api/ai/hotspots/pins/${pinned.body.id}`)).status).toBe(204);
    expect((await leader.call('DELETE', `/api/ai/hotspots/pins/${pinned.body.id}`)).status).toBe(404);
    expect((await leader.get('/api/ai/hotspots?days=30')).body.pinned.map((p: { id: string }) => p.id)).toEqual([watched.body.id]);
  });
});

describe('on screen', () => {
  it('the drill-down shows risk badges and sorts by risk; the hotspots page shows the pinned topic and the model figures (zh and en, phone and desktop)', { timeout: 600_000 }, async () => {
    const browser = await launchChromium();
    try {
      // The gallery signs in with the session token only.
      const user = { id: leaderId, username: 'leader', role: 'leader', departmentId: null, token: leaderToken } as unknown as LoggedIn;
      const drill = await gallery(browser, api.baseUrl, user, 'risk-drill-down', '/leader/tasks?metric=inProgress&sort=risk', (page, lang) =>
        page.getByTestId('drill-risk').first().filter({ hasText: lang === 'zh' ? '风险' : 'Risk' }).waitFor(),
      );
      const hot = await gallery(browser, api.baseUrl, user, 'hotspots-pinned', '/leader/hotspots', (page, lang) =>
        page.getByTestId('pinned-topic').filter({ hasText: lang === 'zh' ? '已置顶' : 'Pinned' }).first().waitFor(),
      );
      expect({ ...drill, ...hot }).toEqual({});
    } finally {
      await browser.close();
    }
  });

  it('a department sees the badge on its own tasks and on the task page, a supervisor on the item page; a tap shows the reasons, at phone width too', { timeout: 600_000 }, async () => {
    const { percent } = (await supervisor.get(`/api/tasks/${lateTask}/risk`)).body.risk;
    const browser = await launchChromium();
    const texts = { zh: { badge: `风险 ${percent}%`, reason: '该部门同类任务', title: '早期预警' }, en: { badge: `Risk ${percent}%`, reason: "of this department's tasks of this kind went red", title: 'Early warning' } };
    try {
      for (const lang of ['zh', 'en'] as Lang[]) {
        for (const size of ['desktop', 'phone'] as Size[]) {
          const context = await contextFor(browser, api.baseUrl, lateStaff, lang, size);
          const page = await context.newPage();
          await page.goto(`${api.baseUrl}/tasks`);
          const badge = page.getByTestId(`risk-${lateTask}`);
          await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toBe(texts[lang].badge);
          // The prompt department's task is not this department's: not listed, no badge.
          expect(await page.getByTestId(`risk-${promptTask}`).count()).toBe(0);
          await badge.click();
          const reasons = page.getByTestId('risk-reasons');
          await reasons.waitFor();
          expect(await reasons.textContent()).toContain(texts[lang].reason);
          expect(await page.locator('.ant-popover:visible').textContent()).toContain(texts[lang].title);
          // The tap opened the reasons, not the task behind the card.
          expect(new URL(page.url()).pathname).toBe('/tasks');
          expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
          await page.waitForTimeout(400);
          await page.screenshot({ path: `${SCREENSHOTS}/risk-my-tasks-${lang}-${size}.png`, fullPage: size === 'desktop' });

          await page.goto(`${api.baseUrl}/items/${lateItem}/tasks/${lateTask}`);
          await expect.poll(() => page.getByTestId(`risk-${lateTask}`).textContent(), { timeout: 60_000 }).toBe(texts[lang].badge);
          expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
          await context.close();
        }
      }
      const context = await contextFor(browser, api.baseUrl, supervisorUser, 'zh', 'desktop');
      const page = await context.newPage();
      await page.goto(`${api.baseUrl}/items/${lateItem}`);
      await expect.poll(() => page.getByTestId(`risk-${lateTask}`).textContent(), { timeout: 60_000 }).toBe(texts.zh.badge);
      await page.getByTestId(`risk-${lateTask}`).click();
      expect(await page.getByTestId('risk-reasons').textContent()).toContain(texts.zh.reason);
      await page.screenshot({ path: `${SCREENSHOTS}/risk-item-page-zh-desktop.png`, fullPage: true });
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
