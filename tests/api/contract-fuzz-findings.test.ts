/**
 * What the contract fuzzer (tests/api/contract-fuzz.test.ts) found, each pinned down: a request
 * nested absurdly deep was a 500 (the Idempotency-Key fingerprint overflowed the stack); Fastify's
 * refusals of a body, a URL or headers came without the field (or outside the `{error}` shape); the
 * replay point of the audit read had no Chinese message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type HttpAnswer, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';

let h: ApiHarness;
let staff: LoggedIn;
let supervisor: LoggedIn;
let leader: LoggedIn;
let auditor: LoggedIn;
let dept: string;

beforeAll(async () => {
  h = await startApiHarness();
  dept = (await h.createDepartment('模糊测试发现局')).id;
  [supervisor, leader, auditor] = await Promise.all([h.createUser('supervisor'), h.createUser('leader'), h.createUser('auditor')]);
  staff = await h.createUser('department', dept);
});
afterAll(async () => h?.close());

/** Status, the fields named, and whether each has a Chinese message. */
function refusal(answer: HttpAnswer) {
  const fields = (answer.body?.error?.details?.fields ?? []) as { field: string; messageZh?: string }[];
  return { status: answer.status, code: answer.body?.error?.code, fields: fields.map((f) => f.field), zh: fields.every((f) => typeof f.messageZh === 'string' && f.messageZh.length > 0) };
}

describe('a body nested thousands of levels deep', () => {
  it('is a 400 naming the body, with or without an Idempotency-Key (was a 500)', async () => {
    const deep = `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    for (const key of [crypto.randomUUID(), undefined]) {
      const answer = await staff.request('POST', `/api/inbox/${crypto.randomUUID()}/read`, deep, key ? { 'idempotency-key': key } : {});
      expect(refusal(answer)).toEqual({ status: 400, code: 'validation_failed', fields: ['body.x.0'], zh: true });
    }
  });

  it('a body 100 levels deep (deeper than any form of ours: a 32-level completion form is ~70) still gets through to the route', async () => {
    let body: unknown = 1;
    for (let i = 0; i < 100; i++) body = { next: body };
    const answer = await staff.request('POST', `/api/inbox/${crypto.randomUUID()}/read`, body, { 'idempotency-key': crypto.randomUUID() });
    expect(answer.status).toBe(404);
  });
});

describe("Fastify's own refusals", () => {
  it('a body that is not JSON, or holds __proto__, names the body in both languages', async () => {
    for (const body of ['{"a":', '{"__proto__":{"admin":true}}', '[']) {
      const answer = await staff.request('POST', `/api/inbox/${crypto.randomUUID()}/read`, body);
      expect(refusal(answer)).toMatchObject({ status: 400, fields: ['body'], zh: true });
    }
  });

  it('an empty JSON body names the body', async () => {
    const answer = await staff.request('POST', '/api/auth/logout', '', { 'content-type': 'application/json' });
    expect(refusal(answer)).toMatchObject({ status: 400, fields: ['body'], zh: true });
  });

  it('a malformed %-escape or an overlong id in the path is a 400 in the error shape naming the path', async () => {
    for (const path of ['/api/items/%E0%A4%A', `/api/items/${'x'.repeat(300)}/cancel`]) {
      const answer = await supervisor.request(path.endsWith('cancel') ? 'POST' : 'GET', path, path.endsWith('cancel') ? { reason: 'x' } : undefined);
      expect(refusal(answer), path).toEqual({ status: 400, code: 'validation_failed', fields: ['params'], zh: true });
    }
  });

  it('a URL over the header size limit gets the error shape', async () => {
    const answer = await supervisor.get(`/api/items?q=${'a'.repeat(40_000)}`);
    expect(answer.status).toBe(431);
    expect(answer.body).toMatchObject({ error: { code: 'headers_too_large', message: expect.any(String) } });
  });
});

describe('the replay point of the audit read', () => {
  it('that is neither a time nor an event id is a 400 naming querystring.at in both languages', async () => {
    const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: dept, role: 'lead' }]));
    expect(launched.status).toBe(201);
    const itemId = launched.body.id as string;
    await waitFor(async () => (await auditor.get(`/api/items/${itemId}/replay?at=${new Date(Date.now() + 1000).toISOString()}`)).status === 200, 'the item to replay');
    const answer = await auditor.get(`/api/items/${itemId}/replay?at=${encodeURIComponent('*"((E')}`);
    expect(refusal(answer)).toEqual({ status: 400, code: 'validation_failed', fields: ['querystring.at'], zh: true });
    await supervisor.post(`/api/items/${itemId}/cancel`, { reason: 'test finished' });
  });
});

describe('values the database would have refused, refused at their field first', () => {
  it('a year-0000 bound of the audit log is a 400 naming querystring.from (was an unnamed database refusal)', async () => {
    const answer = await auditor.get(`/api/audit-log?from=${encodeURIComponent('0000-01-01T00:00:00Z')}`);
    expect(refusal(answer)).toEqual({ status: 400, code: 'validation_failed', fields: ['querystring.from'], zh: true });
    expect((await auditor.get(`/api/audit-log?from=${encodeURIComponent('2026-01-01T00:00:00+08:00')}`)).status).toBe(200);
  });

  it('assessment points too small for the stored number are a 400 naming the factor', async () => {
    const admin = await h.createUser('admin');
    const weights = { onTimeRate: 30, redEver: 4, urge: 1.5, returned: 2, postponed: 1.4674881509426457e-173 };
    expect(refusal(await admin.request('PUT', '/api/assessment/weights', weights))).toEqual({ status: 400, code: 'validation_failed', fields: ['body.postponed'], zh: true });
  });

  it('quiet hours with only one end name the missing one in both languages', async () => {
    const admin = await h.createUser('admin');
    const answer = await admin.request('PUT', `/api/departments/${dept}/notification-channels`, { emailEnabled: true, smsEnabled: false, webhooksEnabled: false, quietEnd: '21:50' });
    expect(refusal(answer)).toEqual({ status: 400, code: 'validation_failed', fields: ['body.quietStart'], zh: true });
  });
});
