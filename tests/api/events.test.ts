/**
 * GET /api/events with the real platform: a task's change reaches its department's stream (and the
 * supervisor's), never another department's; the inbox count comes to its owner; the API's close
 * does not wait for open streams.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type LoggedIn } from '../support/api-harness';
import { launchBody, waitFor } from '../support/item-fixtures';
import { startApi } from './support/api-server';
import { createAccount, loginOver } from './support/accounts';

interface Received {
  event: string;
  data: Record<string, unknown>;
}

/** Opens the caller's stream and collects its events until stopped. */
async function openStream(baseUrl: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/api/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const events: Received[] = [];
  let raw = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        raw += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = raw.indexOf('\n\n')) >= 0) {
          const block = raw.slice(0, end);
          raw = raw.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  await waitFor(async () => events.some((e) => e.event === 'ready'), 'the stream to open', 10_000);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    async stop() {
      controller.abort();
      await reading;
    },
  };
}

let h: ApiHarness;
let supervisor: LoggedIn;
let leader: LoggedIn;
let staffA: LoggedIn;
let staffB: LoggedIn;
let deptA: string;

beforeAll(async () => {
  h = await startApiHarness();
  deptA = (await h.createDepartment('直播甲局')).id;
  const deptB = (await h.createDepartment('直播乙局')).id;
  [supervisor, leader] = await Promise.all([h.createUser('supervisor'), h.createUser('leader')]);
  staffA = await h.createUser('department', deptA);
  staffB = await h.createUser('department', deptB);
});
afterAll(async () => h?.close());

describe('live events', () => {
  it("a department's stream gets its task's change; another department's stream does not", async () => {
    const [streamA, streamB, streamSupervisor] = await Promise.all([
      openStream(h.baseUrl, staffA.token),
      openStream(h.baseUrl, staffB.token),
      openStream(h.baseUrl, supervisor.token),
    ]);
    try {
      expect(streamA.status).toBe(200);
      expect(streamA.contentType).toContain('text/event-stream');
      const launched = await supervisor.post('/api/items', launchBody(leader.id, [{ departmentId: deptA, role: 'lead' }]));
      expect(launched.status).toBe(201);
      const taskId = launched.body.tasks[0].id as string;
      const itemId = launched.body.id as string;
      await waitFor(async () => (await supervisor.get(`/api/items/${itemId}`)).body.timeline.some((e: { type: string }) => e.type === 'assigned'), 'the task workflow');
      expect((await staffA.post(`/api/tasks/${taskId}/sign`)).status).toBe(200);

      const signed = await waitFor(
        async () => streamA.events.find((e) => e.event === 'task' && e.data.taskId === taskId && e.data.status === 'signed'),
        "the signed task on department A's stream",
      );
      expect(signed.data).toEqual({ itemId, taskId, departmentId: deptA, status: 'signed', light: 'green', version: expect.any(Number) });
      await waitFor(
        async () => streamSupervisor.events.find((e) => e.event === 'task' && e.data.taskId === taskId && e.data.status === 'signed'),
        "the signed task on the supervisor's stream",
      );
      expect(streamA.events.some((e) => e.event === 'item' && e.data.itemId === itemId)).toBe(true);
      // Give department B's stream the same time again: nothing of this item may arrive.
      await sleep(1_000);
      expect(streamB.events.filter((e) => e.data.itemId === itemId || e.data.taskId === taskId)).toEqual([]);
      await supervisor.post(`/api/items/${itemId}/cancel`, { reason: 'test finished' });
    } finally {
      await Promise.all([streamA.stop(), streamB.stop(), streamSupervisor.stop()]);
    }
  });

  it('the inbox count reaches only its owner', async () => {
    const [streamA, streamB] = await Promise.all([openStream(h.baseUrl, staffA.token), openStream(h.baseUrl, staffB.token)]);
    try {
      // A notification row as the notification job writes it (jobs/ owns how; the stream only follows the table).
      await h.deps.database.sql`
        insert into notifications (dedupe_key, user_id, event, urgent, item_id, subject, body, data, occurred_at)
        values (${`live-${Date.now()}`}, ${staffA.id}, 'urged', true, 'x', '催办', '请尽快办理', '{}'::jsonb, now())`;
      const inbox = await waitFor(async () => streamA.events.find((e) => e.event === 'inbox'), "the inbox event on A's stream");
      expect(inbox.data).toEqual({ unread: (await staffA.get('/api/inbox')).body.unread });
      await sleep(500);
      expect(streamB.events.filter((e) => e.event === 'inbox')).toEqual([]);
    } finally {
      await Promise.all([streamA.stop(), streamB.stop()]);
    }
  });

  it('an anonymous caller gets 401, not a stream', async () => {
    const answer = await h.request('GET', '/api/events');
    expect(answer.status).toBe(401);
  });

  it("the API's close ends open streams instead of waiting for them", async () => {
    const api = await startApi();
    const account = await createAccount(api.deps.database.db, 'supervisor');
    const { token } = await loginOver(api.baseUrl, account);
    const stream = await openStream(api.baseUrl, token);
    const started = Date.now();
    await api.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    await stream.stop();
  });
});
