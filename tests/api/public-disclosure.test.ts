/**
 * What the public sees without login: the public items (the lead department first) and each
 * department's on-time record over them; the health answer says "ok" or "unavailable" and no more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app';
import { createApiDeps } from '../../api/deps';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody } from '../support/item-fixtures';
import { testConfig } from '../support/services';

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staffLead: LoggedIn;
let lead: { id: string; name: string };
let assist: { id: string; name: string };

beforeAll(async () => {
  h = await startApiHarness();
  // Named so that the assisting department sorts first by name: the lead must still come first.
  lead = await h.createDepartment('Z公开牵头局');
  assist = await h.createDepartment('A公开协办局');
  [supervisor, leader] = await Promise.all([h.createUser('supervisor'), h.createUser('leader')]);
  staffLead = await h.createUser('department', lead.id);
});
afterAll(async () => h?.close());

describe('public disclosure', () => {
  it('lists public items with the lead department first, and counts on-time completion per department', async () => {
    const launched = await supervisor.post(
      '/api/items',
      launchBody(leader.id, [{ departmentId: lead.id, role: 'lead' }, { departmentId: assist.id, role: 'assist' }], { public: true }),
    );
    expect(launched.status).toBe(201);
    const listed = (await h.request('GET', '/public/items?pageSize=200')).body.items.find((i: { title: string }) => i.title === launched.body.title);
    expect(listed.departments).toEqual([lead.name, assist.name]);
    expect(Object.keys(listed).sort()).toEqual(['departments', 'dueAt', 'kind', 'light', 'status', 'title']);

    const taskId = launched.body.tasks.find((t: { departmentId: string }) => t.departmentId === lead.id).id;
    expect((await staffLead.post(`/api/tasks/${taskId}/sign`)).status).toBe(200);
    expect((await staffLead.post(`/api/tasks/${taskId}/complete`, { summary: '已按期办结' })).status).toBe(200);
    expect((await supervisor.post(`/api/tasks/${taskId}/review`, { decision: 'accept', comment: '同意' })).status).toBe(200);

    const stats = await h.request('GET', '/public/stats');
    expect(stats.status).toBe(200);
    const of = (id: string) => stats.body.departments.find((d: { departmentId: string }) => d.departmentId === id);
    expect(of(lead.id)).toEqual({ departmentId: lead.id, name: lead.name, total: 1, completed: 1, onTime: 1, onTimeRate: 1 });
    expect(of(assist.id)).toEqual({ departmentId: assist.id, name: assist.name, total: 1, completed: 0, onTime: 0, onTimeRate: null });
    for (const leak of [launched.body.id, taskId, leader.id, 'workflow', 'summary']) expect(JSON.stringify(stats.body)).not.toContain(leak);

    // An item that is not public counts nowhere; one withdrawn from the public leaves the list and the statistic.
    const internal = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: lead.id, role: 'lead' }]));
    expect(internal.status).toBe(201);
    expect((await supervisor.post(`/api/items/${launched.body.id}/public`, { public: false, reason: '撤回公开' })).status).toBe(200);
    const withdrawn = async () => {
      const list = (await h.request('GET', '/public/items?pageSize=200')).body.items as { title: string }[];
      return !list.some((i) => i.title === launched.body.title || i.title === internal.body.title);
    };
    for (let i = 0; i < 50 && !(await withdrawn()); i++) await new Promise((r) => setTimeout(r, 200));
    expect(await withdrawn()).toBe(true);
    const after = (await h.request('GET', '/public/stats')).body.departments as { departmentId: string }[];
    expect(after.filter((d) => d.departmentId === lead.id || d.departmentId === assist.id)).toEqual([]);
  });

  it('an anonymous health check says only that the platform is unavailable, not which part or why; an admin sees both', async () => {
    const deps = await createApiDeps(testConfig({ REDIS_URL: 'redis://127.0.0.1:1' }));
    const app = await buildApp(deps, { logger: false });
    try {
      const anonymous = await app.inject({ url: '/api/health' });
      expect(anonymous.statusCode).toBe(503);
      // Changed by issue 21: anonymous callers used to see which part failed.
      expect(anonymous.json()).toEqual({ status: 'unavailable' });
      const admin = await h.createUser('admin');
      const detailed = await app.inject({ url: '/api/health', headers: { authorization: `Bearer ${admin.token}` } });
      expect(detailed.json()).toMatchObject({ failing: ['redis'], temporal: 'ok', database: 'ok' });
      expect(detailed.json().redis).toMatch(/^unavailable: .+/);
    } finally {
      await app.close();
      await deps.close();
    }
  });
});
