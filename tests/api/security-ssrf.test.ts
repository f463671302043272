/**
 * Issue 20, security review: SSRF through the platform's outbound addresses. Webhooks are covered by
 * tests/integration/notifications/ssrf.test.ts (refused when saved and at send time, pinned against
 * DNS rebinding) and tests/unit/notifications/outbound-address.test.ts (every written form of an
 * internal address). The admin's SMS endpoint was checked only when saved: one that slipped into the
 * table, or a name that resolves to an internal address later, was fetched as it stood. It is now held
 * to public addresses at send time as well, unless WEBHOOK_ALLOW_HOSTS allows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSmsSettings, saveSmsSettings, type SmsSettingsRow } from '../../db/queries/sms';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { testConfig } from '../support/services';
import { startAliyunSmsServer, type AliyunSmsServer } from './support/aliyun-sms-server';

const KEY_ID = 'LTAI-ssrf-key';
const SECRET = 'ssrf-secret-of-the-local-provider';

let provider: AliyunSmsServer;
let strict: ApiHarness;
let allowing: ApiHarness;
let strictAdmin: LoggedIn;
let allowingAdmin: LoggedIn;
let before: SmsSettingsRow;

beforeAll(async () => {
  provider = await startAliyunSmsServer({ [KEY_ID]: SECRET });
  [strict, allowing] = await Promise.all([
    startApiHarness({ worker: false }),
    startApiHarness({ worker: false, config: testConfig({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1' }) }),
  ]);
  [strictAdmin, allowingAdmin] = await Promise.all([strict.createUser('admin'), allowing.createUser('admin')]);
  before = await findSmsSettings(strict.deps.database.db);
  // As if saved before the check existed, or by a name that resolved to a public address then.
  await saveSmsSettings(
    strict.deps.database.db,
    { enabled: true, endpoint: provider.url, accessKeyId: KEY_ID, accessKeySecret: SECRET, signName: '督查督办', templates: { test: { zh: 'SMS_TEST_ZH' } } },
    strictAdmin.id,
    new Date(),
  );
});
afterAll(async () => {
  if (before) {
    const { enabled, endpoint, accessKeyId, accessKeySecret, signName, templates } = before;
    await saveSmsSettings(strict.deps.database.db, { enabled, endpoint, accessKeyId, accessKeySecret, signName, templates }, strictAdmin.id, new Date());
  }
  await Promise.all([strict?.close(), allowing?.close(), provider?.close()]);
});

describe('the SMS endpoint at send time', () => {
  it('refuses a loopback endpoint found in the table: no request leaves, the admin reads why', async () => {
    const test = await strictAdmin.post('/api/sms-settings/test', { phone: '13900000009' });
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({ sent: false, providerMessageId: null, error: { code: 'RefusedAddress', message: expect.stringMatching(/127\.0\.0\.1/) } });
    expect(provider.accepted).toEqual([]);
  });

  it('reaches it when WEBHOOK_ALLOW_HOSTS allows the address (the admin’s explicit choice)', async () => {
    const test = await allowingAdmin.post('/api/sms-settings/test', { phone: '13900000010' });
    expect(test.body).toMatchObject({ sent: true, providerMessageId: expect.any(String), error: null });
    expect(provider.accepted.map((m) => m.phone)).toEqual(['13900000010']);
  });

  it('still refuses saving an internal endpoint (400 naming body.endpoint)', async () => {
    for (const endpoint of ['http://127.0.0.1:9/', 'http://[::ffff:169.254.169.254]/', 'http://10.0.0.1/']) {
      const answer = await strictAdmin.request('PUT', '/api/sms-settings', { endpoint });
      expect(answer.status, endpoint).toBe(400);
      expect(answer.body.error.details.fields[0].field, endpoint).toBe('body.endpoint');
    }
  });
});
