/**
 * GET /api/audit-log/verify: the audit log page's chain status. Intact on a fresh log; after a row
 * is edited behind the database's back it names that row, as `npm run audit-log:verify` does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../db/migrate';
import { databaseOfItsOwn } from '../support/services';
import { createAccount, loginOver } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';
import { client } from './support/http';

describe('GET /api/audit-log/verify, in a database of its own', () => {
  const url = databaseOfItsOwn('supervision_chain');
  let api: RunningApi;
  let auditor: ReturnType<typeof client>;
  let admin: ReturnType<typeof client>;
  let supervisor: ReturnType<typeof client>;

  beforeAll(async () => {
    await runMigrations(url);
    api = await startApi({ DATABASE_URL: url });
    const db = api.deps.database.db;
    auditor = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db, 'auditor'))).token);
    admin = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db, 'admin'))).token);
    supervisor = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db, 'supervisor'))).token);
  });
  afterAll(async () => api?.close());

  it('tells auditors and admins the chain is intact, and refuses everyone else', async () => {
    const created = await admin.post('/api/departments', { name: '链路核验测试单位' });
    expect(created.status).toBe(201);
    const report = await auditor.get('/api/audit-log/verify');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: true, firstBroken: null });
    expect(report.body.checked).toBeGreaterThan(0);
    expect((await admin.get('/api/audit-log/verify')).body.ok).toBe(true);
    expect((await supervisor.get('/api/audit-log/verify')).status).toBe(403);
  });

  it('names the first edited row', async () => {
    const sql = api.deps.database.sql;
    const [row] = await sql<{ id: string }[]>`select id from audit_log order by id limit 1 offset 1`;
    // Only a superuser can switch the append-only triggers off: what tampering would need.
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`update audit_log set status = 599 where id = ${row!.id}`;
    });
    const report = await auditor.get('/api/audit-log/verify');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: false, checked: 1, firstBroken: { id: Number(row!.id), reason: expect.stringMatching(/edited/) } });
  });
});
