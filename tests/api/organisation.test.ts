import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departments, users } from '../../db/schema/org';
import { uniqueName } from '../support/services';
import { createAccount, createDepartment, loginOver } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';
import { client, fieldsOf } from './support/http';

let api: RunningApi;
let admin: ReturnType<typeof client>;
let staff: ReturnType<typeof client>;

beforeAll(async () => {
  api = await startApi();
  const db = api.deps.database.db;
  const department = await createDepartment(db);
  admin = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db, 'admin'))).token);
  staff = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db, 'department', { departmentId: department.id }))).token);
});
afterAll(async () => api?.close());

describe('departments', () => {
  it('admin creates, renames and nests departments; everyone reads them with paging', async () => {
    const name = uniqueName('审计局');
    const created = await admin.post('/api/departments', { name, nameEn: 'Audit Bureau' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, nameEn: 'Audit Bureau', parentId: null });
    const child = await admin.post('/api/departments', { name: uniqueName('审计局科室'), parentId: created.body.id });
    expect(child.status).toBe(201);

    const renamed = await admin.patch(`/api/departments/${created.body.id}`, { name: `${name}-新` });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe(`${name}-新`);

    const listed = await staff.get(`/api/departments?q=${encodeURIComponent(name)}&pageSize=1`);
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 1, page: 1, pageSize: 1 });
    expect(listed.body.items[0].id).toBe(created.body.id);
  });

  it('names the field: missing name → 400 body.name; unknown parent → 422 body.parentId; a loop → 422; a duplicate name → 409', async () => {
    const missing = await admin.post('/api/departments', { nameEn: 'x' });
    expect(missing.status).toBe(400);
    expect(fieldsOf(missing)).toContain('body.name');
    const badId = await admin.post('/api/departments', { name: uniqueName('x'), parentId: 'not-a-uuid' });
    expect(badId.status).toBe(400);
    expect(fieldsOf(badId)).toContain('body.parentId');
    const unknownParent = await admin.post('/api/departments', { name: uniqueName('x'), parentId: '00000000-0000-4000-8000-000000000000' });
    expect(unknownParent.status).toBe(422);
    expect(fieldsOf(unknownParent)).toEqual(['body.parentId']);

    const top = await admin.post('/api/departments', { name: uniqueName('上级') });
    const below = await admin.post('/api/departments', { name: uniqueName('下级'), parentId: top.body.id });
    const loop = await admin.patch(`/api/departments/${top.body.id}`, { parentId: below.body.id });
    expect(loop.status).toBe(422);
    expect(fieldsOf(loop)).toEqual(['body.parentId']);

    const duplicate = await admin.post('/api/departments', { name: top.body.name });
    expect(duplicate.status).toBe(409);
    const notThere = await admin.patch('/api/departments/00000000-0000-4000-8000-000000000000', { name: uniqueName('x') });
    expect(notThere.status).toBe(404);
    // An empty change is a no-op that answers the department as it is (found by the property test).
    const unchanged = await admin.patch(`/api/departments/${below.body.id}`, {});
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toMatchObject({ id: below.body.id, name: below.body.name, parentId: top.body.id });
  });

  it('refuses writes by non-admins with 403', async () => {
    expect((await staff.post('/api/departments', { name: uniqueName('x') })).status).toBe(403);
  });

  it('two racing creates of the same name: one 201, one 409, never a 500', async () => {
    const name = uniqueName('并发');
    const answers = await Promise.all([admin.post('/api/departments', { name }), admin.post('/api/departments', { name })]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(await api.deps.database.db.select().from(departments).where(eq(departments.name, name))).toHaveLength(1);
  });
});

describe('users', () => {
  it('admin creates a user who must change the password, lists, edits, and the password hash never shows', async () => {
    const department = await createDepartment(api.deps.database.db);
    const username = uniqueName('staff').replace(/[^\w.-]/g, '');
    const created = await admin.post('/api/users', { username, displayName: '钱科长', role: 'department', departmentId: department.id, password: 'first-password-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username, role: 'department', departmentId: department.id, mustChangePassword: true, disabled: false });
    expect(JSON.stringify(created.body)).not.toMatch(/passwordHash|first-password|argon/i);

    const login = await loginOver(api.baseUrl, { username, password: 'first-password-1' });
    expect(login.body.user).toMatchObject({ mustChangePassword: true });

    const listed = await admin.get(`/api/users?q=${username}`);
    expect(listed.body.items.map((u: { id: string }) => u.id)).toEqual([created.body.id]);
    expect(JSON.stringify(listed.body)).not.toMatch(/argon/);

    const disabled = await admin.patch(`/api/users/${created.body.id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    // Locking a user ends their sessions at once.
    expect((await client(api.baseUrl, login.token).get('/api/me')).status).toBe(401);
  });

  it('names the field on bad input', async () => {
    const department = await createDepartment(api.deps.database.db);
    const bad = await admin.post('/api/users', { username: 'has space', displayName: 'x', role: 'boss', password: 'short' });
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(expect.arrayContaining(['body.username', 'body.role', 'body.password']));
    const noDepartment = await admin.post('/api/users', { username: uniqueName('u'), displayName: 'x', role: 'department', password: 'long-enough-1' });
    expect(noDepartment.status).toBe(422);
    expect(fieldsOf(noDepartment)).toEqual(['body.departmentId']);
    const username = uniqueName('dup');
    expect((await admin.post('/api/users', { username, displayName: 'x', role: 'department', departmentId: department.id, password: 'long-enough-1' })).status).toBe(201);
    const taken = await admin.post('/api/users', { username, displayName: 'y', role: 'auditor', password: 'long-enough-1' });
    expect(taken.status).toBe(409);
    expect(fieldsOf(taken)).toEqual(['body.username']);
    expect(await api.deps.database.db.select().from(users).where(eq(users.username, username))).toHaveLength(1);
  });

  it('is admin only, reads included', async () => {
    expect((await staff.get('/api/users')).status).toBe(403);
  });
});

describe('calendar', () => {
  it('shows the built-in holidays and make-up days, stores admin overrides, and merges them', async () => {
    // 2025: National Day 10-01..10-08 off, Sunday 09-28 and Saturday 10-11 are make-up working days.
    const before = await staff.get('/api/calendar/2025');
    expect(before.status).toBe(200);
    expect(before.body.builtIn.holidays).toContainEqual({ date: '2025-10-01', name: 'National Day / 国庆节' });
    expect(before.body.builtIn.workdays.map((d: { date: string }) => d.date)).toContain('2025-09-28');

    const year = 2099; // a year nobody else's test uses
    const put = await admin.put(`/api/calendar/${year}`, {
      overrides: [
        { date: `${year}-03-02`, kind: 'holiday', note: '本地节日' },
        { date: `${year}-03-07`, kind: 'workday' },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.affectedWorkflows).toBe(0);
    const after = await staff.get(`/api/calendar/${year}`);
    expect(after.body.overrides).toEqual([
      { date: `${year}-03-02`, kind: 'holiday', note: '本地节日' },
      { date: `${year}-03-07`, kind: 'workday', note: null },
    ]);
    expect(after.body.holidays).toContain(`${year}-03-02`);
    expect(after.body.workdays).toContain(`${year}-03-07`);

    expect((await admin.put(`/api/calendar/${year}`, { overrides: [] })).body.overrides).toEqual([]);
  });

  it('names the field: a date outside the year, an impossible date, a bad kind; non-admins get 403', async () => {
    const outside = await admin.put('/api/calendar/2098', { overrides: [{ date: '2098-01-02', kind: 'holiday' }, { date: '2097-05-01', kind: 'holiday' }] });
    expect(outside.status).toBe(400);
    expect(fieldsOf(outside)).toEqual(['body.overrides.1.date']);
    const impossible = await admin.put('/api/calendar/2098', { overrides: [{ date: '2098-02-30', kind: 'holiday' }] });
    expect(fieldsOf(impossible)).toEqual(['body.overrides.0.date']);
    const kind = await admin.put('/api/calendar/2098', { overrides: [{ date: '2098-02-03', kind: 'party' }] });
    expect(kind.status).toBe(400);
    expect(fieldsOf(kind)).toEqual(['body.overrides.0.kind']);
    expect((await admin.get('/api/calendar/1999')).status).toBe(400);
    expect((await staff.put('/api/calendar/2098', { overrides: [] })).status).toBe(403);
    expect((await admin.get('/api/calendar/2098')).body.overrides).toEqual([]);
  });
});

describe('templates', () => {
  it('lists every kind with defaults (the appeal and the verification too); admin replaces one; completion fields must be a JSON Schema', async () => {
    const listed = await staff.get('/api/templates');
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((t: { kind: string }) => t.kind).sort()).toEqual(['appeal', 'approval_document', 'leadership_instruction', 'meeting_resolution', 'routine', 'verification']);

    const current = (await admin.get('/api/templates/routine')).body;
    const settings = Object.fromEntries(Object.entries(current).filter(([key]) => !['kind', 'updatedAt', 'updatedBy', 'isDefault'].includes(key)));
    const saved = await admin.put('/api/templates/routine', { ...settings, warnBefore: 'P5D' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ kind: 'routine', warnBefore: 'P5D', isDefault: false });

    const badDuration = await admin.put('/api/templates/routine', { ...settings, signWithin: '2 days' });
    expect(badDuration.status).toBe(400);
    expect(fieldsOf(badDuration)).toEqual(['body.signWithin']);
    const badSchema = await admin.put('/api/templates/routine', { ...settings, completionFields: { type: 'object', properties: { a: { type: 'strnig' } } } });
    expect(badSchema.status).toBe(400);
    expect(fieldsOf(badSchema)).toEqual(['body.completionFields']);
    const typo = await admin.put('/api/templates/routine', { ...settings, completionFields: { type: 'object', requierd: ['a'] } });
    expect(fieldsOf(typo)).toEqual(['body.completionFields']);
    expect((await admin.put('/api/templates/nonsense', settings)).status).toBe(400);
    expect((await staff.put('/api/templates/routine', settings)).status).toBe(403);

    // Put the shipped settings back for other tests.
    expect((await admin.put('/api/templates/routine', settings)).status).toBe(200);
  });
});

describe('leaders', () => {
  it('lists active leaders by name for any logged-in user (the launch form picks the issuer from it)', async () => {
    const db = api.deps.database.db;
    const leader = await createAccount(db, 'leader');
    const retired = await createAccount(db, 'leader');
    await db.update(users).set({ disabled: true }).where(eq(users.id, retired.id));
    const supervisor = await createAccount(db, 'supervisor');
    const listed = await staff.get('/api/leaders');
    expect(listed.status).toBe(200);
    const ids = (listed.body.items as { id: string; displayName: string }[]).map((l) => l.id);
    expect(ids).toContain(leader.id);
    expect(ids).not.toContain(retired.id);
    expect(ids).not.toContain(supervisor.id);
    // Name, id and the phone (kept for SMS; masked for this department clerk, domain staffPhoneFor): nothing else.
    expect(Object.keys(listed.body.items[0]).sort()).toEqual(['displayName', 'id', 'phone']);
  });
});
