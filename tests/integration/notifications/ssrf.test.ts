/**
 * Issue 21, SSRF: a webhook may not reach the platform's own network. Internal addresses are refused
 * when a webhook is saved (400 naming body.url) and, whatever slipped into the table, when it is sent
 * (checked on the resolved address, connected to that very address). WEBHOOK_ALLOW_HOSTS is the only
 * way around it. A failed post records the status and a short reason, never the answer's body.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertWebhook } from '../../../db/queries/notifications';
import { pinnedLookup } from '../../../jobs/notifications/channels/outbound-address';
import { enqueueNotification } from '../../../jobs/notifications/enqueue';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../../support/api-harness';
import { testConfig } from '../../support/services';
import { createTestOrg } from './support/org';
import { localReceivers, settle, startPipeline, waitFor } from './support/pipeline';
import { startHttpReceiver } from './support/receivers';
import { requestFor } from './support/requests';

const SECRET_BODY = 'internal-secret-9f2c: root:x:0:0';

let strict: Awaited<ReturnType<typeof startPipeline>>;
let allowed: Awaited<ReturnType<typeof startPipeline>>;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
let h: ApiHarness;
let admin: LoggedIn;

beforeAll(async () => {
  [strict, allowed, receiver, h] = await Promise.all([
    startPipeline({ config: testConfig(), delivery: { attempts: 2 } }),
    startPipeline({ config: testConfig(localReceivers), delivery: { attempts: 1 } }),
    startHttpReceiver((request) => (request.path === '/leaky' ? { status: 500, body: { leaked: SECRET_BODY } } : { status: 200 })),
    startApiHarness({ worker: false }),
  ]);
  admin = await h.createUser('admin');
});
afterAll(async () => {
  await Promise.all([strict?.close(), allowed?.close(), receiver?.close(), h?.close()]);
});

const port = () => new URL(receiver.url).port;

/** Every delivery of the request, once none is still pending or retrying. */
async function settledDeliveries(pipeline: typeof strict, dedupeKey: string, count: number) {
  return waitFor(async () => {
    const rows = await pipeline.deliveriesByKey(dedupeKey);
    return rows.length === count && rows.every((r) => r.status === 'failed' || r.status === 'sent') ? rows : null;
  }, 20_000, `${count} deliveries to settle`);
}

describe('saving a webhook', () => {
  const internal = [
    'http://127.0.0.1:8080/hook',
    'http://0x7f000001/hook',
    'http://2130706433/hook',
    'http://017700000001/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:3000/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://10.0.0.5/hook',
    'http://100.100.100.200/latest/meta-data/',
    'http://localhost:6379/',
  ];

  it.each(internal)('refuses %s with a 400 naming body.url, in English and Chinese', async (url) => {
    const department = await h.createDepartment('钩子局');
    const answer = await admin.post(`/api/departments/${department.id}/webhooks`, { kind: 'generic', url });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details.fields[0]).toMatchObject({ field: 'body.url', message: expect.stringMatching(/public address/), messageZh: expect.stringMatching(/公网/) });
  });

  it('accepts a public address, and refuses changing it to an internal one', async () => {
    const department = await h.createDepartment('钩子局');
    const created = await admin.post(`/api/departments/${department.id}/webhooks`, { kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' });
    expect(created.status).toBe(201);
    const changed = await admin.request('PATCH', `/api/departments/${department.id}/webhooks/${created.body.id}`, { url: 'http://0x7f000001:9/x' });
    expect(changed.status).toBe(400);
    expect(changed.body.error.details.fields[0].field).toBe('body.url');
  });
});

describe('sending to a webhook', () => {
  it('refuses internal addresses at send time, whatever the table holds: no request leaves, failed at once', async () => {
    const org = await createTestOrg(strict.db);
    const urls = [`http://127.0.0.1:${port()}/a`, `http://0x7f000001:${port()}/b`, `http://localhost:${port()}/c`, 'http://169.254.169.254/latest/meta-data/', `http://[::1]:${port()}/d`];
    for (const url of urls) await insertWebhook(strict.db, { departmentId: org.department.id, kind: 'generic', url });
    const request = requestFor(org);
    await enqueueNotification(strict.queues, request);
    const rows = (await settledDeliveries(strict, request.dedupeKey, urls.length)).filter((r) => r.channel === 'webhook');
    expect(rows).toHaveLength(urls.length);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'failed', attempts: 1 });
      expect(row.lastError).toMatch(/refused: address .* is (loopback|linkLocal)/);
    }
    await settle(300);
    expect(receiver.received).toHaveLength(0);
  });

  it('posts to an allow-listed address; a failure records the status, never the body', async () => {
    const org = await createTestOrg(allowed.db);
    await insertWebhook(allowed.db, { departmentId: org.department.id, kind: 'generic', url: `${receiver.url}/ok` });
    await insertWebhook(allowed.db, { departmentId: org.department.id, kind: 'generic', url: `http://0x7f000001:${port()}/leaky` });
    const request = requestFor(org);
    await enqueueNotification(allowed.queues, request);
    const rows = await settledDeliveries(allowed, request.dedupeKey, 2);
    const ok = rows.find((r) => r.status === 'sent');
    const leaky = rows.find((r) => r.status === 'failed');
    expect(ok).toBeDefined();
    expect(leaky!.lastError).toMatch(/answered 500 Internal Server Error$/);
    expect(leaky!.lastError).not.toContain('internal-secret');
    expect(leaky!.lastError).not.toContain('leaked');
    expect(receiver.received.map((r) => r.path).sort()).toEqual(['/leaky', '/ok']);
  });
});

describe('the pinned lookup', () => {
  it('connects to the address checked, whatever the name resolves to now (no DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        { host: 'rebinding.example.invalid', port: Number(port()), path: '/ok', method: 'POST', lookup: pinnedLookup({ address: '127.0.0.1', family: 4 }) },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end('{}');
    });
    expect(status).toBe(200);
    expect((receiver.received.at(-1)!.headers.host ?? '').startsWith('rebinding.example.invalid')).toBe(true);
  });
});
