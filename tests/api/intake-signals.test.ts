/**
 * Early warnings (预警核查) end to end, against the real Temporal, Postgres and Redis: a signed signal
 * becomes one verification item however often it comes; a wrong signature, a stale timestamp, an
 * unknown key, another source or a replay answer 401 and write nothing; the completed item's result
 * reaches the source's URL once, signed.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appeals } from '../../db/schema/appeals';
import { intakeSignals } from '../../db/schema/intake';
import { auditLog } from '../../db/schema/audit';
import { items } from '../../db/schema/items';
import { notificationDeliveries } from '../../db/schema/notifications';
import { startNotificationProcessors } from '../../jobs/run-processors';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { waitFor } from '../support/item-fixtures';
import { testConfig, uniqueName } from '../support/services';

interface Hit {
  headers: http.IncomingHttpHeaders;
  raw: string;
}

let h: ApiHarness;
let processors: ReturnType<typeof startNotificationProcessors>;
let receiver: http.Server;
const hits: Hit[] = [];
let admin: LoggedIn;
let supervisor: LoggedIn;
let staff: LoggedIn;
let departmentId: string;
const source = uniqueName('monitor').replace(/-/g, '_');
const resultSecret = 'result-secret-0123456789abcdef';
let account: { id: string; apiKey: string; secret: string };

beforeAll(async () => {
  receiver = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      hits.push({ headers: request.headers, raw: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  h = await startApiHarness({ config: testConfig({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1' }) });
  processors = startNotificationProcessors({ config: h.config, db: h.deps.database.db, queues: h.deps.queues, delivery: { attempts: 3, backoffMs: 200, webhookTimeoutMs: 2000 } });
  admin = await h.createUser('admin');
  supervisor = await h.createUser('supervisor');
  const leader = await h.createUser('leader');
  departmentId = (await h.createDepartment('verifier')).id;
  staff = await h.createUser('department', departmentId);

  const resultUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/results`;
  expect((await admin.request('PUT', `/api/intake/sources/${source}`, { name: '环境监测预警系统', resultUrl, resultSecret })).status).toBe(200);
  const rule = await admin.request('PUT', '/api/intake/rules', { source, riskLevel: 'high', departmentId, issuedBy: leader.id, dueInWorkingDays: 3 });
  expect(rule.status).toBe(200);
  const created = await admin.post('/api/service-accounts', { name: '监测平台', source });
  expect(created.status).toBe(201);
  account = created.body;
}, 120_000);

afterAll(async () => {
  await processors?.close();
  await h?.close();
  receiver?.close();
});

const sign = (secret: string, timestamp: string, raw: string) => createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex');

function signalOf(externalId: string, overrides: Record<string, unknown> = {}) {
  return { source, externalId, subject: '某河段水质超标', riskLevel: 'high', details: { station: 'S-12', cod: 48.2 }, ...overrides };
}

/** Posts a signal signed as the contract says; `tamper` changes what is sent after signing. */
async function post(body: unknown, tamper: { key?: string; secret?: string; timestamp?: number; headers?: Record<string, string> } = {}) {
  const raw = JSON.stringify(body);
  const timestamp = String(tamper.timestamp ?? Math.floor(Date.now() / 1000));
  const headers = {
    'x-api-key': tamper.key ?? account.apiKey,
    'x-timestamp': timestamp,
    'x-signature': sign(tamper.secret ?? account.secret, timestamp, raw),
    ...tamper.headers,
  };
  return { ...(await h.request('POST', '/api/intake/signals', { body: raw, headers })), headers, raw };
}

async function signalRows(externalId: string) {
  return h.deps.database.db.select().from(intakeSignals).where(and(eq(intakeSignals.source, source), eq(intakeSignals.externalId, externalId)));
}

async function itemsOf(externalId: string) {
  return h.deps.database.db.select().from(items).where(eq(items.source, `${source}/${externalId}`));
}

describe('an outside system posts a citizen’s appeal', () => {
  async function postAppeal(body: unknown, secret = account.secret) {
    const raw = JSON.stringify(body);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = { 'x-api-key': account.apiKey, 'x-timestamp': timestamp, 'x-signature': sign(secret, timestamp, raw) };
    return h.request('POST', '/api/intake/appeals', { body: raw, headers });
  }

  it('signed: registered for dispatch once per external id; a forged one writes nothing', async () => {
    const externalId = uniqueName('hotline');
    const appeal = { externalId, text: '小区电梯频繁停运，老人上下楼困难', phone: '13900001111', citizenName: '李先生', channel: 'hotline' };
    const first = await postAppeal(appeal);
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.body).toMatchObject({ id: expect.any(String), code: expect.stringMatching(/^SQ-/), queryCode: expect.any(String), created: true });
    const operator = await h.createUser('operator');
    const queued = await operator.get('/api/appeals?status=registered&pageSize=200');
    expect(queued.body.items.map((a: { id: string }) => a.id)).toContain(first.body.id);
    expect((await operator.get(`/api/appeals/${first.body.id}`)).body).toMatchObject({ channel: 'hotline', text: appeal.text });

    const again = await postAppeal({ ...appeal, text: '小区电梯频繁停运（重复推送）' });
    expect(again.body).toEqual({ ...first.body, created: false });

    const forgedId = uniqueName('forged');
    const forged = await postAppeal({ ...appeal, externalId: forgedId }, 'not-the-secret-at-all');
    expect(forged.status).toBe(401);
    const rows = await h.deps.database.db.select().from(appeals).where(eq(appeals.externalId, forgedId));
    expect(rows).toEqual([]);
  });
});

describe('a signal becomes one verification item', () => {
  it('posted twice: one item, the repeat updates the details and answers created: false', async () => {
    const externalId = uniqueName('alarm');
    const first = await post(signalOf(externalId));
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ created: true });
    const itemId = first.body.itemId as string;

    const item = await supervisor.get(`/api/items/${itemId}`);
    expect(item.status).toBe(200);
    expect(item.body).toMatchObject({ kind: 'verification', status: 'launched' });
    expect(item.body.title).toContain('某河段水质超标');
    expect(item.body.tasks).toHaveLength(1);
    expect(item.body.tasks[0]).toMatchObject({ departmentId, role: 'lead', status: 'assigned' });

    const again = await post(signalOf(externalId, { details: { station: 'S-12', cod: 51.7 } }));
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ itemId, created: false });
    expect(await itemsOf(externalId)).toHaveLength(1);
    const [row] = await signalRows(externalId);
    expect(row).toMatchObject({ itemId, receivedCount: 2, details: { station: 'S-12', cod: 51.7 } });

    // The department that verifies it sees the signal; the audit log names the service account.
    const signal = await staff.get(`/api/items/${itemId}/signal`);
    expect(signal.status).toBe(200);
    expect(signal.body).toMatchObject({ source, externalId, riskLevel: 'high', receivedCount: 2 });
    const [audited] = await h.deps.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, itemId), eq(auditLog.action, 'POST /api/intake/signals'))).limit(1);
    expect(audited).toMatchObject({ actorId: account.id, actorRole: 'service', status: 202 });
  });

  it('a repeat with newer words updates the item through its workflow, once per change, in plain words', async () => {
    const externalId = uniqueName('update');
    const first = await post(signalOf(externalId));
    const itemId = first.body.itemId as string;
    const changed = await post(signalOf(externalId, { subject: '某河段水质严重超标', riskLevel: 'medium', details: { station: 'S-12', cod: 63.5 } }));
    expect(changed.body).toEqual({ itemId, created: false });

    // The item shows the newer subject, risk and details, and its timeline says so.
    const item = await waitFor(async () => {
      const r = await staff.get(`/api/items/${itemId}`);
      return r.body.title?.includes('严重超标') ? r.body : undefined;
    }, 'the item to show the repeat');
    expect(item.title).toBe('预警核查（中风险）：某河段水质严重超标');
    expect(item.description).toContain('63.5');
    expect(item.tasks[0]).toMatchObject({ departmentId, status: 'assigned' });
    const updates = (item.timeline as Array<{ type: string; reason: { zh: string; en: string } | null }>).filter((e) => e.type === 'signal_updated');
    expect(updates).toHaveLength(1);
    expect(updates[0]!.reason).toMatchObject({ zh: '预警信息已更新', en: 'Signal details updated' });

    // The same words again, sent a second later (the very same signed request would be refused as a
    // replay): counted, but no second history entry.
    const again = signalOf(externalId, { subject: '某河段水质严重超标', riskLevel: 'medium', details: { station: 'S-12', cod: 63.5 } });
    expect((await post(again, { timestamp: Math.floor(Date.now() / 1000) + 1 })).status).toBe(202);
    expect((await signalRows(externalId))[0]!.receivedCount).toBe(3);
    const history = await supervisor.get(`/api/items/${itemId}/history?lang=en`);
    expect(history.status).toBe(200);
    const said = (history.body.events as Array<{ text: string }>).filter((e) => /Signal details updated/.test(e.text));
    expect(said).toHaveLength(1);
    expect(said[0]!.text).toContain('某河段水质严重超标');
    const zh = await supervisor.get(`/api/items/${itemId}/history?lang=zh`);
    expect((zh.body.events as Array<{ text: string }>).some((e) => /预警信息已更新/.test(e.text))).toBe(true);
    expect(await itemsOf(externalId)).toHaveLength(1);
  });

  it('the same signal posted at once by several requests still makes one item', async () => {
    const externalId = uniqueName('burst');
    // Each request signed at its own second: the same signature twice would be a replay.
    const now = Math.floor(Date.now() / 1000);
    const answers = await Promise.all(Array.from({ length: 4 }, (_, i) => post(signalOf(externalId), { timestamp: now - i })));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.itemId)).size).toBe(1);
    expect(answers.filter((a) => a.body.created)).toHaveLength(1);
    expect(await itemsOf(externalId)).toHaveLength(1);
    expect((await signalRows(externalId))[0]!.receivedCount).toBe(4);
  });
});

describe('refused signals: 401, nothing written', () => {
  async function expectRefused(externalId: string, answer: { status: number }) {
    expect(answer.status).toBe(401);
    expect(await signalRows(externalId)).toHaveLength(0);
    expect(await itemsOf(externalId)).toHaveLength(0);
  }

  it('a wrong signature', async () => {
    const externalId = uniqueName('forged');
    await expectRefused(externalId, await post(signalOf(externalId), { secret: 'not-the-secret' }));
  });

  it('a body changed after signing', async () => {
    const externalId = uniqueName('changed');
    const signed = await post(signalOf(uniqueName('other')), { key: 'svk_unknown' });
    const answer = await h.request('POST', '/api/intake/signals', { body: JSON.stringify(signalOf(externalId)), headers: { ...signed.headers, 'x-api-key': account.apiKey } });
    await expectRefused(externalId, answer);
  });

  it('a stale timestamp, or one from the future', async () => {
    const stale = uniqueName('stale');
    await expectRefused(stale, await post(signalOf(stale), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }));
    const future = uniqueName('future');
    await expectRefused(future, await post(signalOf(future), { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 }));
  });

  it('an unknown key, no headers, or another source than the account’s', async () => {
    const unknown = uniqueName('unknown');
    await expectRefused(unknown, await post(signalOf(unknown), { key: 'svk_nobody' }));
    const bare = uniqueName('bare');
    await expectRefused(bare, await h.request('POST', '/api/intake/signals', { body: signalOf(bare) }));
    const other = uniqueName('other-source');
    await expectRefused(other, await post(signalOf(other, { source: 'someone_else' })));
    expect(await h.deps.database.db.select().from(intakeSignals).where(eq(intakeSignals.source, 'someone_else'))).toHaveLength(0);
  });

  it('a replayed request (same timestamp and signature)', async () => {
    const externalId = uniqueName('replayed');
    const first = await post(signalOf(externalId));
    expect(first.status).toBe(202);
    const replay = await h.request('POST', '/api/intake/signals', { body: first.raw, headers: first.headers });
    expect(replay.status).toBe(401);
    expect((await signalRows(externalId))[0]!.receivedCount).toBe(1);
  });

  it('a deleted account’s key stops working at once', async () => {
    const other = await admin.post('/api/service-accounts', { name: '临时账号', source });
    expect(other.status).toBe(201);
    const externalId = uniqueName('deleted');
    expect((await post(signalOf(externalId), { key: other.body.apiKey, secret: other.body.secret })).status).toBe(202);
    expect((await admin.request('DELETE', `/api/service-accounts/${other.body.id}`)).status).toBe(204);
    const after = uniqueName('after-delete');
    await expectRefused(after, await post(signalOf(after), { key: other.body.apiKey, secret: other.body.secret }));
  });

  it('a signed signal with a bad body is a 400 naming the field, and writes nothing', async () => {
    const externalId = uniqueName('bad');
    const answer = await post(signalOf(externalId, { riskLevel: 'catastrophic' }));
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('body.riskLevel');
    expect(await signalRows(externalId)).toHaveLength(0);
  });
});

describe('the result goes back to the source', () => {
  it('once the item completes: one signed post with the finding, recorded sent', async () => {
    const externalId = uniqueName('verify');
    const posted = await post(signalOf(externalId));
    const itemId = posted.body.itemId as string;
    const item = await supervisor.get(`/api/items/${itemId}`);
    const taskId = item.body.tasks[0].id as string;
    expect((await staff.post(`/api/tasks/${taskId}/sign`)).status).toBe(200);
    const missing = await staff.post(`/api/tasks/${taskId}/complete`, { summary: '现场核查属实' });
    expect(missing.status).toBe(400); // the verification template asks for the finding
    expect((await staff.post(`/api/tasks/${taskId}/complete`, { summary: '现场核查属实，已责令整改', fields: { finding: 'confirmed' } })).status).toBe(200);
    expect((await supervisor.post(`/api/tasks/${taskId}/review`, { decision: 'accept', comment: '核查到位' })).status).toBe(200);

    const mine = () => hits.filter((hit) => hit.raw.includes(externalId));
    await waitFor(async () => mine().length > 0, 'the result post', 30_000);
    const [hit] = mine();
    const body = JSON.parse(hit!.raw) as Record<string, unknown>;
    expect(body).toMatchObject({ event: 'verification_result', source, externalId, itemId, status: 'completed', finding: 'confirmed', summary: '现场核查属实，已责令整改' });
    const timestamp = hit!.headers['x-supervision-timestamp'] as string;
    expect(hit!.headers['x-supervision-signature']).toBe(`sha256=${createHmac('sha256', resultSecret).update(`${timestamp}.${hit!.raw}`).digest('hex')}`);

    const [delivery] = await waitFor(async () => {
      const rows = await h.deps.database.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.dedupeKey, `signal-result/${itemId}`));
      return rows[0]?.status === 'sent' ? rows : undefined;
    }, 'the result recorded sent');
    expect(delivery).toMatchObject({ channel: 'webhook', intakeSource: source, attempts: 1 });
    expect(hit!.headers['x-supervision-delivery']).toBe(delivery!.id);

    // A repeat of the signal after the end, and later projections of the item, send nothing again.
    // Signed a second later: the same signature within its second is a replay, refused (tested above).
    const repeatedAt = Number(posted.headers['x-timestamp']) + 1;
    expect((await post(signalOf(externalId), { timestamp: Math.max(repeatedAt, Math.floor(Date.now() / 1000)) })).body).toEqual({ itemId, created: false });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(mine()).toHaveLength(1);
  });
});

describe('admin settings', () => {
  it('a rule naming a user who is not a leader, or an unknown source, is refused at its field', async () => {
    const notLeader = await admin.request('PUT', '/api/intake/rules', { source, riskLevel: 'low', departmentId, issuedBy: supervisor.id });
    expect(notLeader.status).toBe(422);
    expect(JSON.stringify(notLeader.body)).toContain('body.issuedBy');
    const unknownSource = await admin.post('/api/service-accounts', { name: 'x', source: 'no_such_source' });
    expect(unknownSource.status).toBe(422);
  });

  it('a signal of a risk level without a rule is refused with 422 and writes nothing', async () => {
    const externalId = uniqueName('no-rule');
    const answer = await post(signalOf(externalId, { riskLevel: 'medium' }));
    expect(answer.status).toBe(422);
    expect(await signalRows(externalId)).toHaveLength(0);
  });

  it('lists never show a key or secret', async () => {
    const list = await admin.get('/api/service-accounts');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(account.secret);
    expect(JSON.stringify(list.body)).not.toContain(account.apiKey);
    const sources = await admin.get('/api/intake/sources');
    expect(JSON.stringify(sources.body)).not.toContain(resultSecret);
  });
});
