import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { connectDatabase } from '../../db/client';
import { claimIdempotencyKey } from '../../db/queries/idempotency';
import { departments } from '../../db/schema/org';
import { uniqueName } from '../support/services';
import { createAccount, loginOver } from './support/accounts';
import { startApi, type RunningApi } from './support/api-server';
import { client, fieldsOf } from './support/http';

let api: RunningApi;
let admin: ReturnType<typeof client>;
let otherAdmin: ReturnType<typeof client>;
let slowRuns = 0;

beforeAll(async () => {
  api = await startApi({}, (app, deps) => {
    // A write slow enough that racers surely arrive while the first is still running.
    app.withTypeProvider<ZodTypeProvider>().post(
      '/api/test/slow-department',
      { config: { access: ['admin'] }, schema: { body: z.object({ name: z.string() }) } },
      async (request, reply) => {
        slowRuns += 1;
        await sleep(400);
        const [row] = await deps.database.db.insert(departments).values({ name: request.body.name }).returning();
        return reply.code(201).send({ id: row!.id, name: row!.name, key: request.idempotencyKey });
      },
    );
  });
  const db = api.deps.database.db;
  admin = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db, 'admin'))).token);
  otherAdmin = client(api.baseUrl, (await loginOver(api.baseUrl, await createAccount(db, 'admin'))).token);
});
afterAll(async () => api?.close());

const countNamed = async (name: string) => (await api.deps.database.db.select().from(departments).where(eq(departments.name, name))).length;

describe('Idempotency-Key', () => {
  it('a repeat returns the first answer (status and body) and changes nothing', async () => {
    const key = uniqueName('key');
    const name = uniqueName('幂等');
    const first = await admin.post('/api/departments', { name }, { 'idempotency-key': key });
    const second = await admin.post('/api/departments', { name }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await countNamed(name)).toBe(1);
  });

  it('two (and more) identical requests racing: one runs, every racer gets its answer', async () => {
    const key = uniqueName('race');
    const name = uniqueName('竞争');
    const before = slowRuns;
    const answers = await Promise.all(Array.from({ length: 5 }, () => admin.post('/api/test/slow-department', { name }, { 'idempotency-key': key })));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    expect(answers[0]!.body.key).toBe(key); // the handler saw the key (the engine uses it as the Update id)
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
    expect(slowRuns - before).toBe(1);
    expect(await countNamed(name)).toBe(1);
  });

  it('replays a refusal too: the first answer was 409, so is the repeat', async () => {
    const name = uniqueName('重名');
    await admin.post('/api/departments', { name });
    const key = uniqueName('key');
    const first = await admin.post('/api/departments', { name }, { 'idempotency-key': key });
    const second = await admin.post('/api/departments', { name }, { 'idempotency-key': key });
    expect(first.status).toBe(409);
    expect(second.status).toBe(409);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('the same key on a different request is refused with 422 naming the header', async () => {
    const key = uniqueName('key');
    const name = uniqueName('甲');
    expect((await admin.post('/api/departments', { name }, { 'idempotency-key': key })).status).toBe(201);
    const other = await admin.post('/api/departments', { name: uniqueName('乙') }, { 'idempotency-key': key });
    expect(other.status).toBe(422);
    expect(fieldsOf(other)).toEqual(['headers.idempotency-key']);
  });

  it('keys are per user: another user with the same key runs their own request', async () => {
    const key = uniqueName('shared');
    const a = await admin.post('/api/departments', { name: uniqueName('A') }, { 'idempotency-key': key });
    const b = await otherAdmin.post('/api/departments', { name: uniqueName('B') }, { 'idempotency-key': key });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('a malformed body does not use up the key; a malformed key is a 400 naming the header', async () => {
    const key = uniqueName('key');
    const bad = await admin.post('/api/departments', { name: 42 }, { 'idempotency-key': key });
    expect(bad.status).toBe(400);
    const name = uniqueName('修正');
    const fixed = await admin.post('/api/departments', { name }, { 'idempotency-key': key });
    expect(fixed.status).toBe(201);

    const tooLong = await admin.post('/api/departments', { name: uniqueName('x') }, { 'idempotency-key': 'k'.repeat(300) });
    expect(tooLong.status).toBe(400);
    expect(fieldsOf(tooLong)).toEqual(['headers.idempotency-key']);
  });

  it('claims made at the same moment (one statement) still let exactly one request win each key', async () => {
    const db = api.deps.database.db;
    const userId = crypto.randomUUID();
    const shared = `race-${crypto.randomUUID()}`;
    const [same, distinct] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, () => claimIdempotencyKey(db, { userId, key: shared }, 'POST /x fingerprint'))),
      Promise.all(Array.from({ length: 20 }, (_, i) => claimIdempotencyKey(db, { userId, key: `${shared}-${i}` }, 'POST /x fingerprint'))),
    ]);
    expect(same.filter(Boolean)).toHaveLength(1);
    expect(distinct.every(Boolean)).toBe(true);
    // A later claim of a key already taken loses too.
    expect(await claimIdempotencyKey(db, { userId, key: shared }, 'POST /x fingerprint')).toBe(false);
  });

  it('a claim does not wait for its WAL flush, so a keyed write pays one flush (its answer), not two', async () => {
    // One connection, so that its own WAL statistics can be flushed on demand before reading them.
    const own = connectDatabase(api.deps.config.DATABASE_URL, { max: 1 });
    try {
      const walFlushes = async () => {
        await own.sql`select pg_stat_force_next_flush()`;
        const [row] = await own.sql<{ flushes: string }[]>`select wal_sync::text as flushes from pg_stat_wal`;
        return Number(row!.flushes);
      };
      const userId = crypto.randomUUID();
      const claims = 200;
      const before = await walFlushes();
      for (let i = 0; i < claims; i++) expect(await claimIdempotencyKey(own.db, { userId, key: `flush-${i}` }, 'POST /x fingerprint')).toBe(true);
      const during = (await walFlushes()) - before;
      // A flushed commit each would be 200 (other test files writing meanwhile add a few of their own).
      expect(during).toBeLessThan(claims / 2);
      // Committed all the same: a second claim of a key loses.
      expect(await claimIdempotencyKey(own.db, { userId, key: 'flush-0' }, 'POST /x fingerprint')).toBe(false);
    } finally {
      await own.close();
    }
  });
});
