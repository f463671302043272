/**
 * What must be committed before an answer leaves (the stored Idempotency-Key answer, the audit
 * row) is started by each plugin's onSend hook and awaited together by one last hook: the writes
 * are independent, so a write request waits for the slower of them, not for their sum (each is a
 * group-committed round trip to Postgres). A failure still fails the answer, as an awaited hook's would.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    commitsBeforeAnswer: Promise<unknown>[] | null;
  }
}

/** Holds the answer until `commit` settles. */
export function commitBeforeAnswer(request: FastifyRequest, commit: Promise<unknown>): void {
  // Handled here so that an early rejection is not reported as unhandled before the last hook awaits it.
  commit.catch(() => {});
  (request.commitsBeforeAnswer ??= []).push(commit);
}

/** The last onSend hook: install after every plugin whose hooks call `commitBeforeAnswer`. */
export function installCommitBeforeAnswer(app: FastifyInstance): void {
  app.decorateRequest('commitsBeforeAnswer', null);
  app.addHook('onSend', async (request, _reply, payload) => {
    const commits = request.commitsBeforeAnswer;
    request.commitsBeforeAnswer = null;
    if (commits) await Promise.all(commits);
    return payload;
  });
}
