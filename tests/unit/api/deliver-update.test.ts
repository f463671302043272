// deliverUpdate sends again, under the same Update id, only an Update the server says no worker answered.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { deliverUpdate, wasNeverProcessed } from '../../../api/services/temporal/deliver-update';

const ping = { type: 'update', name: 'ping' } as UpdateDefinition<string, [number], 'ping'>;
const unprocessed = () =>
  new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({
      type: 'UnprocessedUpdate',
      nonRetryable: true,
      message: "Workflow Update is rejected because it wasn't processed by worker.",
    }),
  );
const refused = () =>
  new WorkflowUpdateFailedError(
    'Workflow Update failed',
    ApplicationFailure.create({ type: 'wrong_state', nonRetryable: true, message: 'not signed' }),
  );

/** A handle whose executeUpdate answers with the given outcomes in turn, recording what it was sent. */
function scriptedHandle(outcomes: (Error | string)[]) {
  const calls: { name: string; options: unknown }[] = [];
  return {
    calls,
    async executeUpdate(def: { name: string }, options: unknown) {
      calls.push({ name: def.name, options });
      const next = outcomes.shift();
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

describe('deliverUpdate', () => {
  it('sends an unanswered Update again under the same id and returns its answer', async () => {
    const handle = scriptedHandle([unprocessed(), unprocessed(), 'applied']);
    const options = { args: [7] as [number], updateId: 'user-1:key-1' };
    await expect(deliverUpdate(handle as never, ping, options)).resolves.toBe('applied');
    expect(handle.calls).toHaveLength(3);
    expect(handle.calls.every((c) => c.name === 'ping' && c.options === options)).toBe(true);
  });

  it('passes a refusal by the workflow straight through, without sending it again', async () => {
    const handle = scriptedHandle([refused(), 'never reached']);
    await expect(deliverUpdate(handle as never, ping, { args: [1], updateId: 'u' })).rejects.toMatchObject({
      cause: { type: 'wrong_state' },
    });
    expect(handle.calls).toHaveLength(1);
  });

  it('gives up after six unanswered sends and says so', async () => {
    const handle = scriptedHandle(Array.from({ length: 10 }, unprocessed));
    const error = await deliverUpdate(handle as never, ping, { args: [1], updateId: 'u' }).catch((e: unknown) => e);
    expect(wasNeverProcessed(error)).toBe(true);
    expect(handle.calls).toHaveLength(6);
  });

  it('asks a workflow not started yet again (a task moments after its launch), then reports one still missing', async () => {
    const notYet = () => new WorkflowNotFoundError('workflow not found', 'task-1', undefined);
    const starting = scriptedHandle([notYet(), notYet(), 'assigned']);
    await expect(deliverUpdate(starting as never, ping, { args: [1], updateId: 'u' })).resolves.toBe('assigned');
    expect(starting.calls).toHaveLength(3);

    const missing = scriptedHandle(Array.from({ length: 10 }, notYet));
    await expect(deliverUpdate(missing as never, ping, { args: [1], updateId: 'u' })).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(missing.calls).toHaveLength(8);
  }, 15_000);
});
