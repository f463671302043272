import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAiProcessors } from '../../jobs/ai/run';
import { aiHistory, aiModels, aiSuggestions } from '../../db/schema/ai';
import { items } from '../../db/schema/items';
import { madeUpHistory, TOPICS } from '../support/ai-history';
import { DAY, waitFor } from '../support/item-fixtures';
import { runMigrations } from '../../db/migrate';
import { databaseOfItsOwn, uniqueName } from '../support/services';
import { createAccount, createDepartment, loginOver } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';
import { client, fieldsOf } from './support/http';

let api: RunningApi;
let processor: Awaited<ReturnType<typeof startAiProcessors>>;
let admin: ReturnType<typeof client>;
let supervisor: ReturnType<typeof client>;
let staff: ReturnType<typeof client>;
/** Department id by topic of the made-up history. */
const departmentOf: Record<string, { id: string; name: string }> = {};

const db = () => api.deps.database.db;
const historyRows = async () =>
  (
    await db()
      .select({ n: sql<number>`count(*)::int` })
      .from(aiHistory)
  )[0]!.n;

async function retrained(): Promise<{
  version: number;
  status: string;
  threshold: number | null;
  figures: { perLabel: { label: string }[] };
}> {
  const started = await admin.post('/api/ai/models', {});
  expect(started.status).toBe(202);
  return waitFor(async () => {
    const run = await admin.get(`/api/ai/models/${started.body.version}`);
    return run.body.status === 'training' ? undefined : run.body;
  }, 'the training run');
}

function jsonl(rows: Array<Record<string, unknown>>): string {
  return rows.map((row) => JSON.stringify(row)).join('\n');
}

// A database of this file's own: "no history" must mean none, whatever other tests launched.
const databaseUrl = databaseOfItsOwn('supervision_ai');

beforeAll(async () => {
  await runMigrations(databaseUrl);
  api = await startApi({ DATABASE_URL: databaseUrl });
  processor = await startAiProcessors({ config: api.deps.config, db: db(), queues: api.deps.queues });
  for (const topic of Object.keys(TOPICS)) departmentOf[topic] = await createDepartment(db(), uniqueName(topic));
  const department = await createDepartment(db());
  admin = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db(), 'admin'))).token);
  supervisor = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db(), 'supervisor'))).token);
  staff = client(
    api.baseUrl,
    (await loginOver(api.baseUrl, await createAccount(db(), 'department', { departmentId: department.id }))).token,
  );
});
afterAll(async () => {
  await processor?.close();
  await api?.close();
});

describe('AI assist over the API', () => {
  it('with no history: no suggestion and a clear message, never an error; a training run says there is too little', async () => {
    const answer = await supervisor.post('/api/ai/suggestions', { title: '校车问题', text: '学校的校车超载' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ modelVersion: null, suggestions: [], notice: { code: 'no_model' } });
    expect(answer.body.notice.messageZh).toContain('暂无推荐');
    const run = await retrained();
    expect(run.status).toBe('too_little_history');
    expect((await supervisor.post('/api/ai/suggestions', { text: '学校的校车超载' })).body.modelVersion).toBeNull();
  });

  it('a malformed import file names the row and the field, and imports nothing', async () => {
    const before = await historyRows();
    const rows = madeUpHistory(2).map((row) => ({ title: row.title, text: row.text, department: departmentOf[row.topic]!.name }));
    const unknownDepartment = await admin.post('/api/ai/history', {
      format: 'jsonl',
      content: jsonl([...rows, { text: '某事', department: '不存在的部门' }]),
    });
    expect(unknownDepartment.status).toBe(422);
    expect(fieldsOf(unknownDepartment)).toEqual(['body.content']);
    expect(unknownDepartment.body.error.message).toContain(`row ${rows.length + 1}, field department`);
    expect(unknownDepartment.body.error.details.messageZh).toContain(`第 ${rows.length + 1} 行`);
    const brokenCsv = await admin.post('/api/ai/history', { format: 'csv', content: 'title,text,department\na,b,c,d\n' });
    expect(brokenCsv.status).toBe(422);
    expect(brokenCsv.body.error.message).toContain('row 1, field columns');
    expect((await admin.post('/api/ai/history', { format: 'xml', content: 'x' })).status).toBe(400);
    expect(await historyRows()).toBe(before);
    expect((await supervisor.post('/api/ai/history', { format: 'jsonl', content: jsonl(rows) })).status).toBe(403);
  });

  it('imports, trains and suggests the top 3 with their words; the model version is recorded with the suggestion and the choice', async () => {
    const rows = madeUpHistory(30).map((row) => ({ title: row.title, text: row.text, department: departmentOf[row.topic]!.name }));
    const imported = await admin.post('/api/ai/history', { format: 'jsonl', content: jsonl(rows) });
    expect(imported.status).toBe(201);
    expect(imported.body.rows).toBe(rows.length);
    const run = await retrained();
    expect(run).toMatchObject({ status: 'ready' });
    // The departments of the made-up history (the database is this file's own).
    expect(run.figures.perLabel.map((f) => f.label)).toEqual(expect.arrayContaining(Object.values(departmentOf).map((d) => d.id)));

    const answer = await supervisor.post('/api/ai/suggestions', { title: '校车问题', text: '学校的校车每天超载，学生上学不安全' });
    expect(answer.status).toBe(200);
    expect(answer.body.modelVersion).toBe(run.version);
    expect(answer.body.notice).toBeNull();
    expect(answer.body.suggestions).toHaveLength(3);
    const [top] = answer.body.suggestions;
    expect(top).toMatchObject({ departmentId: departmentOf.schools!.id, departmentName: departmentOf.schools!.name });
    expect(top.terms).toContain('校车');
    const [recorded] = await db().select().from(aiSuggestions).where(eq(aiSuggestions.id, answer.body.suggestionId));
    expect(recorded).toMatchObject({ modelVersion: run.version, topDepartmentId: departmentOf.schools!.id });

    const chose = await supervisor.post(`/api/ai/suggestions/${answer.body.suggestionId}/choice`, {
      departmentId: departmentOf.schools!.id,
    });
    expect(chose.status).toBe(204);
    // Someone else's suggestion answers as if it did not exist.
    const otherSupervisor = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db(), 'supervisor'))).token);
    expect(
      (await otherSupervisor.post(`/api/ai/suggestions/${answer.body.suggestionId}/choice`, { departmentId: departmentOf.schools!.id }))
        .status,
    ).toBe(404);
    const accuracy = await supervisor.get('/api/ai/accuracy');
    expect(accuracy.body.months.at(-1)).toMatchObject({ decided: 1, top1: 1, top3: 1, top1Rate: 1 });
    expect((await staff.post('/api/ai/suggestions', { text: '学校' })).status).toBe(403);
  });

  it('retraining while suggestions are served: the old model answers until the new one is ready', async () => {
    const current = (await supervisor.post('/api/ai/suggestions', { text: '路口红绿灯坏了，车辆拥堵' })).body.modelVersion as number;
    expect(current).not.toBeNull();
    await processor.worker.pause();
    const started = await admin.post('/api/ai/models', {});
    expect(started.status).toBe(202);
    expect((await admin.get(`/api/ai/models/${started.body.version}`)).body).toMatchObject({ status: 'training', progress: 0 });
    const during = await supervisor.post('/api/ai/suggestions', { text: '路口红绿灯坏了，车辆拥堵' });
    expect(during.body.modelVersion).toBe(current);
    expect(during.body.suggestions[0].departmentId).toBe(departmentOf.traffic!.id);
    processor.worker.resume();
    await waitFor(async () => (await admin.get(`/api/ai/models/${started.body.version}`)).body.status === 'ready', 'the new model');
    expect((await supervisor.post('/api/ai/suggestions', { text: '路口红绿灯坏了，车辆拥堵' })).body.modelVersion).toBe(
      started.body.version,
    );
    expect((await admin.get(`/api/ai/models/${started.body.version}`)).body.progress).toBe(100);
  });

  it('auto-dispatch answers only for a kind switched on, and only when the certainty (top confidence less the second) reaches the model’s threshold', async () => {
    const text = { title: '河道污染', text: '河道废水排放，臭味严重，油烟扬尘污染' };
    expect((await supervisor.post('/api/ai/suggestions', { ...text, kind: 'routine' })).body.autoDispatch).toBeNull();
    const switched = await admin.put('/api/ai/auto-dispatch/routine', { enabled: true });
    expect(switched.status).toBe(200);
    expect(switched.body.kinds).toEqual([expect.objectContaining({ kind: 'routine', enabled: true })]);
    const answer = await supervisor.post('/api/ai/suggestions', { ...text, kind: 'routine' });
    expect(answer.body.threshold).not.toBeNull();
    const certainty = (body: { suggestions: Array<{ confidence: number }> }) =>
      body.suggestions[0]!.confidence - (body.suggestions[1]?.confidence ?? 0);
    expect(certainty(answer.body)).toBeGreaterThanOrEqual(answer.body.threshold);
    expect(answer.body.autoDispatch).toEqual({
      departmentId: departmentOf.environment!.id,
      confidence: answer.body.suggestions[0].confidence,
    });
    // Another kind stays manual; an unsure text (below the threshold) too.
    expect((await supervisor.post('/api/ai/suggestions', { ...text, kind: 'approval_document' })).body.autoDispatch).toBeNull();
    const unsure = await supervisor.post('/api/ai/suggestions', { text: '小区居民投诉', kind: 'routine' });
    expect(certainty(unsure.body)).toBeLessThan(unsure.body.threshold);
    expect(unsure.body.autoDispatch).toBeNull();
    const badKind = await admin.put('/api/ai/auto-dispatch/nonsense', { enabled: true });
    expect(badKind.status).toBe(400);
    expect(fieldsOf(badKind)).toContain('params.kind');
  });

  it('finds the open items that say the same thing, never closed ones', async () => {
    const said = '小区门口道路积水严重，下雨天居民无法出行，请尽快修缮排水管道';
    const open = await insertItem('in_progress', '道路积水', said);
    const closed = await insertItem('completed', '道路积水', said);
    const other = await insertItem('in_progress', '网吧', '学校附近网吧接纳未成年人上网，家长十分担心');
    const answer = await supervisor.post('/api/ai/suggestions', {
      title: '道路积水',
      text: '小区门口道路积水严重，下雨天居民无法出行，请有关部门尽快修缮排水管道',
    });
    const ids = answer.body.duplicates.map((d: { itemId: string }) => d.itemId);
    expect(ids).toContain(open);
    expect(ids).not.toContain(closed);
    expect(ids).not.toContain(other);
    expect(answer.body.duplicates[0]).toMatchObject({ itemId: open, title: '道路积水' });
    expect(answer.body.duplicates[0].similarity).toBeGreaterThan(0.5);
  });

  it('hotspots: the window’s items gathered into topics named by their top words, for leaders', async () => {
    const bus: string[] = [];
    for (const text of ['公交线路停运，市民出行困难', '公交线路突然停运，没有通知', '停运的公交线路何时恢复'])
      bus.push(await insertItem('in_progress', '公交停运', text));
    const leader = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db(), 'leader'))).token);
    const answer = await leader.get('/api/ai/hotspots?days=7');
    expect(answer.status).toBe(200);
    const topic = answer.body.topics.find((t: { items: Array<{ id: string }> }) =>
      bus.every((id) => t.items.some((item) => item.id === id)),
    );
    expect(topic).toBeDefined();
    expect(topic.count).toBeGreaterThanOrEqual(3);
    expect(topic.words.some((w: string) => ['公交', '停运', '线路'].includes(w))).toBe(true);
    expect((await staff.get('/api/ai/hotspots')).status).toBe(403);
    expect(fieldsOf(await leader.get('/api/ai/hotspots?days=0'))).toContain('querystring.days');
  });

  it('a model stored by an earlier version is not served: a clear notice in both languages asks for a retraining, never an error', async () => {
    const earlier = JSON.stringify({ format: 'tfidf-linear-svm-hashed/2', labels: ['a', 'b'], buckets: '', idf: '', weights: ['', ''] });
    const [row] = await db()
      .insert(aiModels)
      .values({ status: 'ready', targetPrecision: 0.98, temperature: 0.2, threshold: 0.9, coverage: 0.5, counts: earlier, examples: 40 })
      .returning({ version: aiModels.version });
    try {
      const answer = await supervisor.post('/api/ai/suggestions', { text: '路口红绿灯坏了，车辆拥堵' });
      expect(answer.status).toBe(200);
      expect(answer.body.suggestions).toEqual([]);
      expect(answer.body.autoDispatch).toBeNull();
      expect(answer.body.notice).toMatchObject({
        code: 'model_outdated',
        message: expect.stringContaining('Retrain'),
        messageZh: expect.stringContaining('重新训练'),
      });
    } finally {
      await db().delete(aiModels).where(eq(aiModels.version, row!.version));
    }
  });

  it('refuses an empty text naming the field', async () => {
    const answer = await supervisor.post('/api/ai/suggestions', { text: '  ' });
    expect(answer.status).toBe(400);
    expect(fieldsOf(answer)).toContain('body.text');
  });
});

/** A read-model row only: the duplicate search reads nothing else of an item. */
async function insertItem(status: string, title: string, description: string): Promise<string> {
  const id = randomUUID();
  const now = new Date();
  await db()
    .insert(items)
    .values({
      id,
      code: uniqueName('AI'),
      kind: 'routine',
      title,
      description,
      status,
      light: 'green',
      issuedBy: randomUUID(),
      dueAt: new Date(now.getTime() + DAY),
      createdAt: now,
      launchedAt: now,
      workflowId: `ai-test-${id}`,
      version: 1,
    });
  return id;
}
