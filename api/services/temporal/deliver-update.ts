/**
 * Sends an action Update and makes sure the worker really saw it.
 *
 * More simultaneous Updates on one workflow than the server's `history.maxInFlightUpdates` (10 by
 * default) make the server abort its admitted Updates and start a new workflow task; the SDK worker
 * (1.24) can then finish that task without answering some of the Updates it was given, and the server
 * rejects those with `UnprocessedUpdate`. Such an Update never entered history, so it is sent again
 * under the same Update id: it applies once (the server deduplicates by id, the workflow by its cache
 * of recent ids), and the caller gets the answer instead of a lost action.
 *
 * A task's workflow is started by its item moments after the launch answered: an action on a task
 * that quick (or on a loaded machine) can find no workflow yet. It is asked again for a few seconds
 * before "not found" is taken to mean what it says, unless the caller waits on its own terms (the task
 * actions: only for a task the read model shows open, so an unknown id answers 404 at once).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';

/** The server's verdict on an Update handed to a worker that answered neither accept nor reject. */
export function wasNeverProcessed(error: unknown): boolean {
  return (
    error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && error.cause.type === 'UnprocessedUpdate'
  );
}

const ATTEMPTS = 6;
/** 50 ms doubling: 6.35 s in all before a missing workflow is reported as missing. */
const NOT_FOUND_ATTEMPTS = 8;
const FIRST_PAUSE_MS = 50;

function attemptsFor(error: unknown, waitForStart: boolean): number {
  if (wasNeverProcessed(error)) return ATTEMPTS;
  if (error instanceof WorkflowNotFoundError && waitForStart) return NOT_FOUND_ATTEMPTS;
  return 1;
}

type UpdateSender = Pick<WorkflowHandle, 'executeUpdate'>;

export async function deliverUpdate<Ret, Args extends [unknown, ...unknown[]]>(
  handle: UpdateSender,
  update: UpdateDefinition<Ret, Args>,
  options: { args: Args; updateId: string },
  /** false: "not found" is thrown at once, for a caller that decides from the read model whether to wait. */
  waitForStart = true,
): Promise<Ret> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await handle.executeUpdate(update, options);
    } catch (error) {
      if (attempt >= attemptsFor(error, waitForStart)) throw error;
      await sleep(FIRST_PAUSE_MS * 2 ** (attempt - 1));
    }
  }
}
