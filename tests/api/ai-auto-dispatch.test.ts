/**
 * Auto-dispatch acting (issue 18) against the real Temporal, Postgres and Redis: an appeal registered
 * while the `appeal` switch is on and the served model is confident enough is dispatched at once by the
 * auto-dispatch system user, its suggestion recorded with the model version and the department chosen;
 * switched off, below the threshold or without a model, it waits for a dispatcher and nothing fails.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../db/migrate';
import { aiModels, aiSuggestions } from '../../db/schema/ai';
import { auditLog } from '../../db/schema/audit';
import { AUTO_DISPATCH_USER } from '../../domain/auto-dispatch';
import { startAiProcessors } from '../../jobs/ai/run';
import { madeUpHistory, TOPICS } from '../support/ai-history';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { waitFor } from '../support/item-fixtures';
import { databaseOfItsOwn, testConfig } from '../support/services';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let h: ApiHarness;
let processor: Awaited<ReturnType<typeof startAiProcessors>>;
let admin: LoggedIn;
let operator: LoggedIn;
let supervisor: LoggedIn;
const departmentOf: Record<string, string> = {};
const db = () => h.deps.database.db;

// A database of this file's own: "no model" must mean none, whatever other tests trained.
const databaseUrl = databaseOfItsOwn('sv_autodispatch');

const SCHOOL_APPEAL = { title: '校车问题', text: '学校的校车每天超载，学生上学不安全', phone: '13812345678', channel: 'hotline' };

beforeAll(async () => {
  await runMigrations(databaseUrl);
  h = await startApiHarness({ config: testConfig({ DATABASE_URL: databaseUrl }) });
  processor = await startAiProcessors({ config: h.config, db: db(), queues: h.deps.queues });
  for (const topic of Object.keys(TOPICS)) departmentOf[topic] = (await h.createDepartment(topic)).id;
  [admin, operator, supervisor] = await Promise.all([h.createUser('admin'), h.createUser('operator'), h.createUser('supervisor')]);
});
afterAll(async () => {
  await processor?.close();
  await h?.close();
});

async function register(body: Record<string, unknown> = SCHOOL_APPEAL): Promise<Json> {
  const res = await operator.post('/api/appeals', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function switchAppeals(enabled: boolean) {
  expect((await admin.request('PUT', '/api/ai/auto-dispatch/appeal', { enabled })).status).toBe(200);
}

async function train(): Promise<{ version: number; threshold: number | null }> {
  const rows = madeUpHistory(30).map((row) => ({ title: row.title, text: row.text, department: departmentOf[row.topic] }));
  expect((await admin.post('/api/ai/history', { format: 'jsonl', content: rows.map((r) => JSON.stringify(r)).join('\n') })).status).toBe(201);
  const started = await admin.post('/api/ai/models', {});
  expect(started.status).toBe(202);
  return waitFor(async () => {
    const run = await admin.get(`/api/ai/models/${started.body.version}`);
    return run.body.status === 'training' ? undefined : run.body;
  }, 'the training run');
}

const appealOf = async (id: string): Promise<Json> => (await supervisor.get(`/api/appeals/${id}`)).body;

describe('auto-dispatch of a registered appeal', () => {
  it('without a model, switched on: registered, not dispatched, and no error', async () => {
    await switchAppeals(true);
    const registered = await register();
    expect(registered).toMatchObject({ status: 'registered', autoDispatched: null });
    expect((await appealOf(registered.id)).status).toBe('registered');
  });

  it('switched on and confident: dispatched by the system user, the suggestion recorded with its model version and the department chosen', async () => {
    const run = await train();
    expect(run.threshold).not.toBeNull();
    const registered = await register();
    expect(registered).toMatchObject({ status: 'dispatched', autoDispatched: { departmentId: departmentOf.schools, modelVersion: run.version } });
    expect(registered.autoDispatched.confidence).toBeGreaterThanOrEqual(run.threshold!);

    const appeal = await appealOf(registered.id);
    expect(appeal).toMatchObject({ status: 'dispatched', departmentId: departmentOf.schools });
    const [recorded] = await db().select().from(aiSuggestions).where(eq(aiSuggestions.itemId, registered.id));
    expect(recorded).toMatchObject({
      requestedBy: AUTO_DISPATCH_USER.id,
      modelVersion: run.version,
      topDepartmentId: departmentOf.schools,
      chosenDepartmentId: departmentOf.schools,
    });
    // The accuracy month by month counts it.
    expect((await supervisor.get('/api/ai/accuracy')).body.months.at(-1)).toMatchObject({ decided: 1, top1: 1 });
    // The item's timeline names the system user and the confidence; the audit log has the row.
    const item = await waitFor(async () => {
      const found = await supervisor.get(`/api/items/${registered.id}`);
      return found.status === 200 && found.body.timeline.length > 0 ? found.body : undefined;
    }, 'the auto-dispatched item');
    expect(item.issuedBy).toBe(AUTO_DISPATCH_USER.id);
    const launched = item.timeline.find((e: Json) => e.actor.userId === AUTO_DISPATCH_USER.id);
    expect(launched.actor).toMatchObject({ role: 'system', name: expect.stringContaining('智能分派') });
    expect(launched.actor.name).toContain(`${Math.round(registered.autoDispatched.confidence * 100)}%`);
    const audited = await db().select().from(auditLog).where(and(eq(auditLog.targetId, registered.id), eq(auditLog.actorId, AUTO_DISPATCH_USER.id)));
    expect(audited).toHaveLength(1);
  });

  it('switched off: the appeal waits for a dispatcher', async () => {
    await switchAppeals(false);
    const registered = await register();
    expect(registered).toMatchObject({ status: 'registered', autoDispatched: null });
    expect((await appealOf(registered.id)).status).toBe('registered');
    await switchAppeals(true);
  });

  it('below the threshold: the appeal waits for a dispatcher', async () => {
    // Only words every department shares: no department is sure enough.
    const registered = await register({ ...SCHOOL_APPEAL, title: undefined, text: '小区居民每天多次投诉，影响严重' });
    expect(registered).toMatchObject({ status: 'registered', autoDispatched: null });
    const [recorded] = await db().select().from(aiSuggestions).where(eq(aiSuggestions.itemId, registered.id));
    expect(recorded).toBeUndefined();
  });

  it('a model that cannot promise the precision (no threshold) never dispatches', async () => {
    try {
      // The served model is loaded once per version: a new version is stripped of its threshold before it is first served.
      const run = await train();
      await db().update(aiModels).set({ threshold: null }).where(eq(aiModels.version, run.version));
      const registered = await register();
      expect(registered).toMatchObject({ status: 'registered', autoDispatched: null });
    } finally {
      await train();
    }
  });

  it('the system user never signs in and is no admin’s to see', async () => {
    const login = await h.request('POST', '/api/auth/login', { body: { username: AUTO_DISPATCH_USER.username, password: '!' } });
    expect(login.status).toBe(401);
    const listed = await admin.get(`/api/users?q=${AUTO_DISPATCH_USER.username}`);
    expect(listed.body.items.map((u: Json) => u.id)).not.toContain(AUTO_DISPATCH_USER.id);
    expect((await admin.request('PATCH', `/api/users/${AUTO_DISPATCH_USER.id}`, { disabled: false })).status).toBe(404);
  });
});

describe('hotspot endorsements', () => {
  const DAY_MS = 86_400_000;
  const yesterday = new Date(Date.now() - DAY_MS).toISOString();

  it('an import names a bad endorsements or time cell by row and field, and imports nothing', async () => {
    const department = departmentOf.traffic;
    const badLikes = await admin.post('/api/ai/history', { format: 'jsonl', content: [{ text: '井盖破损', department, likes: 2 }, { text: '井盖丢失', department, likes: -1 }].map((r) => JSON.stringify(r)).join('\n') });
    expect(badLikes.status).toBe(422);
    expect(badLikes.body.error.message).toContain('row 2, field likes');
    expect(badLikes.body.error.details.messageZh).toContain('第 2 行');
    const badTime = await admin.post('/api/ai/history', { format: 'csv', content: `text,department,time\n井盖破损,${department},yesterday\n` });
    expect(badTime.status).toBe(422);
    expect(badTime.body.error.message).toContain('row 1, field time');
  });

  it('a topic sums the likes of imported work orders filed in the window and the duplicates merged into its items', async () => {
    await switchAppeals(false);
    const department = departmentOf.traffic!;
    const texts = ['小区路灯坏了，夜里行人容易摔倒', '路灯闪烁，晚上看不清路', '路边路灯坏了很危险，请尽快修理'];
    const jsonl = texts.map((text, i) => JSON.stringify({ text, department, time: yesterday, likes: [4, 6, ''][i] })).join('\n');
    expect((await admin.post('/api/ai/history', { format: 'jsonl', content: jsonl })).status).toBe(201);
    const csv = `title,text,department,endorsements,time\n路灯,人行道路灯坏了，老人差点摔倒,${department},2,${yesterday}\n`;
    expect((await admin.post('/api/ai/history', { format: 'csv', content: csv })).status).toBe(201);

    // Two citizens say the same thing: the second merged into the first is one endorsement more.
    const appeals = [];
    for (const text of ['幸福路路灯坏了，孩子放学路过很危险', '幸福路的路灯坏了，孩子每天路过很危险']) {
      const registered = await register({ ...SCHOOL_APPEAL, title: undefined, text });
      expect((await operator.post(`/api/appeals/${registered.id}/dispatch`, { departmentId: department })).status).toBe(200);
      appeals.push(registered);
    }
    const [primary, duplicate] = appeals;
    const merged = await supervisor.post(`/api/items/${duplicate.id}/merge`, { primaryId: primary.id });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);

    const leader = await h.createUser('leader');
    const answer = await leader.get('/api/ai/hotspots?days=7');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const topic = answer.body.topics.find((t: Json) => t.words.includes('路灯'));
    expect(topic, JSON.stringify(answer.body.topics)).toBeDefined();
    // 4 + 6 + 2 liked in the old system, 1 merged duplicate; the duplicate is no text of its own, the imported rows are no item to open.
    expect(topic).toMatchObject({ count: 5, endorsements: 13 });
    expect(topic.items.map((i: Json) => i.id)).toEqual([primary.id]);

    // Unmerged, the duplicate is a text of its own again, and no longer an endorsement.
    expect((await supervisor.post(`/api/items/${duplicate.id}/unmerge`, {})).status).toBe(200);
    const after = (await leader.get('/api/ai/hotspots?days=7')).body.topics.find((t: Json) => t.words.includes('路灯'));
    expect(after).toMatchObject({ count: 6, endorsements: 12 });
  });
});
