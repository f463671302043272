/**
 * Issue 21: nothing a user sends can stall the platform.
 * - ReDoS: a template's field pattern runs on a linear-time engine, unsafe patterns and huge forms are
 *   refused when saved, and a form stored before those checks cannot hang a submit;
 * - dossiers render off the event loop (health keeps answering) and are limited per user;
 * - exports a user may have queued or running at once are capped.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTemplate, saveTemplate } from '../../db/queries/templates';
import type { TemplateSettings } from '../../db/schema/admin-data';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody } from '../support/item-fixtures';

let h: ApiHarness;
let admin: LoggedIn;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staff: LoggedIn;
let dept: string;

beforeAll(async () => {
  h = await startApiHarness();
  dept = (await h.createDepartment('加固局')).id;
  [admin, supervisor, leader] = await Promise.all([h.createUser('admin'), h.createUser('supervisor'), h.createUser('leader')]);
  staff = await h.createUser('department', dept);
});
afterAll(async () => {
  await h?.deps.queues.exports.obliterate({ force: true }).catch(() => {});
  await h?.close();
});

/** A template's settings alone, as PUT /api/templates/:kind takes them. */
const settingKeys = ['defaultDeadline', 'warnBefore', 'signWithin', 'reportEvery', 'escalateAfter', 'urgeEscalateAfter', 'paceMarginPercent', 'completionFields'] as const;
const settingsOf = (template: object) => Object.fromEntries(settingKeys.map((k) => [k, (template as Record<string, unknown>)[k]])) as unknown as TemplateSettings;

const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
};

async function launchedTask(kind = 'routine') {
  const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept, role: 'lead' }], { kind }));
  expect(launched.status).toBe(201);
  return { itemId: launched.body.id as string, taskId: launched.body.tasks[0].id as string };
}

describe('template patterns (ReDoS)', () => {
  const withField = (field: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties: { code: { type: 'string', ...field } }, ...extra });

  async function putForm(completionFields: unknown) {
    const current = settingsOf((await admin.get('/api/templates/routine')).body);
    return admin.request('PUT', '/api/templates/routine', { ...current, completionFields });
  }

  it.each([
    ['a nested repetition', withField({ pattern: '^(a+)+$' })],
    ['a lookahead re2 cannot run', withField({ pattern: '^(?=a)a$' })],
    ['an unsafe patternProperties key', { type: 'object', patternProperties: { '^(x+)+$': { type: 'string' } } }],
  ])('refuses %s when the template is saved, naming the field in both languages', async (_what, completionFields) => {
    const answer = await putForm(completionFields);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.fields[0]).toMatchObject({ field: 'body.completionFields', message: expect.stringMatching(/pattern/), messageZh: expect.stringMatching(/正则/) });
  });

  it('refuses a 750 KB form by its size, quickly', async () => {
    const properties = Object.fromEntries(Array.from({ length: 11500 }, (_, i) => [`field${i}`, { type: 'string', title: `字段${i}`, maxLength: 100 }]));
    const completionFields = { type: 'object', properties };
    expect(JSON.stringify(completionFields).length).toBeGreaterThan(700_000);
    const { value: answer, ms } = await timed(() => putForm(completionFields));
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.fields[0]).toMatchObject({ field: 'body.completionFields', message: expect.stringMatching(/too large/), messageZh: expect.stringMatching(/过大/) });
    expect(ms).toBeLessThan(1000);
  });

  it('still saves a safe pattern', async () => {
    const answer = await putForm(withField({ pattern: '^[A-Z]{2}-\\d{4}$' }));
    expect(answer.status).toBe(200);
  });

  it('a form stored with ^(a+)+$ before these checks cannot stall a submit: the payload answers at once', async () => {
    const db = h.deps.database.db;
    const settings = settingsOf(await getTemplate(db, 'routine'));
    await saveTemplate(db, 'routine', { ...settings, completionFields: withField({ pattern: '^(a+)+$' }) }, admin.id);
    try {
      const { itemId, taskId } = await launchedTask();
      expect((await staff.post(`/api/tasks/${taskId}/sign`)).status).toBe(200);
      // 30 characters: about 6 s of backtracking on a native engine, doubling with each extra one.
      const { value: answer, ms } = await timed(() => staff.post(`/api/tasks/${taskId}/complete`, { summary: '办结', fields: { code: `${'a'.repeat(30)}!` } }));
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.fields[0].field).toBe('body.fields.code');
      expect(ms).toBeLessThan(1000);
      const done = await staff.post(`/api/tasks/${taskId}/complete`, { summary: '办结', fields: { code: 'aaaa' } });
      expect(done.status).toBe(200);
      await supervisor.post(`/api/items/${itemId}/cancel`, { reason: 'test finished' });
    } finally {
      await saveTemplate(db, 'routine', settings, admin.id);
    }
  });
});

describe('dossiers', () => {
  it('render off the event loop: /api/health answers promptly meanwhile; the 5th in a minute is refused with 429', async () => {
    const { itemId } = await launchedTask();
    const reader = await h.createUser('supervisor');
    const fetchDossier = () => fetch(`${h.baseUrl}/api/items/${itemId}/dossier.pdf`, { headers: { authorization: `Bearer ${reader.token}` } });
    // The API runs in this process: its event loop's longest stall is measured directly.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    let rendering = true;
    const healthTimes: number[] = [];
    const probe = (async () => {
      while (rendering) {
        healthTimes.push((await timed(() => fetch(`${h.baseUrl}/api/health`).then((r) => r.text()))).ms);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const answers = await Promise.all([1, 2, 3, 4].map(fetchDossier));
    rendering = false;
    loopDelay.disable();
    await probe;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    const pdf = Buffer.from(await answers[0]!.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(healthTimes.length).toBeGreaterThan(2);
    // Rendered on the API's own loop, each dossier held it for about a second and health waited for all four;
    // off the loop, what remains is scheduling and GC, which a loaded machine can stretch to a few hundred ms.
    expect(loopDelay.max / 1e6).toBeLessThan(800);
    // Health asks Temporal, Postgres and Redis: on a loaded test machine their answers take their own time.
    expect(Math.max(...healthTimes)).toBeLessThan(1500);

    const fifth = await fetchDossier();
    expect(fifth.status).toBe(429);
    const body = await fifth.json();
    expect(body.error).toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number), messageZh: expect.stringMatching(/每分钟最多/) } });
    // Another user is not held back by this one's limit.
    expect((await supervisor.get(`/api/items/${itemId}`)).status).toBe(200);
    const other = await fetch(`${h.baseUrl}/api/items/${itemId}/dossier.pdf`, { headers: { authorization: `Bearer ${supervisor.token}` } });
    expect(other.status).toBe(200);
  });
});

describe('export quota', () => {
  it('lets a user have 3 exports queued or running, answers the 4th with a bilingual 429, and counts per user', async () => {
    // No export worker runs in this file: every accepted export stays queued. A period before any item:
    // other test files share the database, and a volume over its size limit is refused (422) first.
    const volume = { type: 'volume', from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' };
    const auditor = await h.createUser('auditor');
    const answers = await Promise.all(Array.from({ length: 5 }, () => auditor.post('/api/exports', volume)));
    expect(answers.map((a) => a.status).sort()).toEqual([202, 202, 202, 429, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/3 exports queued or running/), details: { limit: 3, messageZh: expect.stringMatching(/导出任务/) } });
    expect((await auditor.post('/api/exports', volume)).status).toBe(429);

    const another = await h.createUser('auditor');
    expect((await another.post('/api/exports', volume)).status).toBe(202);
  });
});
