// The writes that must be committed before an answer leaves run side by side, and the answer waits for all of them.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { commitBeforeAnswer, installCommitBeforeAnswer } from '../../../api/plugins/commit-before-answer';

/** An app whose two onSend hooks each start a commit that settles only when the test says so. */
function appWithTwoCommits(outcomeOfSecond: 'resolve' | 'reject' = 'resolve') {
  const events: string[] = [];
  const settle: (() => void)[] = [];
  const app = Fastify();
  for (const name of ['audit row', 'stored answer']) {
    app.addHook('onSend', async (request, _reply, payload) => {
      events.push(`${name} started`);
      commitBeforeAnswer(
        request,
        new Promise<void>((resolve, reject) => {
          settle.push(() => {
            events.push(`${name} committed`);
            if (name === 'stored answer' && outcomeOfSecond === 'reject') reject(new Error('connection lost'));
            else resolve();
          });
        }),
      );
      return payload;
    });
  }
  installCommitBeforeAnswer(app);
  app.post('/write', async () => ({ ok: true }));
  app.get('/read', async () => ({ ok: true }));
  return { app, events, settle };
}

describe('commit before answer', () => {
  it('starts both commits before either settles, and answers only once both have', async () => {
    const { app, events, settle } = appWithTwoCommits();
    let answered = false;
    const answer = app.inject({ method: 'POST', url: '/write' }).then((response) => {
      answered = true;
      events.push('answered');
      return response;
    });
    while (settle.length < 2) await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['audit row started', 'stored answer started']);
    settle[1]!();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    settle[0]!();
    expect((await answer).statusCode).toBe(200);
    expect(events).toEqual(['audit row started', 'stored answer started', 'stored answer committed', 'audit row committed', 'answered']);
  });

  it('fails the answer when a commit fails, as an awaited hook would', async () => {
    const { app, settle } = appWithTwoCommits('reject');
    const answer = app.inject({ method: 'POST', url: '/write' });
    while (settle.length < 2) await new Promise((resolve) => setImmediate(resolve));
    // The failing commit settles first; the other is still running and must not be left unawaited.
    settle[1]!();
    settle[0]!();
    // The 500 goes out through the same hooks, which commit again (the audit row of the failure).
    let done = false;
    void answer.then(() => (done = true));
    for (let settled = 2; !done; await new Promise((resolve) => setImmediate(resolve))) while (settled < settle.length) settle[settled++]!();
    const response = await answer;
    expect(response.statusCode).toBe(500);
  });

  it('lets a request that commits nothing through untouched', async () => {
    const app = Fastify();
    installCommitBeforeAnswer(app);
    app.get('/read', async () => ({ ok: true }));
    const response = await app.inject({ method: 'GET', url: '/read' });
    expect(response.json()).toEqual({ ok: true });
  });
});
