import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectDatabase, postgresClientOf } from '../../db/client';
import { runMigrations } from '../../db/migrate';
import { appendAuditEntry, verifyAuditChain } from '../../db/queries/audit-log';
import { claimIdempotencyKey, completeIdempotencyKey, findIdempotencyKey } from '../../db/queries/idempotency';
import { databaseOfItsOwn, uniqueName } from '../support/services';
import { createAccount, createDepartment, loginOver, type TestAccount } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';
import { client } from './support/http';

let api: RunningApi;
let adminAccount: TestAccount;
let admin: ReturnType<typeof client>;
let auditor: ReturnType<typeof client>;
let supervisor: ReturnType<typeof client>;
let departmentId: string;

beforeAll(async () => {
  // Behind a trusted proxy, so the test can name its requests with x-request-id.
  api = await startApi({ TRUST_PROXY: '1' }, (app) => {
    // Stands in for the engine's history routes: a read marked for the audit log.
    app.get('/api/test/items/:id/history', { config: { auditRead: true, access: ['auditor', 'supervisor', 'leader'] } }, async () => ({ events: [] }));
  });
  const db = api.deps.database.db;
  departmentId = (await createDepartment(db)).id;
  adminAccount = await createAccount(db, 'admin');
  admin = client(api.baseUrl, (await loginOver(api.baseUrl, adminAccount)).token);
  auditor = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db, 'auditor'))).token);
  supervisor = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db, 'supervisor', { departmentId }))).token);
});
afterAll(async () => api?.close());

describe('what the audit log records', () => {
  it('records a write with who, role, department, route, target, outcome and request id', async () => {
    const requestId = uniqueName('req');
    const created = await admin.post('/api/departments', { name: uniqueName('记录') }, { 'x-request-id': requestId });
    expect(created.status).toBe(201);
    const found = await auditor.get(`/api/audit-log?target=${created.body.id}`);
    expect(found.status).toBe(200);
    expect(found.body.items).toEqual([
      expect.objectContaining({
        actorId: adminAccount.id,
        actorUsername: adminAccount.username,
        actorRole: 'admin',
        action: 'POST /api/departments',
        path: '/api/departments',
        targetId: created.body.id,
        status: 201,
        requestId,
      }),
    ]);
  });

  it('records refused writes with their outcome, and logins with the user who logged in', async () => {
    const requestId = uniqueName('req');
    const refused = await supervisor.post('/api/departments', { name: uniqueName('拒绝') }, { 'x-request-id': requestId });
    expect(refused.status).toBe(403);
    const login = await loginOver(api.baseUrl, adminAccount, { 'x-request-id': `${requestId}-login` });
    expect(login.token).toBeTruthy();
    const entries = (await admin.get(`/api/audit-log?action=${encodeURIComponent('/api/')}&pageSize=200`)).body.items as { requestId: string; status: number; actorDepartmentId: string | null; action: string; actorId: string }[];
    expect(entries.find((e) => e.requestId === requestId)).toMatchObject({ status: 403, actorDepartmentId: departmentId, action: 'POST /api/departments' });
    expect(entries.find((e) => e.requestId === `${requestId}-login`)).toMatchObject({ status: 200, action: 'POST /api/auth/login', actorId: adminAccount.id });
  });

  it('records reads of routes marked auditRead, and not ordinary reads', async () => {
    const target = randomUUID();
    expect((await auditor.get(`/api/test/items/${target}/history`)).status).toBe(200);
    expect((await auditor.get('/api/departments?q=none')).status).toBe(200);
    const found = await auditor.get(`/api/audit-log?target=${target}`);
    expect(found.body.items).toEqual([expect.objectContaining({ action: 'GET /api/test/items/:id/history', actorRole: 'auditor', status: 200 })]);
  });

  it('filters by actor (id or username), action, target and time, pages, and is for auditors and admins only', async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    // An admin of its own, so only this test's writes match the actor.
    const writerAccount = await createAccount(api.deps.database.db, 'admin');
    const writer = client(api.baseUrl, (await loginOver(api.baseUrl, writerAccount)).token);
    const names = [uniqueName('页'), uniqueName('页'), uniqueName('页')];
    for (const name of names) await writer.post('/api/departments', { name });
    const to = new Date(Date.now() + 1000).toISOString();
    const query = `actor=${writerAccount.username}&action=${encodeURIComponent('POST /api/departments')}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const page1 = await auditor.get(`/api/audit-log?${query}&pageSize=2`);
    expect(page1.status).toBe(200);
    expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(page1.body.items).toHaveLength(2);
    const page2 = await auditor.get(`/api/audit-log?${query}&pageSize=2&page=2`);
    expect(page2.body.items).toHaveLength(1);
    const byId = await auditor.get(`/api/audit-log?actor=${writerAccount.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(byId.body.total).toBe(4); // its login, then the three writes
    expect((await auditor.get('/api/audit-log?from=yesterday')).status).toBe(400);
    expect((await supervisor.get('/api/audit-log')).status).toBe(403);
  });
});

describe('append-only and hash-chained', () => {
  it('the database refuses UPDATE, DELETE and TRUNCATE of audit_log', async () => {
    const sql = api.deps.database.sql;
    await expect(sql`update audit_log set status = 200 where id = (select max(id) from audit_log)`).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where id = (select max(id) from audit_log)`).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`).rejects.toThrow(/append-only/);
  });

  it('the shared test database chain verifies intact', async () => {
    const report = await verifyAuditChain(api.deps.database.db);
    expect(report).toMatchObject({ ok: true, firstBroken: null });
    expect(report.checked).toBeGreaterThan(0);
  });

  describe('tampering, in a database of its own', () => {
    const url = databaseOfItsOwn('supervision_audit');

    function runVerifyCommand() {
      return spawnSync('npx', ['tsx', 'scripts/audit-log-verify.ts'], { env: { ...process.env, DATABASE_URL: url }, encoding: 'utf8' });
    }

    it('verify names the first edited row, and the first row after a removed one; the npm command fails', async () => {
      await runMigrations(url);
      const database = connectDatabase(url, { max: 2 });
      try {
        for (let i = 0; i < 5; i++) {
          await appendAuditEntry(database.db, {
            at: new Date(),
            actorId: null,
            actorUsername: 'someone',
            actorRole: 'admin',
            actorDepartmentId: null,
            action: 'POST /api/departments',
            path: '/api/departments',
            targetId: `target-${i}`,
            status: 201,
            requestId: `req-${i}`,
          });
        }
        expect(await verifyAuditChain(database.db)).toEqual({ ok: true, checked: 5, firstBroken: null });
        const intact = runVerifyCommand();
        expect(intact.status).toBe(0);
        expect(intact.stdout).toMatch(/intact: 5 rows/);

        const ids = (await database.sql<{ id: string }[]>`select id from audit_log order by id`).map((r) => Number(r.id));
        // Only a superuser can switch triggers off for a session; that is what an attacker would need.
        await database.sql.begin(async (tx) => {
          await tx`set local session_replication_role = replica`;
          await tx`update audit_log set status = 200 where id = ${ids[2]!}`;
        });
        expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, checked: 2, firstBroken: { id: ids[2], reason: expect.stringMatching(/edited/) } });
        const broken = runVerifyCommand();
        expect(broken.status).toBe(1);
        expect(broken.stderr).toContain(`BROKEN at row ${ids[2]}`);

        await database.sql.begin(async (tx) => {
          await tx`set local session_replication_role = replica`;
          await tx`update audit_log set status = 201 where id = ${ids[2]!}`;
          await tx`delete from audit_log where id = ${ids[1]!}`;
        });
        expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, firstBroken: { id: ids[2], reason: expect.stringMatching(/removed/) } });
      } finally {
        await database.close();
      }
    });
  });

  describe('group commit, in a database of its own', () => {
    const url = databaseOfItsOwn('supervision_audit');

    it('appends made at the same moment, from two API processes at once, chain into one unbroken line; a bad row fails alone', async () => {
      await runMigrations(url);
      // Two handles stand for two API processes: each group-commits its own requests' rows.
      const [one, two] = [connectDatabase(url, { max: 4 }), connectDatabase(url, { max: 4 })];
      try {
        const before = Number((await one.sql<{ n: string }[]>`select count(*) as n from audit_log`)[0]!.n);
        const entry = (i: number, targetId = `burst-${i}`) => ({
          at: new Date(),
          actorId: null,
          actorUsername: `user-${i}`,
          actorRole: 'department',
          actorDepartmentId: null,
          action: 'POST /api/tasks/:id/progress',
          path: `/api/tasks/${i}/progress`,
          targetId,
          status: 200,
          requestId: `burst-req-${i}`,
        });
        const results = await Promise.allSettled(
          Array.from({ length: 200 }, (_, i) => appendAuditEntry((i % 2 ? one : two).db, i === 77 ? entry(i, 'bad\u0000target') : entry(i))),
        );
        // Postgres refuses a NUL in text: that request's row fails, its batch-mates are written.
        expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
        expect((results[77] as PromiseRejectedResult).status).toBe('rejected');
        const after = Number((await one.sql<{ n: string }[]>`select count(*) as n from audit_log`)[0]!.n);
        expect(after - before).toBe(199);
        const targets = await one.sql<{ target_id: string }[]>`select target_id from audit_log where target_id like 'burst-%'`;
        expect(new Set(targets.map((t) => t.target_id)).size).toBe(199);
        expect(await verifyAuditChain(one.db)).toMatchObject({ ok: true, firstBroken: null, checked: after });
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    });

    it('the audit rows and stored Idempotency-Key answers of the same moment go as one statement; a bad row loses no answer', async () => {
      await runMigrations(url);
      const database = connectDatabase(url, { max: 2 });
      const statements = vi.spyOn(postgresClientOf(database.db), 'unsafe');
      try {
        const userId = randomUUID();
        const scopes = Array.from({ length: 20 }, (_, i) => ({ userId, key: `answer-${i}` }));
        for (const scope of scopes) expect(await claimIdempotencyKey(database.db, scope, 'POST /api/tasks/:id/progress x')).toBe(true);
        const before = Number((await database.sql<{ n: string }[]>`select count(*) as n from audit_log`)[0]!.n);
        statements.mockClear();
        // As 20 keyed writes answering at once: each request's audit row and its stored answer.
        const results = await Promise.allSettled(
          scopes.flatMap((scope, i) => [
            appendAuditEntry(database.db, {
              at: new Date(),
              actorId: userId,
              actorUsername: 'staff',
              actorRole: 'department',
              actorDepartmentId: null,
              action: 'POST /api/tasks/:id/progress',
              path: `/api/tasks/${i}/progress`,
              targetId: i === 7 ? 'bad\u0000target' : `answered-${i}`,
              status: 200,
              requestId: `answer-req-${i}`,
            }),
            completeIdempotencyKey(database.db, scope, { status: 200, body: `{"n":${i}}`, contentType: 'application/json; charset=utf-8' }),
          ]),
        );
        const combined = statements.mock.calls.filter(([text]) => String(text).startsWith('with stored as'));
        expect(combined.length).toBeGreaterThanOrEqual(1);
        // The NUL fails its own audit row only: the batch is written again item by item.
        expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
        expect(results[14]!.status).toBe('rejected');
        for (const [i, scope] of scopes.entries()) {
          expect(await findIdempotencyKey(database.db, scope)).toMatchObject({ state: 'done', responseStatus: 200, responseBody: `{"n":${i}}` });
        }
        const after = Number((await database.sql<{ n: string }[]>`select count(*) as n from audit_log`)[0]!.n);
        expect(after - before).toBe(19);
        expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true, firstBroken: null, checked: after });
      } finally {
        statements.mockRestore();
        await database.close();
      }
    });
  });
});
